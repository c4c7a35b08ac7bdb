// Content-hashed assets and the headers that let a CDN keep them: the templates'
// assets/ folder written as `assets/<name>.<hash>.<ext>`, linked from pages
// through `asset_url`, stylesheets' `url()`s rewritten to the hashed names; the
// `logo` and `share_image` settings checked against those assets; and `_headers`
// giving every file of the site exactly one caching rule, at `/` and under a path.
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, run, scratch, snapshotTree } from './helpers.js';
import { conflictsFor, headersFor, parseHeaders } from './reader/headers-file.js';

const CONFIG = 'title: The Asset Times\nurl: https://news.example.org/\npage_size: 2\nupdated_from_git: false\n';
// A 1×1 PNG, for an image beside a story and an image asset.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const HASHED = /^[0-9a-f]{8}$/;

const FERRY = '---\ntitle: Ferry strike ends\ndate: 2025-03-03T10:00:00Z\nauthor: Li Wei\nsection: City\ntags: [transport]\n---\n\nBoats run again.\n';
/** Stories using what makes pages at every depth: sections, tags, authors, pagination, an image, aliases. */
const STORIES: Record<string, string | Uint8Array> = {
  'content/bridge.md': '---\ntitle: Harbour bridge opens\ndate: 2025-03-04T10:00:00Z\nauthor: Ana Beltrán\nsection: City\ntags: [transport]\naliases: [old-bridge, 2019/05/bridge.html]\n---\n\n![The bridge](bridge.png)\n',
  'content/bridge.png': PNG,
  'content/ferry.md': FERRY,
  'content/tariff.md': '---\ntitle: Tariff vote delayed\ndate: 2025-03-02T10:00:00Z\nsection: City\ntags: [transport]\n---\n\nThe vote moves.\n',
};

const sites: string[] = [];
afterEach(async () => {
  for (const dir of sites.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A site with the repo's templates, CONFIG and STORIES, and `files` (site path → contents) on top. */
async function makeSite(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await scratch();
  sites.push(dir);
  await cp(join(REPO, 'templates'), join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'broadsheet.yaml'), CONFIG);
  for (const [path, contents] of Object.entries({ ...STORIES, ...files })) await put(dir, path, contents);
  return dir;
}

async function put(dir: string, path: string, contents: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), contents);
}

async function buildOk(dir: string): Promise<string> {
  const result = await run(['build'], dir);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return join(dir, 'dist');
}

/** Every file under `dir`, relative, with `/`. */
async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/')).sort();
}

/** The one output path of asset `name` (`style.css`, `fonts/x.woff2`), checked to be `assets/<stem>.<8 hex>.<ext>`. */
async function hashedPath(dist: string, name: string): Promise<string> {
  const ext = posix.extname(name);
  const stem = name.slice(0, -ext.length);
  const matches = (await filesIn(dist)).filter((path) => path.startsWith(`assets/${stem}.`) && path.endsWith(ext) && HASHED.test(path.slice(`assets/${stem}.`.length, -ext.length)));
  expect(matches, `one hashed copy of ${name}`).toHaveLength(1);
  return matches[0] ?? '';
}

function select(html: string, test: (element: Element) => boolean): Element[] {
  const found: Element[] = [];
  visit(fromHtml(html), 'element', (node: Element) => void (test(node) && found.push(node)));
  return found;
}
const headLinks = (html: string, rel: string) =>
  select(html, (e) => e.tagName === 'link' && ((e.properties.rel as string[] | undefined) ?? []).includes(rel)).map((e) => String(e.properties.href));

/** Each `url(…)` of a stylesheet, as written. */
const cssUrls = (css: string) => [...css.matchAll(/url\(\s*(['"]?)([^'")\s]+)\1\s*\)/g)].map((match) => match[2] ?? '');

describe('content-hashed assets', () => {
  it('should write every asset as assets/<name>.<8 hex>.<ext>, folders kept, and none under its own name', async () => {
    const dist = await buildOk(await makeSite({ 'templates/assets/fonts/serif.woff2': 'font bytes', 'templates/assets/img/rule.png': PNG }));
    const assets = (await filesIn(dist)).filter((path) => path.startsWith('assets/'));
    for (const name of ['style.css', 'favicon.svg', 'logo.png', 'share.png', 'fonts/serif.woff2', 'img/rule.png']) await hashedPath(dist, name);
    expect(assets).toHaveLength(6);
    for (const path of assets) expect(path, path).toMatch(/^assets\/(fonts\/|img\/)?[a-z]+\.[0-9a-f]{8}\.[a-z0-9]+$/);
    expect(await readFile(join(dist, await hashedPath(dist, 'style.css')), 'utf8')).toBe(await readFile(join(REPO, 'templates/assets/style.css'), 'utf8'));
  });

  it('should change an asset’s name when its bytes change, and only then', async () => {
    const dir = await makeSite();
    const style = join(dir, 'templates/assets/style.css');
    const original = await readFile(style, 'utf8');
    const first = await hashedPath(await buildOk(dir), 'style.css');
    const logo = await hashedPath(join(dir, 'dist'), 'logo.png');

    expect(await hashedPath(await buildOk(dir), 'style.css'), 'rebuilt unchanged').toBe(first);
    await writeFile(join(dir, 'content/ferry.md'), `${FERRY}\nA story edit.\n`);
    expect(await hashedPath(await buildOk(dir), 'style.css'), 'a story edited').toBe(first);
    await writeFile(join(dir, 'templates/assets/logo.png'), await readFile(join(REPO, 'templates/assets/share.png')));
    expect(await hashedPath(await buildOk(dir), 'style.css'), 'another asset edited').toBe(first);
    expect(await hashedPath(join(dir, 'dist'), 'logo.png'), 'the edited asset').not.toBe(logo);

    await writeFile(style, `${original}\n.extra { color: red; }\n`);
    const edited = await hashedPath(await buildOk(dir), 'style.css');
    expect(edited).not.toBe(first);
    expect((await filesIn(join(dir, 'dist'))).includes(first), 'the old name is gone').toBe(false);

    await writeFile(style, original);
    expect(await hashedPath(await buildOk(dir), 'style.css'), 'the same bytes again').toBe(first);
  });

  it('should rename a stylesheet when an asset it points at changes, since its url() does', async () => {
    const dir = await makeSite({ 'templates/assets/fonts/serif.woff2': 'font bytes, version 1' });
    await writeFile(join(dir, 'templates/assets/style.css'), '@font-face { font-family: Serif; src: url(fonts/serif.woff2); }\n');
    const first = await hashedPath(await buildOk(dir), 'style.css');
    await writeFile(join(dir, 'templates/assets/fonts/serif.woff2'), 'font bytes, version 2');
    const dist = await buildOk(dir);
    const second = await hashedPath(dist, 'style.css');
    expect(second).not.toBe(first);
    expect(await readFile(join(dist, second), 'utf8')).toContain(`url(${posix.relative('assets', await hashedPath(dist, 'fonts/serif.woff2'))})`);
  });

  it('should link the hashed stylesheet and favicon from every page through asset_url', async () => {
    const dist = await buildOk(await makeSite());
    const style = `/${await hashedPath(dist, 'style.css')}`;
    const favicon = `/${await hashedPath(dist, 'favicon.svg')}`;
    const pages = (await filesIn(dist)).filter((path) => /\.html?$/.test(path));
    const redirects = ['old-bridge/index.html', '2019/05/bridge.html'];
    expect(pages).toEqual(expect.arrayContaining(['index.html', 'page/2/index.html', 'bridge/index.html', 'section/city/index.html', 'tag/transport/index.html', 'author/li-wei/index.html', '404.html', ...redirects]));
    for (const page of pages.filter((path) => !redirects.includes(path))) {
      const html = await readFile(join(dist, page), 'utf8');
      expect(headLinks(html, 'stylesheet'), page).toEqual([style]);
      expect(headLinks(html, 'icon'), page).toEqual([favicon]);
    }
  });

  it('should prefix asset links with the path of a site published under one', async () => {
    const dir = await makeSite();
    await writeFile(join(dir, 'broadsheet.yaml'), CONFIG.replace('url: https://news.example.org/', 'url: https://example.org/news/'));
    const dist = await buildOk(dir);
    const html = await readFile(join(dist, 'section/city/index.html'), 'utf8');
    expect(headLinks(html, 'stylesheet')).toEqual([`/news/${await hashedPath(dist, 'style.css')}`]);
    expect(headLinks(html, 'icon')).toEqual([`/news/${await hashedPath(dist, 'favicon.svg')}`]);
  });

  it('should rewrite a stylesheet’s url() to another asset to its hashed name, relative to the stylesheet', async () => {
    const dir = await makeSite({
      'templates/assets/fonts/serif.woff2': 'font bytes',
      'templates/assets/img/y.png': PNG,
      'templates/assets/css/extra.css': '.a { background: url("../img/y.png"); }\n.b { src: url(../fonts/serif.woff2); }\n',
    });
    await writeFile(join(dir, 'templates/assets/style.css'), "@font-face { src: url(fonts/serif.woff2) format('woff2'); }\n.x { background: url( 'img/y.png' ); }\n.y { background: url(img/y.png); }\n");
    const dist = await buildOk(dir);
    const font = await hashedPath(dist, 'fonts/serif.woff2');
    const image = await hashedPath(dist, 'img/y.png');
    const style = await readFile(join(dist, await hashedPath(dist, 'style.css')), 'utf8');
    const extra = await readFile(join(dist, await hashedPath(dist, 'css/extra.css')), 'utf8');
    expect(cssUrls(style)).toEqual([posix.relative('assets', font), posix.relative('assets', image), posix.relative('assets', image)]);
    expect(cssUrls(extra)).toEqual([posix.relative('assets/css', image), posix.relative('assets/css', font)]);
    expect(extra).toContain(`url("../${image.slice('assets/'.length)}")`);
    // Each rewritten url() names a file the site has, from where the stylesheet is.
    const files = await filesIn(dist);
    for (const url of cssUrls(style)) expect(files).toContain(posix.join('assets', url));
    for (const url of cssUrls(extra)) expect(files).toContain(posix.join('assets/css', url));
  });

  it('should leave a url() to a missing file, an absolute URL, a site path or data: as written', async () => {
    const css = '.a { background: url(missing.png); }\n.b { background: url("img/nope.png"); }\n.c { background: url(https://cdn.example.org/x.png); }\n.d { background: url(/img/y.png); }\n.e { background: url(data:image/png;base64,AAAA); }\n.f { background: url(#grain); }\n';
    const dir = await makeSite({ 'templates/assets/img/y.png': PNG });
    await writeFile(join(dir, 'templates/assets/style.css'), css);
    const dist = await buildOk(dir);
    expect(await readFile(join(dist, await hashedPath(dist, 'style.css')), 'utf8')).toBe(css);
  });

  it('should keep a query or fragment after the hashed name', async () => {
    const dir = await makeSite({ 'templates/assets/fonts/serif.woff2': 'font bytes', 'templates/assets/fonts/serif.eot': 'eot bytes', 'templates/assets/icons.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>' });
    await writeFile(join(dir, 'templates/assets/style.css'), '.a { src: url(fonts/serif.woff2?v=2); }\n.b { background: url(icons.svg#rule); }\n.c { src: url("fonts/serif.eot?#iefix"); }\n.d { src: url(fonts/serif.woff2?v=3#top); }\n');
    const dist = await buildOk(dir);
    const [woff2, svg, eot] = [await hashedPath(dist, 'fonts/serif.woff2'), await hashedPath(dist, 'icons.svg'), await hashedPath(dist, 'fonts/serif.eot')].map((path) => posix.relative('assets', path));
    expect(cssUrls(await readFile(join(dist, await hashedPath(dist, 'style.css')), 'utf8'))).toEqual([`${woff2}?v=2`, `${svg}#rule`, `${eot}?#iefix`, `${woff2}?v=3#top`]);
  });

  it('should rewrite a stylesheet’s url() to another stylesheet, whichever name sorts first', async () => {
    const dir = await makeSite({
      'templates/assets/base.css': '@import url("theme.css");\nbody { margin: 0; }\n',
      'templates/assets/theme.css': ':root { --ink: #111; }\n',
      'templates/assets/print.css': '@import url(base.css);\n',
    });
    const dist = await buildOk(dir);
    const files = await filesIn(dist);
    const base = await hashedPath(dist, 'base.css');
    for (const [sheet, target] of [[base, 'theme.css'], [await hashedPath(dist, 'print.css'), 'base.css']] as const) {
      const urls = cssUrls(await readFile(join(dist, sheet), 'utf8'));
      expect(urls, `${sheet} → ${target}`).toEqual([posix.relative('assets', await hashedPath(dist, target))]);
      for (const url of urls) expect(files, `${sheet} points at a file the site has`).toContain(posix.join('assets', url));
    }
  });

  it('should stop at a misspelt asset name with its place and the right name, leaving dist/ as it was', async () => {
    const dir = await makeSite();
    const dist = await buildOk(dir);
    const before = await snapshotTree(dist);
    const layout = join(dir, 'templates/layouts/base.liquid');
    const text = (await readFile(layout, 'utf8')).replace("{{ 'style.css' | asset_url }}", "{{ 'styles.css' | asset_url }}");
    await writeFile(layout, text);
    const at = text.indexOf("{{ 'styles.css'");
    const lines = text.slice(0, at).split('\n');
    const place = `${lines.length}:${(lines.at(-1)?.length ?? 0) + 1}`;

    const result = await run(['build'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `templates/layouts/base.liquid:${place}  error  No asset "styles.css" in templates/assets/; did you mean 'style.css'?  (template/liquid)\n\n1 error; nothing was written, dist/ is as it was.\n`,
    );
    expect(await snapshotTree(dist)).toEqual(before);
  });

  describe('logo and share_image settings', () => {
    for (const key of ['logo', 'share_image'] as const) {
      for (const [fault, value, reason] of [
        ['a missing file', 'nothing.png', `No nothing.png in templates/assets/ for the \`${key}\` setting`],
        ['a file that is not an image', 'style.css', 'style.css is not an image'],
      ] as const) {
        it(`should refuse \`${key}\` naming ${fault}, at its line of broadsheet.yaml`, async () => {
          const dir = await makeSite();
          const dist = await buildOk(dir);
          const before = await snapshotTree(dist);
          await writeFile(join(dir, 'broadsheet.yaml'), `# The site.\n${CONFIG}# Images.\n${key}: ${value}\n`);
          const result = await run(['build'], dir);
          expect(result.code).toBe(1);
          const [line, ...rest] = result.stderr.split('\n');
          expect(line).toMatch(new RegExp(`^broadsheet\\.yaml:7:1  error  ${reason.replace(/[.`]/g, '\\$&')}.*  \\(config/${key}\\)$`));
          expect(rest).toEqual(['', '1 error; nothing was written, dist/ is as it was.', '']);
          expect(await snapshotTree(dist)).toEqual(before);
        });
      }
    }

    it('should accept a logo and share image in a sub-folder of assets, linked by their hashed names', async () => {
      const dir = await makeSite({ 'templates/assets/brand/mark.png': PNG });
      await writeFile(join(dir, 'broadsheet.yaml'), `${CONFIG}logo: brand/mark.png\nshare_image: brand/mark.png\n`);
      const dist = await buildOk(dir);
      const url = `https://news.example.org/${await hashedPath(dist, 'brand/mark.png')}`;
      const html = await readFile(join(dist, 'ferry/index.html'), 'utf8');
      expect(html).toContain(`<meta property="og:image" content="${url}">`);
      expect(html).toContain(JSON.stringify(url));
    });
  });
});

describe('_headers', () => {
  /** The address a reader asks for each file at: a folder's for `index.html`, the file's own for the rest. */
  const servedAt = (base: string, path: string) => base + (path === 'index.html' ? '' : path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : path);
  const IMMUTABLE = 'public, max-age=31536000, immutable';
  const PAGE = 'public, max-age=60, must-revalidate';
  const FEED = 'public, max-age=300, must-revalidate';
  const expectedCaching = (path: string) =>
    /^(assets|media)\//.test(path) ? IMMUTABLE : /\.html?$/.test(path) ? PAGE : /\.xml$|^robots\.txt$/.test(path) ? FEED : 'unknown';

  for (const [where, url, base] of [
    ['at the root of its host', 'https://news.example.org/', '/'],
    ['under a path', 'https://example.org/news/', '/news/'],
  ] as const) {
    it(`should give every file of a site ${where} exactly one Cache-Control rule, immutable for assets and media, short for pages and feeds`, async () => {
      const dir = await makeSite({ 'templates/assets/fonts/serif.woff2': 'font bytes' });
      await writeFile(join(dir, 'broadsheet.yaml'), CONFIG.replace('url: https://news.example.org/', `url: ${url}`));
      const dist = await buildOk(dir);
      const rules = parseHeaders(await readFile(join(dist, '_headers'), 'utf8'));
      for (const rule of rules) expect(rule.pattern.startsWith(base), `${rule.pattern} starts with ${base}`).toBe(true);

      // The control file itself is read by the host, never served.
      const files = (await filesIn(dist)).filter((path) => path !== '_headers');
      // What the site has: assets, media, pages at every depth, named pages and every feed.
      expect(files).toEqual(
        expect.arrayContaining(['index.html', '404.html', '2019/05/bridge.html', 'old-bridge/index.html', 'page/2/index.html', 'section/city/page/2/index.html', 'tag/transport/page/2/index.html', 'feed.xml', 'rss.xml', 'sitemap.xml', 'news-sitemap.xml', 'robots.txt']),
      );
      expect(files.some((path) => path.startsWith('media/'))).toBe(true);
      expect(files.some((path) => path.startsWith('assets/fonts/'))).toBe(true);

      const wrong: string[] = [];
      for (const path of files) {
        const served = servedAt(base, path);
        const caching = rules.filter((rule) => rule.headers.has('cache-control') && rule.regex.test(served));
        if (caching.length !== 1) wrong.push(`${served}: ${caching.length} Cache-Control rules (${caching.map((rule) => rule.pattern).join(', ')})`);
        else if (headersFor(rules, served).get('cache-control') !== expectedCaching(path)) wrong.push(`${served}: ${headersFor(rules, served).get('cache-control')}, expected ${expectedCaching(path)}`);
        wrong.push(...conflictsFor(rules, served));
        if (!headersFor(rules, served).has('content-security-policy')) wrong.push(`${served}: no Content-Security-Policy`);
      }
      expect(wrong, wrong.join('\n')).toEqual([]);
    });
  }

  it('should give an HTML file among the assets only the assets’ immutable rule', async () => {
    const dist = await buildOk(await makeSite({ 'templates/assets/embed.html': '<!doctype html><title>Map</title>\n' }));
    const served = `/${await hashedPath(dist, 'embed.html')}`;
    const rules = parseHeaders(await readFile(join(dist, '_headers'), 'utf8'));
    expect(rules.filter((rule) => rule.headers.has('cache-control') && rule.regex.test(served)).map((rule) => rule.headers.get('cache-control'))).toEqual([IMMUTABLE]);
  });

  it('should give a redirect page left at an old .htm address the pages’ caching rule', async () => {
    const dir = await makeSite();
    await writeFile(join(dir, 'content/ferry.md'), FERRY.replace('tags: [transport]', 'tags: [transport]\naliases: [2018/ferry.htm]'));
    const dist = await buildOk(dir);
    expect(await filesIn(dist)).toContain('2018/ferry.htm');
    const rules = parseHeaders(await readFile(join(dist, '_headers'), 'utf8'));
    expect(rules.filter((rule) => rule.headers.has('cache-control') && rule.regex.test('/2018/ferry.htm')).map((rule) => rule.headers.get('cache-control'))).toEqual([PAGE]);
  });
});
