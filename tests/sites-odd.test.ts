// Odd but valid input: each of these must build (exit 0), at most with a warning.
// Each test assembles a one-story site from the repo's templates/ and
// broadsheet.yaml, writing the story itself so bytes such as a BOM or CRLF line
// endings are exact and cannot be changed by an editor or by git.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, run, scratch, type Run } from './helpers.js';

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
