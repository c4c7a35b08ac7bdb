#!/usr/bin/env node
// npm run bench [-- --sizes 1000,10000] [--runs 1]
// Builds corpora from ../shared/corpus/generate.mjs with the project's own
// templates and prints figures: whole-process cold builds with the output on
// disk and on /dev/shm, and in `dev`, the time from saving one story to the
// server answering with the changed page. It asserts nothing about time.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = fileURLToPath(new URL('..', import.meta.url));
const generator = join(repo, '../shared/corpus/generate.mjs');
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000' }, runs: { type: 'string', default: '1' } } });
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
const bin = join(repo, 'bin/broadsheet.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n) => `${Math.round(n)} ms`;

console.log(`Broadsheet benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`median of ${runs} runs; whole-process times unless noted\n`);

function makeSite(count) {
  const site = mkdtempSync(join(tmpdir(), `broadsheet-bench-${count}-`));
  execFileSync(process.execPath, [generator, '--count', String(count), '--out', join(site, 'content')], { stdio: 'ignore' });
  cpSync(join(repo, 'templates'), join(site, 'templates'), { recursive: true });
  writeFileSync(join(site, 'broadsheet.yaml'), 'title: Bench\nurl: https://bench.example.org/\nupdated_from_git: false\n');
  return site;
}

function timeBuild(site, out) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [bin, 'build', '--root', site, '--out', out], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stderr}`);
  return performance.now() - started;
}

// Save a story, wait for dev to report the rebuild, fetch the page: the time a
// writer waits. Polling the server from this process would slow the rebuild it
// measures, so it fetches once per build report.
async function devLatency(site, edits) {
  const { startDevSession } = await import(join(repo, 'lib/dev/dev-session.js'));
  let built;
  const session = await startDevSession({
    root: site, content: join(site, 'content'), templates: join(site, 'templates'), cwd: site, port: 0,
    onBuild: () => built?.(), onCrash: (error) => console.error(error), describe: () => '',
  });
  const files = readdirSync(join(site, 'content')).sort().slice(0, edits + 2);
  const latencies = [];
  for (const [i, name] of files.entries()) {
    const path = join(site, 'content', name);
    const marker = `bench-edit-${i}-${Date.now()}`;
    const text = readFileSync(path, 'utf8');
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    writeFileSync(path, `${text}\n${marker}\n`);
    const page = `${session.url}${name.replace(/\.md$/, '')}/`;
    for (;;) {
      await new Promise((r) => (built = r));
      if ((await fetch(page).then((r) => r.text())).includes(marker)) break;
    }
    latencies.push(performance.now() - started);
    await session.idle();
  }
  await session.close();
  return latencies.slice(2); // the first edits run before the JIT has warmed up
}

for (const count of sizes) {
  const site = makeSite(count);
  const disk = join(site, 'dist');
  const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/broadsheet-bench-') : undefined;
  const coldDisk = [];
  const coldShm = [];
  for (let run = 0; run < runs; run++) {
    coldDisk.push(timeBuild(site, disk));
    if (shm) coldShm.push(timeBuild(site, join(shm, 'dist')));
  }
  const latencies = await devLatency(site, 9);
  console.log(`${count.toLocaleString('en')} stories`);
  console.log(`  cold build, output on disk      ${ms(median(coldDisk))}  (${(median(coldDisk) / count).toFixed(2)} ms a story)`);
  if (shm) console.log(`  cold build, output on /dev/shm  ${ms(median(coldShm))}  (disk / shm = ${(median(coldDisk) / median(coldShm)).toFixed(2)})`);
  console.log(`  dev: save → changed page served ${ms(median(latencies))}  (median of ${latencies.length} edits; max ${ms(Math.max(...latencies))})\n`);
  rmSync(site, { recursive: true, force: true });
  if (shm) rmSync(shm, { recursive: true, force: true });
}
