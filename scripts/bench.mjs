#!/usr/bin/env node
// npm run bench [-- --sizes 1000,10000] [--runs 3] [--huge]
//
// Builds corpora from ../shared/corpus/generate.mjs with the project's own
// templates and prints, for each size, whole-process figures (each build is
// `node bin/broadsheet.js build --root SITE --out OUT`, median of --runs), with
// the output on disk (SITE/dist) and on /dev/shm:
// - a cold build (output folder removed first), and rebuilds with nothing
//   changed, one story's body changed, the newest story's title changed (it is in
//   every article's More headlines), and one new story published (dated newest);
// - for each rebuild, the files and bytes it rewrote (inode and mtime of every
//   output file compared before and after) — what a sync-based deploy uploads;
// - the peak memory of each build;
// - peers on the same corpus and machine, in the same run: Eleventy 3 with
//   minimal templates (bench/eleventy/) and a bare Markdown-to-HTML script on two
//   threads (bench/bare-unified.mjs), with Broadsheet's cold build as a ratio of each;
// - in `dev`, the time from saving one story to the server answering with the
//   changed page, and the requests a second it answers idle and while it rebuilds.
// It prints figures only and asserts nothing about time. --huge adds 100,000 stories.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { devLatency } from './bench/dev-latency.mjs';
import { devLoad } from './bench/dev-load.mjs';
import { bytes, count, fileSystem, machine, median, ratio, table, time } from './bench/format.mjs';
import { peers } from './bench/peers.mjs';
import { memorySource, runNode } from './bench/run.mjs';
import { makeSite } from './bench/site.mjs';
import { compare, snapshot, totalBytes } from './bench/snapshot.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const generator = join(repo, '../shared/corpus/generate.mjs');
const bin = join(repo, 'bin/broadsheet.js');
const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000' }, runs: { type: 'string', default: '3' }, huge: { type: 'boolean', default: false } },
});
const sizes = values.sizes.split(',').map(Number);
if (values.huge && !sizes.includes(100_000)) sizes.push(100_000);
const runs = Number(values.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run bench -- [--sizes 1000,10000] [--runs 3] [--huge]');
  process.exit(2);
}

const REBUILDS = [
  ['nothing changed', () => {}],
  ["one story's body", (site) => site.editBody()],
  ["newest story's title", (site) => site.editNewestTitle()],
  ['one story published', (site) => site.publish()],
];
const shm = existsSync('/dev/shm') ? '/dev/shm' : undefined;
const others = peers(repo);

// Temporary folders, removed at the end, on an error, or on Ctrl-C.
const temporary = new Set();
const cleanUp = () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  temporary.clear();
};
process.on('SIGINT', () => {
  cleanUp();
  process.exit(130);
});

const status = (text) => process.stderr.isTTY && process.stderr.write(`\r\x1b[K${text}`);

console.log(`Broadsheet benchmark — ${machine()}`);
console.log(`output on disk: ${tmpdir()} (${fileSystem(tmpdir())})${shm ? `; on ${shm} (${fileSystem(shm)})` : '; no /dev/shm'}; peak memory from ${memorySource}`);
console.log(`median of ${runs} run${runs === 1 ? '' : 's'}; whole-process times (spawn to exit)`);
if (!others.some((peer) => peer.name.startsWith('Eleventy'))) console.log('Eleventy is not installed (npm install), so it is left out');

try {
  for (const size of sizes) await bench(size);
} finally {
  status('');
  cleanUp();
}

async function bench(size) {
  const label = `${count(size)} stories`;
  status(`${label}: writing the corpus`);
  const site = makeSite(repo, generator, size);
  temporary.add(site.root);
  const targets = [{ name: 'disk', out: join(site.root, 'dist') }];
  if (shm) {
    const dir = mkdtempSync(join(shm, 'broadsheet-bench-'));
    temporary.add(dir);
    targets.push({ name: shm, out: join(dir, 'dist') });
  }
  const future = site.needsFuture ? ['--future'] : [];
  const build = (out) => runNode(bin, ['build', '--root', site.root, '--out', out, ...future]);

  // figures[target][scenario] = one { ms, rss, files?, bytes?, ... } per run
  const figures = new Map();
  const record = (target, scenario, figure) => {
    if (!figures.has(target.name)) figures.set(target.name, new Map());
    const byScenario = figures.get(target.name);
    if (!byScenario.has(scenario)) byScenario.set(scenario, []);
    byScenario.get(scenario).push(figure);
  };
  let output;
  const leftovers = new Set();

  for (let run = 1; run <= runs; run++) {
    for (const target of targets) {
      const step = `${label}, run ${run}/${runs}, output on ${target.name}`;
      site.reset();
      // The output and the builds behind it (write/output.ts): the next build starts from nothing.
      rmSync(target.out, { recursive: true, force: true });
      rmSync(join(dirname(target.out), '.dist.builds'), { recursive: true, force: true });
      status(`${step}: cold build`);
      record(target, 'cold build', build(target.out));
      output ??= snapshot(target.out);
      for (const name of site.leftovers(['dist', '.dist.builds'])) leftovers.add(name);
      for (const [scenario, edit] of REBUILDS) {
        status(`${step}: ${scenario}`);
        edit(site);
        const before = snapshot(target.out);
        const figure = build(target.out);
        record(target, scenario, { ...figure, ...compare(before, snapshot(target.out)) });
      }
    }
    for (const peer of others) {
      site.reset();
      status(`${label}, run ${run}/${runs}: ${peer.name}`);
      record({ name: peer.name }, 'cold build', peer.run(site));
    }
  }
  site.reset();
  status(`${label}: dev`);
  const latencies = await devLatency(repo, site, 9, { future: site.needsFuture });
  status(`${label}: dev under load`);
  const served = await devLoad(repo, site, { future: site.needsFuture });
  status('');

  const mid = (target, scenario, key) => median(figures.get(target).get(scenario).map((figure) => figure[key]));
  const [disk, other] = targets.map((target) => target.name);
  console.log(`\n${label}${future.length ? ' (built with --future: the newest are dated after today)' : ''}`);
  const head = ['', 'disk', 'peak RSS', ...(other ? [other, 'peak RSS'] : []), 'files rewritten (+new ~changed −gone)', 'bytes rewritten'];
  const rows = [head];
  for (const scenario of ['cold build', ...REBUILDS.map(([name]) => name)]) {
    const row = [scenario === 'cold build' ? scenario : `rebuild: ${scenario}`, time(mid(disk, scenario, 'ms')), bytes(mid(disk, scenario, 'rss'))];
    if (other) row.push(time(mid(other, scenario, 'ms')), bytes(mid(other, scenario, 'rss')));
    if (scenario === 'cold build') row.push(`${count(output.size)} (all new)`, bytes(totalBytes(output)));
    else {
      const rewritten = (target) => `${count(mid(target, scenario, 'files'))} (+${count(mid(target, scenario, 'added'))} ~${count(mid(target, scenario, 'changed'))} −${count(mid(target, scenario, 'removed'))})`;
      const written = (target) => bytes(mid(target, scenario, 'bytes'));
      // The same on both unless the writer behaves differently there (hard links across a mount, say).
      row.push(
        other && rewritten(other) !== rewritten(disk) ? `${rewritten(disk)}; shm ${rewritten(other)}` : rewritten(disk),
        other && written(other) !== written(disk) ? `${written(disk)}; shm ${written(other)}` : written(disk),
      );
    }
    rows.push(row);
  }
  const cold = mid(disk, 'cold build', 'ms');
  const perStory = (target) => `${(mid(target, 'cold build', 'ms') / size).toFixed(2)} ms`;
  rows.push(['cold build, per story', perStory(disk), '', ...(other ? [perStory(other), ''] : [])]);
  console.log(table(rows));

  console.log('peers, same corpus, cold, output on disk:');
  const peerRows = [['', 'time', 'peak RSS', 'Broadsheet cold (disk) ÷ peer']];
  for (const peer of others) peerRows.push([peer.name, time(mid(peer.name, 'cold build', 'ms')), bytes(mid(peer.name, 'cold build', 'rss')), ratio(cold, mid(peer.name, 'cold build', 'ms'))]);
  console.log(table(peerRows));
  console.log(`dev: save → changed page served: ${time(median(latencies))} median of ${latencies.length} edits, max ${time(Math.max(...latencies))}`);
  console.log(`dev under load (10 connections): ${count(Math.round(served.idle))} requests/s idle, ${count(Math.round(served.busy))} requests/s over ${served.rebuilds} rebuilds${served.wrong ? `; ${served.wrong} WRONG ANSWERS` : ', every answer right'}`);
  if (leftovers.size > 0) console.log(`note: the build left ${[...leftovers].join(', ')} in the site folder; removed before each cold build`);

  site.remove();
  temporary.delete(site.root);
  for (const target of targets.slice(1)) {
    const dir = join(target.out, '..');
    rmSync(dir, { recursive: true, force: true });
    temporary.delete(dir);
  }
}
