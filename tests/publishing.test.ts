// Publishing controls: drafts, embargoed (future) stories, aliases, dates from
// git, links between stories, and the `new` and `check` commands.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { REPO, run, scratch } from './helpers.js';

const TEMPLATES = join(REPO, 'tests/fixtures/sites/_templates');

/** A site with the fixture templates and the given stories (file name → text). */
async function site(stories: Record<string, string>, config = 'title: Test\nurl: https://test.example.org/\n'): Promise<string> {
  const dir = await scratch();
  await cp(TEMPLATES, join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'broadsheet.yaml'), config);
  await mkdir(join(dir, 'content'));
  for (const [name, text] of Object.entries(stories)) await writeFile(join(dir, 'content', name), text);
  return dir;
}

const story = (title: string, date: string, extra = '', body = '') => `---\ntitle: ${title}\ndate: ${date}\n${extra}---\n\n${body}`;
const page = (dir: string, path: string) => readFile(join(dir, 'dist', path), 'utf8');

describe('publishing controls', () => {
  it('should leave drafts out unless --drafts is given', async () => {
    const dir = await site({ 'out.md': story('Out', '2025-01-01'), 'wip.md': story('Work in progress', '2025-01-02', 'draft: true\n') });
    expect((await run(['build'], dir)).code).toBe(0);
    expect(existsSync(join(dir, 'dist/wip'))).toBe(false);
    expect(await page(dir, 'index.html')).not.toContain('Work in progress');
    expect(await page(dir, 'out/index.html')).not.toContain('Work in progress');

    expect((await run(['build', '--drafts'], dir)).code).toBe(0);
    expect(await page(dir, 'index.html')).toContain('Work in progress');
  });

  it('should hold back stories dated in the future unless --future is given', async () => {
    const dir = await site({ 'now.md': story('Now', '2025-01-01'), 'embargoed.md': story('Embargoed', '2999-01-01T06:00:00Z') });
    expect((await run(['build'], dir)).code).toBe(0);
    expect(existsSync(join(dir, 'dist/embargoed'))).toBe(false);
    expect(await page(dir, 'index.html')).not.toContain('Embargoed');
    expect((await run(['build', '--future'], dir)).code).toBe(0);
    expect(await page(dir, 'index.html')).toContain('Embargoed');
  });

  it('should publish an embargoed story once its time has come', async () => {
    const dir = await site({ 'embargoed.md': story('Embargoed', '2025-06-01T06:00:00Z') });
    const before = await build({ root: dir, now: new Date('2025-06-01T05:59:59Z'), write: false });
    const after = await build({ root: dir, now: new Date('2025-06-01T06:00:00Z'), write: false });
    expect([before.stories, after.stories]).toEqual([0, 1]);
  });

  it('should write a redirect page at every alias', async () => {
    const dir = await site({ 'new-name.md': story('Renamed story', '2025-01-01', 'aliases: [old-name, /2019/05/older.html]\n') });
    expect((await run(['build'], dir)).code).toBe(0);
    for (const path of ['old-name/index.html', '2019/05/older.html']) {
      const html = await page(dir, path);
      expect(html).toContain('<meta http-equiv="refresh" content="0; url=https://test.example.org/new-name/">');
      expect(html).toContain('<link rel="canonical" href="https://test.example.org/new-name/">');
      expect(html).toContain('<meta name="robots" content="noindex">');
      expect(html).not.toContain('<script');
    }
  });

  it('should refuse an alias that another story already uses as its slug', async () => {
    const dir = await site({ 'a.md': story('A', '2025-01-01', 'aliases: [b]\n'), 'b.md': story('B', '2025-01-02') });
    const result = await run(['build'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('content/a.md:4:1  error  The alias "b" is already used by content/b.md; remove it from `aliases`  (site/duplicate-alias)');
  });

  it('should take `updated` from a later commit of a story that sets none, not from the one that added it', async () => {
    const dir = await site({ 'story.md': story('Committed', '2025-01-01T09:00:00Z'), 'declared.md': story('Declared', '2025-01-01', 'updated: 2025-01-03\n') });
    const git = (date: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.org', ...args], { cwd: dir, env: { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date } });
    git('2025-01-01T10:00:00Z', 'init', '-q');
    git('2025-01-01T10:00:00Z', 'add', '.');
    git('2025-01-01T10:00:00Z', 'commit', '-qm', 'publish');
    expect((await run(['build'], dir)).code).toBe(0);
    expect(await page(dir, 'story/index.html')).not.toContain('Updated');
    expect(await page(dir, 'declared/index.html')).toContain('Updated <time datetime="2025-01-03">');

    await writeFile(join(dir, 'content/story.md'), story('Committed', '2025-01-01T09:00:00Z', '', 'A correction.\n'));
    git('2025-01-02T10:00:00Z', 'commit', '-qam', 'correct');
    expect((await run(['build'], dir)).code).toBe(0);
    expect(await page(dir, 'story/index.html')).toContain('Updated <time datetime="2025-01-02T10:00:00+00:00">');

    await writeFile(join(dir, 'broadsheet.yaml'), 'title: Test\nurl: https://test.example.org/\nupdated_from_git: false\n');
    expect((await run(['build'], dir)).code).toBe(0);
    expect(await page(dir, 'story/index.html')).not.toContain('Updated');
  });

  it('should warn, and take no dates from git, in a shallow clone', async () => {
    const origin = await site({ 'story.md': story('Committed', '2025-01-01T09:00:00Z') });
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.org', ...args], { cwd });
    git(origin, 'init', '-q');
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'publish');
    await writeFile(join(origin, 'content/story.md'), story('Committed', '2025-01-01T09:00:00Z', '', 'A correction.\n'));
    git(origin, 'commit', '-qam', 'correct');
    const clone = join(await scratch(), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${origin}`, clone]);
    const result = await run(['build'], clone);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('broadsheet.yaml:1:1  warning  This is a shallow git clone, so stories get no `updated` date from git');
    expect(await page(clone, 'story/index.html')).not.toContain('Updated');
  });
});

describe('links between stories', () => {
  it('should report a link to a page the site will not have, at the link', async () => {
    const dir = await site({
      'a.md': story('A', '2025-01-01', '', 'See [B](/b/), [the old B](/old-b/) and [C](/c/).\n\nAlso [home](/), [css](/assets/x.css) and [out](https://elsewhere.example/c/).\n'),
      'b.md': story('B', '2025-01-02', 'aliases: [old-b]\n'),
    });
    const result = await run(['check'], dir);
    expect(result.stderr).toBe(
      'content/a.md:6:40  error  The link to /c/ leads to no page on this site; did you mean /b/?  (links/broken)\n' +
        'content/a.md:8:17  error  The link to /assets/x.css leads to no page on this site; did you mean /b/?  (links/broken)\n\n2 errors.\n',
    );
    expect(result.code).toBe(1);
  });

  it('should say when a link leads to a draft or an embargoed story', async () => {
    const dir = await site({
      'a.md': story('A', '2025-01-01', '', '[wip](/wip/) and [later](/later/)\n'),
      'wip.md': story('Work in progress', '2025-01-02', 'draft: true\n'),
      'later.md': story('Later', '2999-01-01'),
    });
    const result = await run(['check'], dir);
    expect(result.stderr).toContain('content/a.md:6:1  error  The link to /wip/ leads to a story that is not published: it is a draft (`draft: true`); build with --drafts to include it  (links/broken)');
    expect(result.stderr).toContain('content/a.md:6:18  error  The link to /later/ leads to a story that is not published: it is dated in the future; build with --future to include it  (links/broken)');
    expect((await run(['check', '--drafts', '--future'], dir)).code).toBe(0);
  });

  it('should treat relative links and full links to the site itself like root-relative ones', async () => {
    const dir = await site({
      'a.md': story('A', '2025-01-01', '', '[B](../b/) [B again](https://test.example.org/b/#top) [gone](../gone/)\n'),
      'b.md': story('B', '2025-01-02'),
    });
    const result = await run(['check'], dir);
    expect(result.stderr).toContain('content/a.md:6:55  error  The link to ../gone/ leads to no page on this site');
    expect(result.stderr.match(/links\/broken/g)).toHaveLength(1);
  });
});

describe('broadsheet check', () => {
  it('should validate without writing dist/', async () => {
    const dir = await site({ 'a.md': story('A', '2025-01-01', 'titel: typo\n') });
    const result = await run(['check'], dir);
    expect(result).toEqual({
      code: 0,
      stdout: 'Checked 1 story and 2 pages: 1 warning.\n',
      stderr: 'content/a.md:4:1  warning  Unknown key `titel`; did you mean `title`?  (frontmatter/unknown-key)\n',
    });
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('should exit 1 with every error listed', async () => {
    const dir = await site({ 'a.md': story('A', 'soon'), 'b.md': '---\ndate: 2025-01-01\n---\n' });
    const result = await run(['check'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr.match(/  error  /g)).toHaveLength(2);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });
});

describe('broadsheet new', () => {
  it('should write a draft with its frontmatter filled in and print its path', async () => {
    const dir = await site({}, 'title: Test\nurl: https://test.example.org/\nauthor: Ana Beltrán\n');
    const result = await run(['new', 'Mayor opens the harbour bridge: “at last”'], dir);
    expect(result).toEqual({ code: 0, stdout: 'content/mayor-opens-the-harbour-bridge-at-last.md\n', stderr: '' });
    const text = await readFile(join(dir, 'content/mayor-opens-the-harbour-bridge-at-last.md'), 'utf8');
    expect(text).toMatch(/^---\ntitle: "Mayor opens the harbour bridge: “at last”"\ndate: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\nauthor: Ana Beltrán\ndraft: true\n---\n\n$/);
    // The new story builds as a draft, and is valid frontmatter as written.
    expect((await run(['check', '--drafts', '--future'], dir)).code).toBe(0);
  });

  it('should refuse to overwrite an existing story', async () => {
    const dir = await site({ 'taken.md': story('Taken', '2025-01-01', '', 'Reporting that must not be lost.\n') });
    const result = await run(['new', 'Taken'], dir);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'broadsheet: content/taken.md already exists; edit that story, or choose a different headline\n' });
    expect(await readFile(join(dir, 'content/taken.md'), 'utf8')).toContain('Reporting that must not be lost.');
  });

  it('should make a file name from any headline: slashes, and scripts without Latin letters', async () => {
    const dir = await site({});
    expect((await run(['new', 'AC/DC announce farewell tour'], dir)).stdout).toBe('content/ac-dc-announce-farewell-tour.md\n');
    const japanese = await run(['new', '日本の選挙'], dir);
    expect(japanese.code).toBe(0);
    expect(japanese.stdout).toMatch(/^content\/story-\d{8}-\d{6}\.md\n$/);
    expect(await readFile(join(dir, japanese.stdout.trim()), 'utf8')).toContain('title: 日本の選挙');
  });

  it('should ask for a headline when none is given', async () => {
    const dir = await site({});
    expect((await run(['new'], dir)).code).toBe(2);
  });
});

describe('renames', () => {
  it('should drop a renamed story’s old page and list it under its new URL', async () => {
    const dir = await site({ 'old-slug.md': story('Moving story', '2025-01-01'), 'other.md': story('Other', '2025-01-02') });
    expect((await run(['build'], dir)).code).toBe(0);
    await rename(join(dir, 'content/old-slug.md'), join(dir, 'content/new-slug.md'));
    expect((await run(['build'], dir)).code).toBe(0);
    expect(existsSync(join(dir, 'dist/old-slug'))).toBe(false);
    expect(await page(dir, 'other/index.html')).toContain('href="/new-slug/"');
    expect(await page(dir, 'other/index.html')).not.toContain('old-slug');
  });
});
