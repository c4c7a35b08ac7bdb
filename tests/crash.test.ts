// A build killed (SIGKILL) at any moment loses nothing: dist/ is always the complete
// old site or the complete new one, never a mix, and the next build succeeds and is
// byte for byte a cold build. The kills fall at seeded random moments across a whole
// build, many times, while the content flips between two versions that differ in
// every article page (the newest story's title is in every More headlines list).
// The one moment without a dist/ at all, between the first two renames of the swap
// (write/layouts.ts), is two system calls wide: a random kill seldom lands there, so
// the test also leaves the folders as such a kill would, by renaming them itself,
// and checks that the next build finishes the swap.
// Runs the compiled CLI (`npm run compile` first), since only a process can be killed.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, scratch, snapshotTree } from './helpers.js';

const BIN = join(REPO, 'bin/broadsheet.js');
const KILLS = Number(process.env.CRASH_KILLS ?? 16);

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `broadsheet build` of `root`, SIGKILLed after `killAfterMs` if given; resolves how it ended. */
function runBuild(root: string, args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'build', '--root', root, '--future', ...args], { stdio: 'ignore' });
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: performance.now() - started });
    });
  });
}

describe('a build killed at any moment', () => {
  it(`should leave dist/ the complete old or the complete new site, ${KILLS} times, and build correctly after`, async () => {
    const root = await scratch();
    execFileSync(process.execPath, [join(REPO, 'tests/corpus/generate.mjs'), '--count', '150', '--out', join(root, 'content')], { stdio: 'ignore' });
    await cp(join(REPO, 'templates'), join(root, 'templates'), { recursive: true });
    await writeFile(join(root, 'broadsheet.yaml'), 'title: Crash News\nurl: https://crash.example.org/\nupdated_from_git: false\n');
    // The newest story, by the generator's dates: its title is in every article's More headlines.
    const names = execFileSync('grep', ['-l', '^date:', '-r', join(root, 'content')], { encoding: 'utf8' }).trim().split('\n');
    const dated = await Promise.all(names.map(async (path) => ({ path, text: await readFile(path, 'utf8') })));
    dated.sort((a, b) => (/^date: (.+)$/m.exec(b.text)?.[1] ?? '').localeCompare(/^date: (.+)$/m.exec(a.text)?.[1] ?? ''));
    const newest = dated[0] as { path: string; text: string };
    const versions = [newest.text, newest.text.replace(/^title: .*$/m, 'title: "A headline that every article page lists"')];

    // What each version must look like: a cold build of it, elsewhere.
    const expected: Array<Record<string, string>> = [];
    for (const [index, text] of versions.entries()) {
      await writeFile(newest.path, text);
      const out = join(await scratch(), 'dist');
      expect((await runBuild(root, ['--no-cache', '--out', out])).code).toBe(0);
      expected[index] = await snapshotTree(out);
    }
    expect(expected[0]).not.toEqual(expected[1]);

    const dist = join(root, 'dist');
    const builds = join(root, '.dist.builds');
    await writeFile(newest.path, versions[0] as string);
    const first = await runBuild(root, []);
    expect(first.code).toBe(0);
    // A whole rebuild of the other version is the span the kills fall in.
    await writeFile(newest.path, versions[1] as string);
    const span = (await runBuild(root, [])).ms;
    expect(await snapshotTree(dist)).toEqual(expected[1]);

    const random = mulberry32(20261202);
    let current = 1; // the version dist/ holds
    const outcomes: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const next = 1 - current;
      await writeFile(newest.path, versions[next] as string);
      const delay = Math.floor(random() * span * 1.1);
      const ended = await runBuild(root, [], delay);
      if (!existsSync(dist)) {
        // Between the swap's first two renames: the old site whole in `retiring`, the new one whole in the spare.
        outcomes.push(`${delay} ms: ${ended.signal ?? `exit ${ended.code}`}, between the renames`);
        expect(ended.signal, outcomes.join('\n')).toBe('SIGKILL');
        expect(await snapshotTree(join(builds, 'retiring')), outcomes.join('\n')).toEqual(expected[current]);
        expect(await snapshotTree(join(builds, 'spare')), outcomes.join('\n')).toEqual(expected[next]);
        current = next; // what the next build finds, once it has finished the swap
        continue;
      }
      const tree = await snapshotTree(dist);
      const holds = expected.findIndex((version) => JSON.stringify(version) === JSON.stringify(tree));
      outcomes.push(`${delay} ms: ${ended.signal ?? `exit ${ended.code}`}, dist/ is ${holds === -1 ? 'a mix' : holds === next ? 'the new site' : 'the old site'}`);
      expect(holds, outcomes.join('\n')).not.toBe(-1);
      if (ended.signal === null) expect(ended.code, outcomes.join('\n')).toBe(0);
      if (ended.signal === null) expect(holds, outcomes.join('\n')).toBe(next);
      current = holds;
    }
    if (process.env.CRASH_LOG) console.log(outcomes.join("\n"));
    // Some kills landed before the swap and some builds (or kills after it) finished: both sides were seen.
    expect(outcomes.some((line) => line.includes('SIGKILL')), outcomes.join('\n')).toBe(true);

    // Whatever the last kill left, the next build succeeds and gives exactly a cold build.
    const final = 1 - current;
    await writeFile(newest.path, versions[final] as string);
    expect((await runBuild(root, [])).code).toBe(0);
    expect(await snapshotTree(dist)).toEqual(expected[final]);
    expect((await runBuild(root, [])).code).toBe(0);
    expect(await snapshotTree(dist)).toEqual(expected[final]);
    expect((await readdir(builds)).sort()).toEqual(['a.json', 'b.json', 'spare']);

    // Killed between the renames, made by hand: before each, dist/ holds one version and the spare the other, whole.
    // (Which folder the recovery chooses is pinned by tests/write-output.test.ts; here, that the build after it is right.)
    const retiring = join(builds, 'retiring');
    const spare = join(builds, 'spare');
    const interruptions: Record<string, () => Promise<void>> = {
      'after the first rename': () => rename(dist, retiring),
      'after the second rename': async () => {
        await rename(dist, retiring);
        await rename(spare, dist);
      },
      'after the first rename, the spare not known complete': async () => {
        // Neither manifest can then say the spare is whole: the old site goes back.
        for (const side of ['a', 'b']) await rm(join(builds, `${side}.json`));
        await rename(dist, retiring);
      },
    };
    let shown = final;
    for (const [moment, interrupt] of Object.entries(interruptions)) {
      for (const version of [1 - shown, shown]) {
        await writeFile(newest.path, versions[version] as string);
        expect((await runBuild(root, [])).code, moment).toBe(0);
      }
      await interrupt();
      const wanted = 1 - shown;
      await writeFile(newest.path, versions[wanted] as string);
      expect((await runBuild(root, [])).code, moment).toBe(0);
      expect(await snapshotTree(dist), moment).toEqual(expected[wanted]);
      // With no manifest left, the old folder was taken over as one Broadsheet did not make: one manifest, for the new build.
      expect((await readdir(builds)).sort(), moment).toEqual(moment.includes('not known') ? ['a.json', 'spare'] : ['a.json', 'b.json', 'spare']);
      shown = wanted;
    }
  }, 600_000);
});
