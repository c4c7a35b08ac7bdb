// A reader's visit, end to end: the example site is built with the compiled CLI,
// served by Debian's nginx configured as a CDN origin from the site's own
// `_headers` file (tests/reader/nginx.ts), and read in Debian's Chromium
// (playwright-core): navigation, the 404 page, caching and security headers,
// console and CSP errors, reading without JavaScript, phone widths, axe in light
// and dark, landmarks, and screenshots in tests/output/screenshots/ to look at.
// Needs /usr/bin/chromium and /usr/sbin/nginx (`npm test` installs them through
// scripts/ensure-system-packages.mjs) and `npm run compile`.
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import matter from 'gray-matter';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO, scratch } from './helpers.js';
import { axeViolations, formatViolations } from './reader/axe.js';
import { conflictsFor, headersFor, parseHeaders, siteUrls, type HeaderRule } from './reader/headers-file.js';
import { startOrigin, type Origin } from './reader/nginx.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const LEAD_TITLE = 'Sheinbaum Rejects Trump Proposal to Send U.S. Troops to Mexico, Citing Sovereignty';
const MISSING = '/no-such-story/';
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };
const SHOTS = join(REPO, 'tests', 'output', 'screenshots');
/** "Short" for an HTML page on a news site: readers see a correction within minutes. */
const HTML_MAX_AGE = 600;

let work: string;
let dist: string;
let rules: HeaderRule[];
let origin: Origin | undefined;
let browser: Browser | undefined;
/** The reader's browser: JavaScript on, CSP enforced, every console error recorded. */
let reader: BrowserContext;
/** Every console error, page error and CSP violation seen on any page, with its page. */
const problems: string[] = [];
/** The pages every check visits; the lead and a brief are found on the home page. */
const pages: { name: string; path: string; article: boolean }[] = [];

beforeAll(async () => {
  work = await scratch();
  // nginx started by root serves as `nobody`, which must be able to read the site.
  await chmod(work, 0o755);
  dist = join(work, 'dist');
  await promisify(execFile)(process.execPath, [join(REPO, 'bin', 'broadsheet.js'), 'build', '--root', REPO, '--out', dist]).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`broadsheet build failed:\n${error.stdout}${error.stderr}`);
  });
  rules = parseHeaders(await readFile(join(dist, '_headers'), 'utf8'));
  origin = await startOrigin(dist, rules);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  reader = await watched(browser.newContext({ baseURL: origin.url, viewport: DESKTOP }));

  const home = await open(reader, '/');
  const stories = await storyLinks(home, 'main');
  await home.close();
  // The example site's newest story is its one full article; every other is a brief.
  const [lead, brief] = stories;
  if (!lead || !brief) throw new Error(`the home page lists ${stories.length} stories; expected the example site's 17`);
  pages.push(
    { name: 'the home page', path: '/', article: false },
    { name: 'the lead article', path: lead.href, article: true },
    { name: 'a brief', path: brief.href, article: true },
    { name: 'the World section', path: '/section/world/', article: false },
    { name: 'the 404 page', path: MISSING, article: false },
  );
}, 90_000);

afterAll(async () => {
  const closed = await Promise.allSettled([browser?.close(), origin?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
  for (const outcome of closed) if (outcome.status === 'rejected') throw outcome.reason;
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(async () => console.error(`--- nginx, for the failed test ---\n${await origin?.logs()}`));
});

/** Records every console error and uncaught page error in `context`, with the page it came from. */
async function watched(made: Promise<BrowserContext>): Promise<BrowserContext> {
  const context = await made;
  context.on('console', (message) => {
    if (message.type() !== 'error') return;
    const at = message.location().url;
    // Chromium logs the 404 status of the missing page we asked for on purpose.
    if (at.endsWith(MISSING) && message.text().includes('404')) return;
    problems.push(`${message.page()?.url() ?? at}: console error (at ${at}): ${message.text()}`);
  });
  context.on('weberror', (error) => problems.push(`${error.page()?.url()}: page error: ${error.error().message}`));
  return context;
}

/** The links to stories (`/<slug>/`) inside `selector`, in order. */
async function storyLinks(page: Page, selector: string): Promise<{ href: string; text: string }[]> {
  const links = await page.locator(`${selector} a[href]`).evaluateAll((anchors) =>
    anchors.map((a) => ({ href: a.getAttribute('href') ?? '', text: (a.textContent ?? '').trim() })),
  );
  return links.filter((link) => /^\/[a-z0-9-]+\/$/.test(link.href));
}

async function open(context: BrowserContext, path: string, status = path === MISSING ? 404 : 200): Promise<Page> {
  const page = await context.newPage();
  const response = await page.goto(path);
  expect(response?.status(), `status of ${path}`).toBe(status);
  return page;
}

const h1 = (page: Page) => page.locator('h1').innerText();

/** Words only, so typographic quotes and dashes match the Markdown source's. */
const words = (text: string) => text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

async function expectPng(file: string) {
  expect((await stat(file)).size, file).toBeGreaterThan(1000);
  expect((await readFile(file)).subarray(0, 8), file).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

describe('the site served by nginx from its _headers file', () => {
  it('should give no URL two rules that set the same header', async () => {
    const urls = await siteUrls(dist);
    expect(urls).toContain('/');
    const conflicts = urls.flatMap((url) => conflictsFor(rules, url));
    expect(conflicts, `CDNs join such headers with commas:\n${conflicts.join('\n')}`).toEqual([]);
  });

  it('should serve every URL of the site with the headers _headers gives it', async () => {
    const wrong: string[] = [];
    for (const url of await siteUrls(dist)) {
      const response = await fetch(new URL(url, origin!.url));
      await response.arrayBuffer();
      if (response.status !== 200) wrong.push(`${url}: status ${response.status}`);
      for (const [name, value] of headersFor(rules, url)) {
        if (response.headers.get(name) !== value) wrong.push(`${url}: ${name} is ${JSON.stringify(response.headers.get(name))}, _headers says ${JSON.stringify(value)}`);
      }
    }
    expect(wrong, wrong.join('\n')).toEqual([]);
  });

  it('should compress text and tag every response with an ETag', async () => {
    const stylesheet = (await readdir(join(dist, 'assets'))).find((file) => file.endsWith('.css'));
    for (const url of ['/', `/assets/${stylesheet}`, '/feed.xml', '/sitemap.xml']) {
      const response = await fetch(new URL(url, origin!.url), { headers: { 'accept-encoding': 'gzip' } });
      await response.arrayBuffer();
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-encoding'), url).toBe('gzip');
      expect(response.headers.get('etag'), url).toBeTruthy();
    }
  });
});

describe('a reader in Chromium', () => {
  it('should open the lead story from the home page, then another from its More headlines', async () => {
    const page = await open(reader, '/');
    const [first] = await storyLinks(page, 'main');
    expect(first?.text, 'the first headline on the home page').toBe(LEAD_TITLE);
    await page.locator(`main a[href="${first!.href}"]`).first().click();
    await page.waitForURL(`**${first!.href}`);
    expect(await h1(page)).toBe(LEAD_TITLE);

    // The page ends with More headlines: its last heading (the footer aside) and a list of stories.
    const lastHeading = await page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((hs) =>
      hs.filter((h) => !h.closest('footer')).map((h) => (h.textContent ?? '').trim()).at(-1),
    );
    expect(lastHeading, 'the last heading on the story page').toBe('More headlines');
    const more = page.getByRole('complementary', { name: 'More headlines' });
    expect(await more.count(), 'a complementary landmark named More headlines').toBe(1);
    const next = (await storyLinks(page, 'aside')).filter((link) => link.href !== first!.href)[1];
    expect(next, 'a second headline in More headlines').toBeDefined();
    await more.locator(`a[href="${next!.href}"]`).click();
    await page.waitForURL(`**${next!.href}`);
    expect(await h1(page)).toBe(next!.text);
    await page.close();
  });

  it('should answer a missing address with status 404 and the 404 page', async () => {
    const page404 = await readFile(join(dist, '404.html'), 'utf8');
    const response = await fetch(new URL(MISSING, origin!.url));
    expect(response.status).toBe(404);
    expect(await response.text()).toBe(page404);

    const page = await open(reader, MISSING, 404);
    const heading = /<h1[^>]*>([^<]*)<\/h1>/.exec(page404)?.[1];
    expect(heading, 'the h1 of dist/404.html').toBeTruthy();
    expect(await h1(page)).toBe(heading);
    await page.close();
  });

  it('should send the stylesheet immutable, HTML with a short max-age, and a CSP with no scripts', async () => {
    const page = await reader.newPage();
    const stylesheet = page.waitForResponse((r) => r.request().resourceType() === 'stylesheet');
    const html = await page.goto('/');
    const css = await stylesheet;
    expect(css.url()).toMatch(/\/assets\/style\.[0-9a-f]{8}\.css$/);
    expect(css.headers()['cache-control']).toBe('public, max-age=31536000, immutable');

    for (const { name, path } of pages) {
      const response = path === '/' ? html : await page.goto(path);
      const headers = response!.headers();
      const cache = headers['cache-control'] ?? '';
      expect(cache, `Cache-Control of ${name}`).toMatch(/must-revalidate/);
      expect(Number(/max-age=(\d+)/.exec(cache)?.[1]), `max-age of ${name}: ${cache}`).toBeLessThanOrEqual(HTML_MAX_AGE);
      expect(cache, name).not.toMatch(/immutable/);
      expect(headers['content-security-policy'], `CSP of ${name}`).toMatch(/script-src 'none'/);
      expect(headers['x-content-type-options'], name).toBe('nosniff');
      expect(headers['referrer-policy'], name).toBeTruthy();
    }
    await page.close();
  });

  it('should show the whole article with JavaScript disabled', async () => {
    const lead = pages[1]!;
    const files = (await readdir(join(REPO, 'content'), { recursive: true })).filter((f) => f.endsWith('.md'));
    const sources = await Promise.all(files.map(async (f) => matter(await readFile(join(REPO, 'content', f), 'utf8'))));
    const source = sources.find((s) => s.data.title === LEAD_TITLE);
    const paragraphs = source!.content
      .split(/\n\s*\n/)
      .map((p) => words(p.replace(/\]\([^)]*\)/g, ']')))
      .filter(Boolean);
    expect(paragraphs.length, 'paragraphs in the lead story’s Markdown').toBeGreaterThan(3);

    const noScript = await watched(browser!.newContext({ baseURL: origin!.url, viewport: DESKTOP, javaScriptEnabled: false }));
    const page = await open(noScript, lead.path);
    const article = page.locator('main article');
    expect(await article.isVisible()).toBe(true);
    const shown = words(await article.innerText());
    for (const paragraph of paragraphs) expect(shown, 'a paragraph of the story, as shown').toContain(paragraph);
    await noScript.close();
  });

  it('should not scroll sideways at a phone’s width', async () => {
    const phone = await watched(browser!.newContext({ baseURL: origin!.url, viewport: PHONE }));
    const wide: string[] = [];
    for (const { name, path } of pages) {
      const page = await open(phone, path);
      const { scrollWidth, clientWidth, culprits } = (await page.evaluate(`(() => {
        const root = document.scrollingElement;
        const culprits = [...document.body.querySelectorAll('*')]
          .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
          .slice(0, 5)
          .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
        return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits };
      })()`)) as { scrollWidth: number; clientWidth: number; culprits: string[] };
      if (scrollWidth > clientWidth) wide.push(`${name} (${path}): ${scrollWidth} px wide in ${clientWidth}; too wide: ${culprits.join(', ')}`);
      await page.close();
    }
    await phone.close();
    expect(wide, wide.join('\n')).toEqual([]);
  });

  it('should give every page one h1 and the banner, navigation, main and contentinfo landmarks', async () => {
    const missing: string[] = [];
    for (const { name, path, article } of pages) {
      const page = await open(reader, path);
      const count = async (role: 'banner' | 'navigation' | 'main' | 'contentinfo' | 'complementary') => page.getByRole(role).count();
      const h1s = await page.locator('h1').count();
      if (h1s !== 1) missing.push(`${name}: ${h1s} h1 elements`);
      for (const role of ['banner', 'main', 'contentinfo'] as const) if ((await count(role)) !== 1) missing.push(`${name}: ${await count(role)} ${role} landmarks, expected 1`);
      if ((await count('navigation')) < 1) missing.push(`${name}: no navigation landmark`);
      if (article && (await count('complementary')) < 1) missing.push(`${name}: no complementary landmark`);
      await page.close();
    }
    expect(missing, missing.join('\n')).toEqual([]);
  });

  it('should find no axe violations in light or dark colours', async () => {
    const axeReader = await watched(browser!.newContext({ baseURL: origin!.url, viewport: DESKTOP, bypassCSP: true }));
    const found: string[] = [];
    for (const { name, path } of pages) {
      const page = await open(axeReader, path);
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        found.push(...formatViolations(`${name} (${path}, ${colorScheme})`, await axeViolations(page)));
      }
      await page.close();
    }
    await axeReader.close();
    expect(found, `axe violations:\n${found.join('\n')}`).toEqual([]);
  });

  it('should save full-page screenshots of the home page and the lead article at phone and desktop widths', async () => {
    await mkdir(SHOTS, { recursive: true });
    for (const [width, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const context = await watched(browser!.newContext({ baseURL: origin!.url, viewport }));
      for (const [what, path] of [['home', '/'], ['lead', pages[1]!.path]] as const) {
        const page = await open(context, path);
        const file = join(SHOTS, `${what}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        await expectPng(file);
      }
      await context.close();
    }
  });

  // Last: every page the tests above opened, in every context.
  it('should log no console errors, page errors or CSP violations on any page visited', () => {
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
