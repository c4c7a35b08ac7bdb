// A build must never end inside the closing of a worker pool. On Node 20, terminating
// a worker that had rendered pages sometimes left the event loop empty before the
// worker's exit arrived, and the process stopped there with exit code 13 (an
// unsettled top-level await), the build unfinished: five builds in eight, two at a
// time on two cores. Here `broadsheet build` (from lib/) builds a site large enough
// for both pools, two builds at a time, and each must finish. Two pairs a run (at
// that rate the failure would go unseen in one run in fifty); more with, e.g.,
//   POOL_EXIT_PAIRS=20 npx vitest run tests/pool-exit.test.ts
import { execFile, execFileSync } from 'node:child_process';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO, scratch } from './helpers.js';

const PAIRS = Number(process.env.POOL_EXIT_PAIRS ?? 2);

describe('closing the worker pools', () => {
  it(`should let every build finish (${PAIRS * 2} builds, two at a time)`, async () => {
    const site = await scratch();
    await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
    await writeFile(join(site, 'broadsheet.yaml'), 'title: Pools\nurl: https://pools.example.org/\nupdated_from_git: false\n');
    execFileSync(process.execPath, [join(REPO, 'tests/corpus/generate.mjs'), '--count', '700', '--words', '60', '--out', join(site, 'content')], { stdio: 'ignore' });
    const build = (n: number) =>
      promisify(execFile)(process.execPath, [join(REPO, 'bin/broadsheet.js'), 'build', '--root', site, '--out', join(site, `out-${n}`), '--no-cache', '--future'], { encoding: 'utf8' }).then(
        ({ stdout }) => (/^Built 700 stories/.test(stdout) ? 'built' : stdout),
        (error: { code?: number; stderr?: string }) => `exit ${error.code}: ${error.stderr?.split('\n').at(-2) ?? ''}`,
      );
    const results: string[] = [];
    for (let pair = 0; pair < PAIRS; pair++) results.push(...(await Promise.all([build(2 * pair), build(2 * pair + 1)])));
    expect(results).toEqual(Array.from({ length: PAIRS * 2 }, () => 'built'));
  }, 300_000);
});
