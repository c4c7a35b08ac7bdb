// `broadsheet dev` end to end, in a real browser: the compiled CLI runs as a child
// process on a temp site, Debian's Chromium (driven by playwright-core) keeps one
// page open, and every save must show on that page by itself — no reload, no goto,
// except where a step says the reader navigates. Needs /usr/bin/chromium
// (`npm test` installs it through scripts/ensure-system-packages.mjs) and `npm run compile`.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO, scratch } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** How long one change may take to show: generous, for a busy 2-core machine. */
const STEP_MS = 20_000;
const BURST = 200;
/** How long dev must print nothing before the next save. */
const QUIET_MS = 500;

/** Set on the page before its own scripts run: true once the live-reload stream is open. Only observes. */
const TRACK_LIVE_RELOAD = `(() => {
  const Native = window.EventSource;
  window.__liveReloadOpen = false;
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => { window.__liveReloadOpen = true; });
    }
  };
})();`;

/** What the open page shows. A string, as the tests are compiled without the DOM types. */
const SNAPSHOT = `(() => ({
  url: location.pathname,
  text: document.body ? document.body.innerText : '',
  article: document.querySelector('main article') ? document.querySelector('main article').innerText : null,
  links: [...document.querySelectorAll('main a[href]')].map((a) => a.getAttribute('href')),
  alert: document.querySelector('[role=alert]') ? document.querySelector('[role=alert]').textContent : null,
  live: window.__liveReloadOpen === true,
}))()`;

interface Snapshot {
  url: string;
  text: string;
  article: string | null;
  links: string[];
  alert: string | null;
  live: boolean;
}

interface StoryFields {
  title: string;
  date: string;
  summary?: string;
  body?: string;
}

/** A story file; `date` is always line 3. */
function story({ title, date, summary, body }: StoryFields): string {
  const lines = ['---', `title: ${JSON.stringify(title)}`, `date: ${date}`];
  if (summary) lines.push(`summary: ${JSON.stringify(summary)}`);
  lines.push('---', '');
  if (body) lines.push(body, '');
  return lines.join('\n');
}

const BRIDGE = { title: 'Mayor opens the harbour bridge', date: '2025-03-04T18:15:00Z', summary: 'Two years late.', body: 'The bridge opened to traffic on Tuesday.' };

let site: string;
let shots: string;
let dev: ChildProcess | undefined;
let devExit: Promise<void> = Promise.resolve();
let log = '';
let stdout = '';
let url = '';
let browser: Browser | undefined;
let page: Page;
let failed = false;
/** When dev last printed anything; when the open page last asked for a document, and last loaded one. */
let lastOutputAt = 0;
let lastDocumentAt = 0;
let lastLoadedAt = 0;

const content = (file: string) => join(site, 'content', file);
const rebuiltLines = () => stdout.split('\n').filter((line) => line.startsWith('Rebuilt after'));

function dumpDev(why: string) {
  failed = true;
  console.error(`--- ${why}; broadsheet dev output so far (site ${site}, screenshots ${shots}) ---\n${log}--- end of broadsheet dev output ---`);
}

async function snapshot(): Promise<Snapshot | undefined> {
  try {
    return (await page.evaluate(SNAPSHOT)) as Snapshot;
  } catch {
    return undefined; // the page is reloading
  }
}

/** Polls the open page until `check` holds; a timeout names what was awaited and what the page showed. */
async function waitForPage(what: string, check: (page: Snapshot) => boolean, timeout = STEP_MS): Promise<Snapshot> {
  const deadline = Date.now() + timeout;
  let last: Snapshot | undefined;
  for (;;) {
    const current = await snapshot();
    if (current) {
      last = current;
      if (check(current)) return current;
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const shown = last ? `${last.url}, overlay: ${JSON.stringify(last.alert)}\n${last.text.slice(0, 1500)}` : '(no page)';
  throw new Error(`Timed out after ${timeout} ms waiting for: ${what}\nThe page showed: ${shown}`);
}

/**
 * Before a save: dev has gone quiet (one save can come as two rebuilds, e.g. the
 * two halves of a rename), the page has loaded the last document it asked for,
 * and it is listening. (A page still loading when a rebuild's reload goes out
 * is never told: waiting here keeps each step about its own change.)
 */
async function settled(): Promise<void> {
  await waitUntil(
    `broadsheet dev to print nothing for ${QUIET_MS} ms and the open page to finish loading`,
    () => Date.now() - lastOutputAt >= QUIET_MS && lastLoadedAt >= lastDocumentAt,
  );
  await waitForPage('the page to open its live-reload stream', (p) => p.live);
}

/**
 * Until every change the watcher may still be holding from earlier steps has been
 * built. Late file events (chokidar reads a folder again at most once a second, and
 * runs at the lowest priority) can come after dev has gone quiet; the watcher
 * reports in order, so once a story added and taken away after them has been seen
 * on the open page, and dev has gone quiet again, no rebuild for them is to come.
 */
async function flushWatcher(): Promise<void> {
  const marker = content('zz-flush-marker.md');
  await writeFile(marker, story({ title: 'Flush marker', date: '2020-01-01T00:00:00Z' }));
  await waitForPage('the flush marker on the home page', (p) => p.links.includes('/zz-flush-marker/'));
  await settled();
  await unlink(marker);
  await waitForPage('the flush marker gone', (p) => !p.links.includes('/zz-flush-marker/'));
  await settled();
}

async function waitUntil(what: string, check: () => boolean, timeout = STEP_MS): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function status(path: string): Promise<number> {
  const res = await fetch(new URL(path, url));
  await res.text();
  return res.status;
}

async function html(path: string): Promise<string> {
  const res = await fetch(new URL(path, url));
  expect(res.status, path).toBe(200);
  return res.text();
}

async function expectPng(file: string) {
  expect((await stat(file)).size).toBeGreaterThan(1000);
  expect((await readFile(file)).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

async function startDev(): Promise<string> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'broadsheet.js'), 'dev', '--port', '0', '--root', site], {
    cwd: site,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dev = child;
  devExit = new Promise((resolve) => child.once('exit', () => resolve()));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    log += chunk;
    lastOutputAt = Date.now();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
    lastOutputAt = Date.now();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('broadsheet dev did not print its URL within 30 s')), 30_000);
    const onData = () => {
      const match = /^Serving (http:\/\/\S+) /m.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`broadsheet dev exited early (${signal ?? code})`));
    });
  });
}

async function stopDev() {
  const child = dev;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([devExit.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
  if (!stopped) {
    child.kill('SIGKILL');
    await devExit;
    throw new Error('broadsheet dev did not stop within 10 s of SIGTERM; killed it');
  }
  if (child.exitCode !== 0) {
    dumpDev(`broadsheet dev ended with ${child.signalCode ?? `exit status ${child.exitCode}`} on SIGTERM`);
    throw new Error(`broadsheet dev ended with ${child.signalCode ?? `exit status ${child.exitCode}`} on SIGTERM, not 0`);
  }
}

// Should the test process end abruptly, take the server with it.
const killDev = () => void dev?.kill('SIGKILL');

beforeAll(async () => {
  process.once('exit', killDev);
  try {
    site = await scratch();
    shots = await mkdtemp(join(tmpdir(), 'broadsheet-screenshots-'));
    await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
    // One home page for every story, burst included, so the open page shows the whole site.
    await writeFile(join(site, 'broadsheet.yaml'), `${await readFile(join(REPO, 'broadsheet.yaml'), 'utf8')}page_size: ${BURST + 10}\n`);
    await mkdir(join(site, 'content'));
    await writeFile(content('harbour-bridge.md'), story(BRIDGE));
    await writeFile(content('council-vote.md'), story({ title: 'Council votes on the budget', date: '2025-03-03T09:00:00Z' }));
    await writeFile(content('rail-strike.md'), story({ title: 'Rail workers call a strike', date: '2025-03-02T09:00:00Z' }));
    await writeFile(content('library-reopens.md'), story({ title: 'The city library reopens', date: '2025-03-01T09:00:00Z' }));

    url = await startDev();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.addInitScript({ content: TRACK_LIVE_RELOAD });
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) lastDocumentAt = Date.now();
    });
    page.on('domcontentloaded', () => (lastLoadedAt = Date.now()));
  } catch (error) {
    dumpDev('setting up failed');
    throw error;
  }
}, 90_000);

afterAll(async () => {
  const stopped = await Promise.allSettled([browser?.close(), stopDev()]);
  process.off('exit', killDev);
  if (failed) console.error(`Kept for inspection: site ${site}, screenshots ${shots}`);
  else await Promise.all([site, shots].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
  for (const outcome of stopped) if (outcome.status === 'rejected') throw outcome.reason;
}, 30_000);

beforeEach(({ onTestFailed }) => {
  // One page goes through every step: after a failure the later steps cannot mean anything.
  if (failed) throw new Error('an earlier step failed');
  onTestFailed(() => dumpDev('this step failed'));
});

describe('broadsheet dev in a browser, one page kept open', () => {
  it('should show an edited title on the open home page', async () => {
    await page.goto(url);
    await waitForPage('the home page', (p) => p.text.includes(BRIDGE.title));
    await settled();

    await writeFile(content('harbour-bridge.md'), story({ ...BRIDGE, title: 'Harbour bridge opens at last' }));
    await waitForPage('the new title on the home page', (p) => p.text.includes('Harbour bridge opens at last') && !p.text.includes(BRIDGE.title));

    // Every other page's More headlines list has the new title too.
    for (const slug of ['council-vote', 'rail-strike', 'library-reopens']) {
      const other = await html(`/${slug}/`);
      expect(other, slug).toContain('Harbour bridge opens at last');
      expect(other, slug).not.toContain(BRIDGE.title);
    }
    const file = join(shots, 'home.png');
    await page.screenshot({ path: file, fullPage: true });
    await expectPng(file);
  });

  it('should show an edited body on the open story page', async () => {
    // The reader navigates: the story's headline on the home page.
    await page.click('a[href="/harbour-bridge/"]');
    await waitForPage('the story page', (p) => p.url === '/harbour-bridge/' && (p.article ?? '').includes(BRIDGE.body));
    await settled();

    await writeFile(content('harbour-bridge.md'), story({ ...BRIDGE, title: 'Harbour bridge opens at last', body: 'Ferries will stop running in May.' }));
    await waitForPage('the new body', (p) => (p.article ?? '').includes('Ferries will stop running in May.') && !(p.article ?? '').includes(BRIDGE.body));
  });

  it('should show broken frontmatter as an overlay over the last good page', async () => {
    await settled();
    await writeFile(content('harbour-bridge.md'), story({ ...BRIDGE, title: 'Harbour bridge opens at last', date: 'yesterday', body: 'This body is broken.' }));
    const shown = await waitForPage('the error overlay', (p) => p.alert !== null);
    expect(shown.alert).toContain('content/harbour-bridge.md:3:');
    expect(shown.alert).toContain('date');
    expect(shown.url).toBe('/harbour-bridge/');
    expect(shown.article).toContain('Ferries will stop running in May.');
    expect(shown.article).not.toContain('This body is broken.');
    await waitUntil('broadsheet dev to print the error', () => log.includes('content/harbour-bridge.md:3:'));

    // The overlay is on screen, not just in the DOM.
    expect(await page.locator('[role=alert]').isVisible()).toBe(true);
    const file = join(shots, 'overlay.png');
    await page.screenshot({ path: file });
    await expectPng(file);
  });

  it('should clear the overlay and show the fixed story', async () => {
    await settled();
    await writeFile(content('harbour-bridge.md'), story({ ...BRIDGE, title: 'Harbour bridge opens at last', body: 'The fixed story: tolls start in June.' }));
    await waitForPage('the overlay gone and the fixed body', (p) => p.alert === null && (p.article ?? '').includes('The fixed story: tolls start in June.'));
    expect(await page.locator('[role=alert]').count()).toBe(0);
  });

  it('should move a renamed story to its new URL', async () => {
    // The reader navigates: back to the front page through the masthead.
    await page.click('.masthead-title a');
    await waitForPage('the home page', (p) => p.url === '/' && p.links.includes('/council-vote/'));
    await settled();

    await rename(content('council-vote.md'), content('council-vote-result.md'));
    await waitForPage('the new URL instead of the old one', (p) => p.links.includes('/council-vote-result/') && !p.links.includes('/council-vote/'));
    expect(await status('/council-vote/')).toBe(404);
    expect(await status('/council-vote-result/')).toBe(200);
  });

  it('should take a deleted story off every page', async () => {
    await settled();
    await unlink(content('rail-strike.md'));
    await waitForPage('the deleted story gone from the home page', (p) => !p.links.includes('/rail-strike/') && !p.text.includes('Rail workers call a strike'));
    expect(await status('/rail-strike/')).toBe(404);
    for (const slug of ['harbour-bridge', 'council-vote-result', 'library-reopens']) {
      const other = await html(`/${slug}/`);
      expect(other, slug).toContain('More headlines');
      expect(other, slug).not.toContain('/rail-strike/');
      expect(other, slug).not.toContain('Rail workers call a strike');
    }
  });

  it('should pick up an editor’s atomic save (write x.md.tmp, rename over x.md), and saves after it', async () => {
    await settled();
    const file = content('library-reopens.md');
    await writeFile(`${file}.tmp`, story({ title: 'Library reopens with a new wing', date: '2025-03-01T09:00:00Z' }));
    await rename(`${file}.tmp`, file);
    await waitForPage('the atomically saved title', (p) => p.text.includes('Library reopens with a new wing') && !p.text.includes('The city library reopens'));

    // The file was replaced under the watcher: an ordinary save to it must still be seen.
    await settled();
    await writeFile(file, story({ title: 'Library wing opens to readers', date: '2025-03-01T09:00:00Z' }));
    await waitForPage('the next save of the same file', (p) => p.text.includes('Library wing opens to readers') && !p.text.includes('Library reopens with a new wing'));
  });

  it(`should rebuild once for a burst of ${BURST} new stories`, async () => {
    // Lines counted from here must be the burst's own.
    await settled();
    await flushWatcher();
    const before = rebuiltLines().length;
    const slugs = Array.from({ length: BURST }, (_, i) => `burst-${String(i + 1).padStart(3, '0')}`);
    await Promise.all(
      slugs.map((slug, i) =>
        writeFile(content(`${slug}.md`), story({ title: `Burst story number ${i + 1}`, date: `2024-06-01T${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z` })),
      ),
    );
    const shown = await waitForPage(
      `all ${BURST} new stories on the home page`,
      (p) => slugs.every((slug) => p.links.includes(`/${slug}/`)),
      45_000,
    );
    expect(shown.links).toContain('/harbour-bridge/');
    await waitUntil('broadsheet dev to print a rebuild line for the burst', () => rebuiltLines().length > before);
    // Any rebuild still to come for the burst counts too.
    await waitUntil(`broadsheet dev to print nothing for ${QUIET_MS} ms`, () => Date.now() - lastOutputAt >= QUIET_MS);
    const lines = rebuiltLines().slice(before);
    expect(lines, `one rebuild for the whole burst, got:\n${lines.join('\n')}`).toHaveLength(1);
    const changes = Number(/^Rebuilt after (\d+) changes?/.exec(lines[0]!)?.[1]);
    expect(changes, lines[0]).toBeGreaterThanOrEqual(BURST);
  }, 90_000);
});
