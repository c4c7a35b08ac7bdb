// `broadsheet dev` through what a newsroom's working copy goes through: a storm
// of 1,000 saves, the content folder deleted and restored, a broken template.
// One session on 300 generated stories goes through every step; after each, the
// dev folder must be byte for byte a cold build of the content as it now is
// (live-reload tag aside), and the session must still be running. Nothing here
// measures speed: waits are generous, and only bound how long a failure takes.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { renameSync, watch, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coldBuild, listen, servedTree, startDev, type DevProcess } from './dev-process.js';
import { REPO, scratch, snapshotTree } from './helpers.js';

const STORIES = 300;
const SAVES = 1000;

let work: string;
let site: string;
let content: string;
let dev: DevProcess;
let devDir: string;
let failed = false;

beforeAll(async () => {
  work = await scratch();
  site = join(work, 'site');
  content = join(site, 'content');
  await mkdir(site);
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await cp(join(REPO, 'broadsheet.yaml'), join(site, 'broadsheet.yaml'));
  execFileSync(process.execPath, [join(REPO, 'tests', 'corpus', 'generate.mjs'), '--count', String(STORIES), '--out', content]);
  dev = await startDev(site);
  devDir = await dev.devDir();
}, 300_000);

afterAll(async () => {
  await dev?.stop();
  if (failed) console.error(`Kept for inspection: ${work}`);
  else await rm(work, { recursive: true, force: true });
}, 60_000);

beforeEach(({ onTestFailed }) => {
  // One session goes through every step: after a failure the later steps mean nothing.
  if (failed) throw new Error('an earlier step failed');
  onTestFailed(() => void (failed = true));
});

function sameTree(a: Record<string, string>, b: Record<string, string>): boolean {
  const paths = Object.keys(a);
  return paths.length === Object.keys(b).length && paths.every((path) => a[path] === b[path]);
}

/**
 * Waits until the session has gone quiet with the dev folder equal to a cold
 * build of the content as it is now, then checks it (a diff on failure).
 */
async function expectColdBuildServed(): Promise<void> {
  const cold = await coldBuild(site, join(work, 'cold'));
  let comparedAt = 0;
  await dev
    .waitFor('the dev folder to equal a cold build', async () => {
      if (dev.quietMs() < 1000 || Date.now() - comparedAt < 500) return false;
      comparedAt = Date.now();
      return sameTree(await servedTree(devDir), cold);
    })
    .catch(() => {});
  expect(await servedTree(devDir), `the dev folder, after broadsheet dev printed:\n${dev.output().slice(-4000)}`).toEqual(cold);
  expect(dev.alive()).toBe(true);
}

/** The raw bytes of a page as served, to compare with a snapshot of the dev folder. */
async function served(path: string): Promise<string> {
  const res = await fetch(new URL(path, dev.url));
  expect(res.status, path).toBe(200);
  return Buffer.from(await res.arrayBuffer()).toString('latin1');
}

describe('broadsheet dev through storms', () => {
  it(`should come out of ${SAVES} rapid saves as a cold build of the last ones, in few rebuilds`, async () => {
    const names = (await readdir(content)).sort();
    const originals = new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(content, name), 'utf8')] as const)));
    const rebuildsBefore = dev.rebuilds();
    for (let save = 0; save < SAVES; save++) {
      // A third of the saves rewrite the same story, the rest go round 100 others;
      // every 25th changes a headline (list pages change), every 7th is an editor's
      // atomic save (a hidden temporary file renamed over the story).
      const name = save % 3 === 0 ? names[0]! : names[1 + (save % 100)]!;
      let text = `${originals.get(name)!}\nSave number ${save}.\n`;
      if (save % 25 === 0) text = text.replace(/^title: "(.*)"$/m, `title: "$1, save ${save}"`);
      if (save % 7 === 0) {
        writeFileSync(join(content, `.${name}.tmp`), text);
        renameSync(join(content, `.${name}.tmp`), join(content, name));
      } else {
        writeFileSync(join(content, name), text);
      }
      // Stories come and go in the storm too.
      if (save === SAVES / 2) writeFileSync(join(content, 'storm-born.md'), '---\ntitle: "Born in the storm"\ndate: 2025-06-01T12:00:00Z\n---\n\nNew.\n');
      if (save === (SAVES * 3) / 4) await rm(join(content, names[200]!));
    }

    await expectColdBuildServed();
    const rebuilds = dev.rebuilds() - rebuildsBefore;
    console.info(`${SAVES} saves: ${rebuilds} rebuilds`);
    expect(rebuilds).toBeGreaterThanOrEqual(1);
    expect(rebuilds).toBeLessThanOrEqual(10);
    // The last word is a good build, whatever a half-written file made of an earlier one.
    expect(dev.output().trimEnd().split('\n').at(-1)).toMatch(/^Rebuilt after/);
    expect(dev.output()).not.toMatch(/internal error/);
  }, 300_000);

  for (const [how, remove, restore] of [
    // rm and cp themselves, as a writer's shell runs them: fs/promises in this busy test
    // process can pause for longer than the watch queue's burst window between two files,
    // and dev then rightly builds the half-deleted folder as the last good build.
    ['deleted (rm -rf) and copied back', () => execFileSync('rm', ['-rf', content]), () => execFileSync('cp', ['-R', join(work, 'backup'), content])],
    ['moved away and back (mv)', () => rename(content, join(work, 'away')), () => rename(join(work, 'away'), content)],
  ] as const) {
    it(`should show an error while the content folder is gone, ${how}, and rebuild it when it is back`, async () => {
      if (how.startsWith('deleted')) await cp(content, join(work, 'backup'), { recursive: true });
      const lastGood = await snapshotTree(devDir);
      const events = await listen(dev.url);
      try {
        await remove();
        await dev.waitFor('the error over the page', () => events.events.some((e) => e.event === 'error'));
        expect(JSON.parse(events.events.find((e) => e.event === 'error')!.data)).toMatch(/^No content folder at content;/);
        await dev.waitFor('the error in the terminal', () => /No content folder at content;.*still serving the last good build/.test(dev.output()));
        expect(dev.output()).not.toMatch(/internal error/);
        // Still serving the last good site.
        expect(await served('/')).toBe(lastGood['index.html']);
        expect(await snapshotTree(devDir)).toEqual(lastGood);

        const rebuildsBefore = dev.rebuilds();
        await restore();
        await dev.waitFor('a rebuild, and the error taken off the page', () => dev.rebuilds() > rebuildsBefore && events.events.at(-1)?.event === 'reload');
        expect(events.events.map((e) => e.event)).toContain('ok');
        await expectColdBuildServed();
      } finally {
        events.stop();
      }
    }, 300_000);
  }

  it('should follow a content folder swapped at once for another version (mv content old && mv new content)', async () => {
    const next = join(work, 'next');
    await cp(content, next, { recursive: true });
    const [edited, removed, savedLater] = (await readdir(next)).filter((name) => name.endsWith('.md')).sort().slice(5, 8);
    await writeFile(join(next, edited!), `${await readFile(join(next, edited!), 'utf8')}\nOnly in the new version.\n`);
    await rm(join(next, removed!));
    await writeFile(join(next, 'swapped-in.md'), '---\ntitle: "Swapped in"\ndate: 2025-06-02T12:00:00Z\n---\n\nNew.\n');
    renameSync(content, join(work, 'old'));
    renameSync(next, content);
    await expectColdBuildServed();

    // The folder now in place is the one watched, not the one moved away.
    await writeFile(join(work, 'old', savedLater!), 'not a story any more\n');
    await writeFile(join(content, savedLater!), `${await readFile(join(content, savedLater!), 'utf8')}\nSaved after the swap.\n`);
    await expectColdBuildServed();
    expect(await served(`/${savedLater!.replace(/\.md$/, '')}/`)).toContain('Saved after the swap.');
    await rm(join(work, 'old'), { recursive: true });
  }, 300_000);

  for (const [kind, broken] of [
    ['a syntax error', (template: string) => template.replace('{{ story.title }}</h1>', '{{ story.title </h1>')],
    ['an error only rendering shows (an unknown variable)', (template: string) => template.replace('{{ story.title }}</h1>', '{{ story.headline }}</h1>')],
  ] as const) {
    it(`should keep serving the last good pages through ${kind} in a template, and recover once it is fixed`, async () => {
      const article = join(site, 'templates', 'article.liquid');
      const good = await readFile(article, 'utf8');
      const broke = broken(good);
      expect(broke).not.toBe(good);
      const lastGood = await snapshotTree(devDir);
      const [first, second] = (await readdir(content)).filter((name) => name.endsWith('.md')).sort();
      const pages = ['index.html', `${first!.replace(/\.md$/, '')}/index.html`, `${second!.replace(/\.md$/, '')}/index.html`, 'page/2/index.html'];
      const events = await listen(dev.url);
      const errors = () => events.events.filter((e) => e.event === 'error').length;
      try {
        await writeFile(article, broke);
        await dev.waitFor('the template error over the page', () => errors() > 0);
        expect(JSON.parse(events.events.find((e) => e.event === 'error')!.data)).toMatch(/templates\/article\.liquid:\d+:\d+ +error/);
        expect(dev.output()).toMatch(/still serving the last good build/);

        // A save while the template is broken: that rebuild fails too. Every page
        // fetched meanwhile is the last good one, never a page of the broken build.
        await writeFile(join(content, first!), `${await readFile(join(content, first!), 'utf8')}\nSaved while the template was broken.\n`);
        do {
          for (const path of pages) expect(await served(`/${path.replace(/index\.html$/, '')}`), path).toBe(lastGood[path]);
        } while (errors() < 2);
        expect(await snapshotTree(devDir)).toEqual(lastGood);

        await writeFile(article, good);
        await dev.waitFor('the error taken off the page', () => events.events.at(-1)?.event === 'reload');
        expect(events.events.map((e) => e.event)).toContain('ok');
        await expectColdBuildServed();
        expect(await served(`/${first!.replace(/\.md$/, '')}/`)).toContain('Saved while the template was broken.');
      } finally {
        events.stop();
      }
    }, 300_000);
  }

  it('should end cleanly on SIGTERM in the middle of a rebuild, leaving no dev folder behind', async () => {
    // A new headline on the newest story renders every article page again.
    const names = (await readdir(content)).filter((name) => name.endsWith('.md'));
    const dated = await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(content, name), 'utf8') })));
    const newest = dated.reduce((a, b) => (Date.parse(/^date: (.*)$/m.exec(b.text)![1]!) > Date.parse(/^date: (.*)$/m.exec(a.text)![1]!) ? b : a));
    // Dev's folder is in the releases layout (dev/dev-session.ts): a rebuild writes the new
    // build into the spare release beside the live one, then points `builds/current` at it
    // (write/layouts.ts). At its first write there the process is paused (SIGSTOP): the
    // signal then comes while the rebuild is under way.
    const current = join(devDir, '..', 'builds', 'current');
    const live = await readlink(current);
    const spare = basename(live) === 'a' ? 'b' : 'a';
    let paused = false;
    const watcher = watch(join(devDir, '..', 'builds', 'releases'), { recursive: true }, (_event, name) => {
      if (paused || !String(name).startsWith(spare)) return;
      process.kill(dev.pid, 'SIGSTOP');
      paused = true;
    });
    const rebuildsBefore = dev.rebuilds();
    try {
      await writeFile(join(content, newest.name), newest.text.replace(/^title: "(.*)"$/m, 'title: "$1, updated"'));
      await dev.waitFor('the rebuild to be under way', () => {
        if (!paused && dev.rebuilds() > rebuildsBefore) throw new Error(`The rebuild finished before it was seen under way; broadsheet dev printed:\n${dev.output()}`);
        return paused;
      });
    } finally {
      watcher.close();
    }
    // Paused with the new build half-written: the link still points at the one before.
    expect(await readlink(current)).toBe(live);
    expect(dev.rebuilds()).toBe(rebuildsBefore);
    // The signal waits while the process is paused; it is the first thing the process meets once it goes on.
    // Rejects unless it exits with 0 and has removed its dev folder.
    const stopped = dev.stop();
    process.kill(dev.pid, 'SIGCONT');
    await stopped;
    // The rebuild under way was finished first (a run already going finishes: dev/watch-queue.ts).
    expect(dev.rebuilds()).toBe(rebuildsBefore + 1);
    expect(dev.output()).not.toMatch(/internal error/);
  }, 120_000);
});
