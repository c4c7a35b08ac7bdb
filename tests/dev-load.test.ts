// `broadsheet dev` under load on loopback: a real session on 500 generated
// stories, driven by autocannon (10 connections) while the test keeps it
// rebuilding, one edit after another — most of them a story's body, every fifth
// the newest story's title, which renders every article page again. The server
// must answer every request through it, every existing page a 200 and every missing
// one a 404, with no error or timeout. How many requests a second it answers is a
// figure for `npm run bench` (scripts/bench/dev-load.mjs), not a pass mark here:
// a busy machine would fail a rate, not the server.
import { execFileSync } from 'node:child_process';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDev, type DevProcess } from './dev-process.js';
import { REPO, scratch } from './helpers.js';

const STORIES = 500;
const CONNECTIONS = 10;
const SECONDS = 8;

let site: string;
let dev: DevProcess;
let existing: string[];
const missing = ['/no-such-story/', '/assets/no-such.css', '/page/999/'];

beforeAll(async () => {
  site = await scratch();
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await cp(join(REPO, 'broadsheet.yaml'), join(site, 'broadsheet.yaml'));
  execFileSync(process.execPath, [join(REPO, 'tests', 'corpus', 'generate.mjs'), '--count', String(STORIES), '--out', join(site, 'content')]);
  dev = await startDev(site);
  const stylesheet = (await readdir(join(await dev.devDir(), 'assets'))).find((name) => name.endsWith('.css'));
  const slugs = (await readdir(join(site, 'content'))).slice(0, 40).map((name) => name.replace(/\.md$/, ''));
  existing = ['/', '/page/2/', ...slugs.map((slug) => `/${slug}/`), `/assets/${stylesheet}`, '/feed.xml', '/sitemap.xml', '/robots.txt', '/404.html'];
}, 300_000);

afterAll(async () => {
  await dev?.stop();
  await rm(site, { recursive: true, force: true });
});

/** `seconds` of load on every address in turn; the status codes each address got. */
async function load(seconds: number) {
  const statuses = new Map<string, Map<number, number>>();
  const count = (path: string, status: number) => {
    const byStatus = statuses.get(path) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    statuses.set(path, byStatus);
  };
  const result = await autocannon({
    url: dev.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [...existing, ...missing].map((path) => ({ method: 'GET' as const, path, onResponse: (status: number) => count(path, status) })),
  });
  const wrong = [...statuses].flatMap(([path, byStatus]) =>
    [...byStatus].filter(([status]) => status !== (missing.includes(path) ? 404 : 200)).map(([status, times]) => `${path}: ${status} × ${times}`),
  );
  return { result, wrong, rate: result.requests.total / result.duration, asked: statuses.size };
}

/** Edits one story after another, each as soon as the last rebuild is done, until `stop()`. */
function keepRebuilding() {
  let stopped = false;
  let edits = 0;
  const done = (async () => {
    const all = await readdir(join(site, 'content'));
    const names = all.slice(40, 60);
    const dated = await Promise.all(all.map(async (name) => ({ name, date: Date.parse(/^date: (.*)$/m.exec(await readFile(join(site, 'content', name), 'utf8'))![1]!) })));
    const newest = join(site, 'content', dated.reduce((a, b) => (b.date > a.date ? b : a)).name);
    while (!stopped) {
      const before = dev.rebuilds();
      const file = edits % 5 === 4 ? newest : join(site, 'content', names[edits % names.length]!);
      const text = await readFile(file, 'utf8');
      await writeFile(file, edits % 5 === 4 ? text.replace(/^title: "(.*?)( #\d+)?"$/m, `title: "$1 #${edits}"`) : `${text}\nLoad edit ${edits}.\n`);
      edits++;
      await dev.waitFor('the rebuild after an edit', () => stopped || dev.rebuilds() > before);
    }
  })();
  return {
    edits: () => edits,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

it(
  'should answer every request rightly, with no error or timeout, while it rebuilds',
  async () => {
    const idle = await load(3);
    expect(idle.asked).toBe(existing.length + missing.length);
    expect({ errors: idle.result.errors, timeouts: idle.result.timeouts, wrong: idle.wrong }).toEqual({ errors: 0, timeouts: 0, wrong: [] });

    const rebuildsBefore = dev.rebuilds();
    const editor = keepRebuilding();
    const busy = await load(SECONDS);
    await editor.stop();
    const rebuilds = dev.rebuilds() - rebuildsBefore;
    console.info(
      `dev under load: ${Math.round(idle.rate)} req/s idle; ${Math.round(busy.rate)} req/s over ${rebuilds} rebuilds (${editor.edits()} edits) in ${busy.result.duration} s, ${CONNECTIONS} connections`,
    );

    expect(dev.alive()).toBe(true);
    expect(rebuilds, 'rebuilds during the run').toBeGreaterThanOrEqual(3);
    expect({ errors: busy.result.errors, timeouts: busy.result.timeouts, wrong: busy.wrong }).toEqual({ errors: 0, timeouts: 0, wrong: [] });
    expect(dev.output()).not.toMatch(/\berror\b/i);
  },
  180_000,
);
