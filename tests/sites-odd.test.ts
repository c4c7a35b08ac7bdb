// Odd but valid input: each of these must build (exit 0), at most with a warning.
// Each test assembles a one-story site from the repo's templates/ and
// broadsheet.yaml, writing the story itself so bytes such as a BOM or CRLF line
// endings are exact and cannot be changed by an editor or by git.
// The hostile-but-valid ones (odd file names, symlink loops, deep nesting at the
// limit, huge titles…) go through `safeBuild`: build and check both exit 0 with the
// same messages, every page written parses as HTML without a parse error, and
// nothing is written anywhere but dist/ (and the story cache). Symbolic links are
// made by the test itself, so each case says exactly what it links.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_STORY_BYTES, storyFromBytes } from '../src/content/read-story.js';
import { REPO, run, scratch, snapshotTree, type Run } from './helpers.js';

const sites: string[] = [];
afterEach(async () => {
  for (const site of sites.splice(0)) await rm(site, { recursive: true, force: true });
});

/** Build a site whose content/ holds `files` (name → text); returns the run and the site folder. */
async function build(files: Record<string, string>): Promise<Run & { site: string }> {
  const site = await scratch();
  sites.push(site);
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await cp(join(REPO, 'broadsheet.yaml'), join(site, 'broadsheet.yaml'));
  await mkdir(join(site, 'content'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(site, 'content', name), text);
  return { ...(await run(['build'], site)), site };
}

const page = (site: string, path: string) => readFile(join(site, 'dist', path), 'utf8');

describe('odd but valid sites', () => {
  it('should build a story that starts with a byte order mark', async () => {
    const result = await build({ 'harbour-bridge.md': '\uFEFF---\ntitle: "Harbour bridge opens"\ndate: 2025-05-02\n---\n\nThe bridge opened on Friday.\n' });

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Built 1 story into dist\//);
    const html = await page(result.site, 'harbour-bridge/index.html');
    expect(html).toContain('<h1 class="story-title">Harbour bridge opens</h1>');
    expect(html).toContain('<p>The bridge opened on Friday.</p>');
    expect(html).not.toContain('\uFEFF');
  });

  it('should build a story with CRLF line endings', async () => {
    const story = ['---', 'title: "Harbour bridge opens"', 'date: 2025-05-02', 'section: City', '---', '', 'The bridge', 'opened on Friday.', ''].join('\r\n');
    const result = await build({ 'harbour-bridge.md': story });

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const html = await page(result.site, 'harbour-bridge/index.html');
    expect(html).toContain('<h1 class="story-title">Harbour bridge opens</h1>');
    expect(html).toContain('<p class="kicker"><a href="/section/city/">City</a></p>');
    expect(html).toContain('<time datetime="2025-05-02">');
    // Fields must not keep the \r (that would show as `City\r`); the body may keep its own line ends.
    expect(html).toMatch(/<p>The bridge\r?\nopened on Friday\.<\/p>/);
    expect(html.replace(/<div class="story-body">[^]*?<\/div>/, '')).not.toContain('\r');
  });

  it('should only warn about a __proto__ key and not pollute Object.prototype', async () => {
    const result = await build({
      'harbour-bridge.md': '---\ntitle: "Harbour bridge opens"\ndate: 2025-05-02\n__proto__:\n  polluted: true\n---\n\nThe bridge opened on Friday.\n',
    });

    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'content/harbour-bridge.md:4:1  warning  Unknown key `__proto__`; known keys are `title`, `date`, `updated`, `author`, `section`, `tags`, `summary`, `slug`, `draft`, `image`, `image_alt`, `aliases`  (frontmatter/unknown-key)\n',
    );
    expect(result.stdout).toMatch(/^Built 1 story into dist\/: .*, 1 warning\.\n$/);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(await page(result.site, 'harbour-bridge/index.html')).toContain('Harbour bridge opens');
  });

  it('should warn about an unknown frontmatter key, suggest the right one and still build', async () => {
    const result = await build({
      'harbour-bridge.md': '---\ntitle: "Harbour bridge opens"\ntitel: "Harbour bridge opens at last"\ndate: 2025-05-02\n---\n\nThe bridge opened on Friday.\n',
    });

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('content/harbour-bridge.md:3:1  warning  Unknown key `titel`; did you mean `title`?  (frontmatter/unknown-key)\n');
    expect(result.stdout).toMatch(/^Built 1 story into dist\/: .*, 1 warning\.\n$/);
    expect(existsSync(join(result.site, 'dist', 'harbour-bridge', 'index.html'))).toBe(true);
  });

  it('should make an ASCII slug from a unicode file name', async () => {
    const result = await build({ 'Zürich-Straße.md': '---\ntitle: "Zürich renames a street"\ndate: 2025-05-02\n---\n\nThe street has a new name.\n' });

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(await readdir(join(result.site, 'dist'))).toContain('zurich-strasse');
    const html = await page(result.site, 'zurich-strasse/index.html');
    expect(html).toContain('<h1 class="story-title">Zürich renames a street</h1>');
    expect(await page(result.site, 'index.html')).toContain('href="/zurich-strasse/"');
  });

  it('should print template syntax and HTML in a title literally, never run it', async () => {
    const result = await build({
      'seven-sevens.md': '---\ntitle: "What is {{ 7 * 7 }}? <script>alert(1)</script>"\ndate: 2025-05-02\n---\n\nThe answer is not {{ 7 * 7 }}.\n',
    });

    expect(result).toMatchObject({ code: 0, stderr: '' });
    for (const path of ['seven-sevens/index.html', 'index.html']) {
      const html = await page(result.site, path);
      expect(html).toContain('What is {{ 7 * 7 }}? &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('49');
    }
    expect(await page(result.site, 'seven-sevens/index.html')).toContain('<p>The answer is not {{ 7 * 7 }}.</p>');
  });
});

const STORY = '---\ntitle: "Harbour bridge opens"\ndate: 2025-05-02\n---\n\nThe bridge opened on Friday.\n';
const story = (frontmatter: string, body = 'The bridge opened on Friday.\n') => `---\ntitle: "Harbour bridge opens"\ndate: 2025-05-02\n${frontmatter}---\n\n${body}`;

interface SafeBuild {
  site: string;
  build: Run;
  check: Run;
  /** Every page written, by path under dist/. */
  pages: Record<string, string>;
}

/**
 * Build and check a site whose content/ holds `files` (name → text) and `links`
 * (link → target, as the link holds it), inside a folder of its own so a write
 * beside the site would show too; asserts what every odd-but-valid site must give.
 */
async function safeBuild(files: Record<string, string>, links: Record<string, string> = {}, args: string[] = []): Promise<SafeBuild> {
  const root = await scratch();
  sites.push(root);
  const site = join(root, 'site');
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await cp(join(REPO, 'broadsheet.yaml'), join(site, 'broadsheet.yaml'));
  await mkdir(join(site, 'content'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(site, 'content', name)), { recursive: true });
    await writeFile(join(site, 'content', name), text);
  }
  for (const [link, target] of Object.entries(links)) await symlink(target, join(site, 'content', link));
  const before = await snapshotTree(root);

  const check = await run(['check', ...args], site);
  const build = await run(['build', ...args], site);

  expect.soft(build.code, `build exit code; stderr:\n${build.stderr}`).toBe(0);
  expect.soft(check.code, `check exit code; stderr:\n${check.stderr}`).toBe(0);
  expect.soft(check.stderr, 'check prints what build prints').toBe(build.stderr);
  for (const output of [build.stdout, build.stderr, check.stdout, check.stderr]) {
    expect.soft(output, 'no stack trace').not.toMatch(/^\s+at /m);
    expect.soft(output).not.toContain('internal error');
  }
  const after = await snapshotTree(root);
  const pages: Record<string, string> = {};
  // dist/ is the current build; .dist.builds/ beside it holds the one before (write/output.ts).
  const dist = existsSync(join(root, 'site', 'dist')) ? await snapshotTree(join(root, 'site', 'dist')) : {};
  for (const [path, text] of Object.entries(dist)) if (path.endsWith('.html')) pages[path] = Buffer.from(text, 'latin1').toString('utf8');
  for (const path of Object.keys(after)) {
    if (path.startsWith('site/dist/') || path.startsWith('site/.dist.builds/') || path.startsWith('site/.broadsheet-cache/')) delete after[path];
  }
  expect.soft(after, 'nothing written outside dist/ and the cache').toEqual(before);
  expect(Object.keys(pages).length, 'pages written').toBeGreaterThan(0);
  for (const [path, html] of Object.entries(pages)) expect.soft(parseErrors(html), `HTML parse errors in ${path}`).toEqual([]);
  return { site, build, check, pages };
}

/** The HTML the story's Markdown became, without the page around it. */
function storyBody(html: string): string {
  const start = html.indexOf('<div class="story-body">');
  return start < 0 ? '' : html.slice(start, html.indexOf('\n  </div>', start));
}

/** The text of the article's `<h1>`, character references decoded. */
function headline(html: string): string | undefined {
  let text: string | undefined;
  visit(fromHtml(html), 'element', (node: Element) => {
    if (node.tagName === 'h1' && text === undefined) text = node.children.map((child) => (child.type === 'text' ? child.value : '')).join('');
  });
  return text;
}

function parseErrors(html: string): string[] {
  const errors: string[] = [];
  fromHtml(html, { onerror: (error) => void errors.push(`${error.line}:${error.column} ${error.reason}`) });
  return errors;
}

describe('odd but valid sites: hostile input that must build safely', () => {
  it('should build each story once when a folder inside content/ is a symlink to its parent', async () => {
    const result = await safeBuild({ 'harbour-bridge.md': STORY, 'world/tokyo.md': STORY.replace('Harbour bridge opens', 'Tokyo votes') }, { again: '.', 'world/back': '..' });

    expect(result.build.stdout).toMatch(/^Built 2 stories into dist\//);
    expect(Object.keys(result.pages).filter((path) => /^[^/]+\/index\.html$/.test(path)).sort()).toEqual(['harbour-bridge/index.html', 'tokyo/index.html']);
  });

  it('should build a story symlinked from inside content/ under the name of the link', async () => {
    const result = await safeBuild({ 'world/harbour-bridge.md': STORY }, { 'latest.md': 'world/harbour-bridge.md' });

    expect(result.build.stdout).toMatch(/^Built 2 stories into dist\//);
    expect(result.pages['latest/index.html']).toContain('Harbour bridge opens');
  });

  it('should make slugs from file names with spaces, a leading dash, an uppercase .MD extension or a line break', async () => {
    const files: Record<string, string> = {
      'Harbour Bridge Opens.md': STORY,
      '-tram-line.md': STORY.replace('Harbour bridge opens', 'Tram line opens'),
      'CITY-BUDGET.MD': STORY.replace('Harbour bridge opens', 'City budget passes'),
      'Brücke 🌉.md': STORY.replace('Harbour bridge opens', 'Brücke eröffnet'),
      'ferry\nstrike.md': STORY.replace('Harbour bridge opens', 'Ferry strike ends'),
    };
    const result = await safeBuild(files);

    expect(result.build.stdout).toMatch(/^Built 5 stories into dist\//);
    for (const slug of ['harbour-bridge-opens', 'tram-line', 'city-budget', 'brucke', 'ferry-strike']) expect(result.pages).toHaveProperty([`${slug}/index.html`]);
  });

  it('should read stories inside a folder named like a story, and not the folder itself', async () => {
    const result = await safeBuild({ 'archive.md/harbour-bridge.md': STORY, 'empty.md/.keep': '' });

    expect(result.build).toMatchObject({ stderr: '' });
    expect(result.build.stdout).toMatch(/^Built 1 story into dist\//);
    expect(result.pages).toHaveProperty(['harbour-bridge/index.html']);
  });

  it('should publish frontmatter with nothing after its closing fence as a brief', async () => {
    const result = await safeBuild({ 'harbour-bridge.md': '---\ntitle: "Harbour bridge opens"\ndate: 2025-05-02\n---' });

    expect(result.build.stdout).toMatch(/^Built 1 story \(1 brief\) into dist\//);
    expect(result.pages['harbour-bridge/index.html']).toContain('class="story story--brief"');
  });

  it('should only warn about __proto__ and constructor keys in nested fields, and pollute nothing', async () => {
    const result = await safeBuild({ 'harbour-bridge.md': story('extra:\n  __proto__:\n    polluted: true\n  constructor:\n    prototype:\n      polluted: true\n') });

    expect(result.build.stderr).toMatch(/^content\/harbour-bridge\.md:4:1 {2}warning {2}Unknown key `extra`;/);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('should warn about a YAML tag such as !!js/function, read the value as text and never run it', async () => {
    const result = await safeBuild({ 'harbour-bridge.md': '---\ntitle: !!js/function "function () { return process.exit(9) }"\ndate: 2025-05-02\n---\n\nThe bridge opened.\n' });

    expect(result.build.stderr).toBe('content/harbour-bridge.md:2:8  warning  The YAML tag `!!js/function` means nothing here, so the value is read as plain text; remove the tag  (frontmatter/yaml)\n');
    expect(result.pages['harbour-bridge/index.html']).toContain('<h1 class="story-title">function () { return process.exit(9) }</h1>');
  });

  it('should report a frontmatter key that is a list as an unknown key, without a warning from Node itself', async () => {
    const emitted = vi.spyOn(process, 'emitWarning');
    try {
      const result = await safeBuild({ 'harbour-bridge.md': story('? [a, b]\n: 1\n') });

      expect(result.build.stderr).toMatch(/^content\/harbour-bridge\.md:4:3 {2}warning {2}Unknown key `\["a","b"\]`;/);
      expect(emitted).not.toHaveBeenCalled();
    } finally {
      emitted.mockRestore();
    }
  });

  it('should read a second YAML document after the frontmatter as part of the body', async () => {
    const result = await safeBuild({ 'harbour-bridge.md': '---\ntitle: "Harbour bridge opens"\ndate: 2025-05-02\n---\n---\ntitle: "Another title"\n---\nThe bridge opened.\n' });

    expect(result.build.stderr).toBe('');
    expect(result.pages['harbour-bridge/index.html']).toContain('<h1 class="story-title">Harbour bridge opens</h1>');
  });

  it('should give a quoted numeric slug its page', async () => {
    const result = await safeBuild({ 'harbour-bridge.md': story('slug: "2025"\n') });

    expect(result.pages['2025/index.html']).toContain('Harbour bridge opens');
  });

  it('should print a title thousands of characters long whole, and escaped', async () => {
    const title = `${'Bridge <b>&amp; "quotes" '.repeat(400)}end`;
    const result = await safeBuild({ 'harbour-bridge.md': `---\ntitle: ${JSON.stringify(title)}\ndate: 2025-05-02\n---\n\nThe bridge opened.\n` });

    const html = result.pages['harbour-bridge/index.html'] ?? '';
    expect(headline(html)).toBe(title);
    expect(html).not.toContain('<b>');
  });

  it('should build stories dated in the years 1000 and 9999 (the latter with --future)', async () => {
    // The last second of 9999 in UTC; one second later is the year 10000 (tests/sites-invalid/date-in-the-year-10000-in-utc).
    const result = await safeBuild(
      { 'old.md': story('', 'From the archive.\n').replace('2025-05-02', '1000-01-01'), 'far.md': story('').replace('2025-05-02', '9999-12-31T11:59:59-12:00').replace('Harbour bridge opens', 'Far future') },
      {},
      ['--future'],
    );

    expect(result.build.stdout).toMatch(/^Built 2 stories/);
    expect(result.pages['old/index.html']).toContain('<time datetime="1000-01-01">');
    expect(result.pages['far/index.html']).toContain('<time datetime="9999-12-31T11:59:59-12:00">');
  });

  it('should build lists and quotes nested 100 levels deep, the most a story may have', async () => {
    const lists = `${'- '.repeat(100)}deepest\n`;
    const quotes = `${'>'.repeat(100)} deepest\n`;
    const emphasis = `${'*'.repeat(100)}deepest${'*'.repeat(100)}\n`;
    const result = await safeBuild({ 'harbour-bridge.md': story('', `${lists}\n${quotes}\n${emphasis}`) });

    const html = storyBody(result.pages['harbour-bridge/index.html'] ?? '');
    expect(html.split('<ul>').length - 1).toBe(100);
    expect(html.split('<blockquote>').length - 1).toBe(100);
    expect(html.split('<em>').length - 1 + 2 * (html.split('<strong>').length - 1)).toBe(100);
  });

  it('should build an outline of 5,000 points with sub-points within the test timeout', async () => {
    // micromark 4.0.3 copied every event so far at the end of each item holding a nested list: this took
    // minutes (package.json pins 4.0.2). The work is linear now; the test's timeout is the only bound.
    const outline = '- A point\n  - and its detail\n'.repeat(5000);
    const result = await safeBuild({ 'harbour-bridge.md': story('', outline) });

    expect(storyBody(result.pages['harbour-bridge/index.html'] ?? '').split('<li>').length - 1).toBe(10_000);
  });

  it('should build a story of a megabyte', async () => {
    const paragraph = `${'The bridge opened on Friday, two years late and over budget. '.repeat(16)}\n\n`;
    const result = await safeBuild({ 'harbour-bridge.md': story('', paragraph.repeat(Math.ceil(2 ** 20 / paragraph.length))) });

    expect(result.build.stdout).toMatch(/^Built 1 story into dist\//);
    expect(result.pages['harbour-bridge/index.html']?.length).toBeGreaterThan(2 ** 20);
  });

  it('should take a story of exactly 2 MB, and refuse one byte more', () => {
    const bytes = (size: number) => new TextEncoder().encode(story('', 'x'.repeat(size - story('', '').length)));
    const rules = (size: number) => storyFromBytes('content/harbour-bridge.md', bytes(size)).messages.map((message) => message.ruleId);

    expect(bytes(MAX_STORY_BYTES).length).toBe(2 * 2 ** 20);
    expect(rules(MAX_STORY_BYTES)).toEqual([]);
    expect(rules(MAX_STORY_BYTES + 1)).toEqual(['content/too-large']);
  });

  it('should keep the invisible characters writing needs in a headline, and every one in the body', () => {
    // Persian with zero-width non-joiners, an emoji family joined by zero-width joiners, Hebrew with a
    // right-to-left mark, a soft hyphen, the Scottish flag (tag characters): none may be refused.
    const title = 'می\u200cخواهم 👨\u200d👩\u200d👧 שלום\u200f! Donau\u00addampfschiff 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    const body = 'An override \u202eeman\u202c, an isolate \u2067שלום\u2069, a joiner in ක්\u200dෂ and a word break in ขนม\u200bปัง.\n';
    const file = storyFromBytes('content/harbour-bridge.md', new TextEncoder().encode(`---\ntitle: "${title}"\ntags: ["فارسی\u200cها"]\ndate: 2025-05-02\n---\n\n${body}`));

    expect(file.messages.map((message) => message.reason)).toEqual([]);
    expect(file.data.story?.title).toBe(title);
    expect(file.data.story?.tags).toEqual(['فارسی\u200cها']);
    expect(file.data.markdown).toContain(body);
  });
});

describe('odd but valid sites: names that share a page', () => {
  it('should warn at each spelling of a tag, section or author that shares another one\'s page, but not at case, accents or spacing', async () => {
    const result = await build({
      'c.md': '---\ntitle: Learning C\ndate: 2025-05-01\nauthor: Ana Beltrán\nsection: Science & Tech\ntags: [C, programming]\n---\n\nBody.\n',
      'cpp.md': '---\ntitle: Learning C++\ndate: 2025-05-02\nauthor: ana beltran\nsection: Science and Tech\ntags: [C++, programming]\n---\n\nBody.\n',
      'csharp.md': '---\ntitle: Learning C#\ndate: 2025-05-03\nauthor: Ana-Beltrán\ntags:\n  - c\n  - C#\n---\n\nBody.\n',
    });

    const fix = (first: string) => `if they are different, change this one's letters or digits (the address keeps only those), else write it "${first}"`;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `content/cpp.md:5:10  warning  The section "Science and Tech" has the same page, /section/science-and-tech/, as the section "Science & Tech" of content/c.md, so their stories are listed together under one name; ${fix('Science & Tech')}  (site/section-spelling)\n` +
        `content/cpp.md:6:8  warning  The tag "C++" has the same page, /tag/c/, as the tag "C" of content/c.md, so their stories are listed together under one name; ${fix('C')}  (site/tag-spelling)\n` +
        `content/csharp.md:7:5  warning  The tag "C#" has the same page, /tag/c/, as the tag "C" of content/c.md, so their stories are listed together under one name; ${fix('C')}  (site/tag-spelling)\n`,
    );
    expect(result.stdout).toMatch(/, 3 warnings\.\n$/);
    expect(await page(result.site, 'tag/c/index.html')).toContain('Learning C++');
  });
});
