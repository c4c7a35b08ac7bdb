// A rebuild rewrites only what changed: every unchanged file keeps its inode and
// mtime, so sync-based deploys upload only what changed; the output is an ordinary
// folder replaced whole by renames (or, with `output_layout: releases`, a `current`
// link inside it swapped in one rename), never written through a symbolic link.
// First the writer on its own (write/output.ts), then the compiled CLI (`npm run
// compile` first) on the example site.
import { execFile } from 'node:child_process';
import { appendFile, cp, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EnvironmentError } from '../src/report/errors.js';
import { hash } from '../src/support/hash.js';
import { openOutput, type WriteResult } from '../src/write/output.js';
import { REPO, scratch, snapshotTree } from './helpers.js';

// Hard links fail on demand, to take the fallback path a file system without them would.
const links = vi.hoisted(() => ({ error: undefined as string | undefined, calls: 0 }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const linkSync: typeof fs.linkSync = (...args) => {
    links.calls++;
    if (links.error) throw Object.assign(new Error(`${links.error}: simulated`), { code: links.error });
    return fs.linkSync(...args);
  };
  return { ...fs, linkSync, default: { ...fs, linkSync } };
});
afterEach(() => {
  links.error = undefined;
  links.calls = 0;
});

// Well before any test runs: a file rewritten by the test cannot have this mtime by chance.
const PAST = 1_000_000_000;

interface Entry {
  ino: number;
  mtimeMs: number;
  kind: 'file' | 'folder' | 'link' | 'other';
  contents?: string;
}

/** Every entry under `dir` (`dir` itself followed if it is a link, as dist/current is), without following symbolic links. */
async function statTree(dir: string): Promise<Map<string, Entry>> {
  const tree = new Map<string, Entry>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const stats = await lstat(path);
    const kind = stats.isSymbolicLink() ? 'link' : stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : 'other';
    const contents = kind === 'file' ? await readFile(path, 'latin1') : undefined;
    tree.set(relative(dir, path), { ino: stats.ino, mtimeMs: stats.mtimeMs, kind, ...(contents === undefined ? {} : { contents }) });
  }
  return tree;
}

/** Set every file and folder under `dir` (and `dir`) to PAST, so any rewrite shows. */
async function backdate(dir: string): Promise<void> {
  for (const path of (await statTree(dir)).keys()) await utimes(join(dir, path), PAST, PAST);
  await utimes(dir, PAST, PAST);
}

/** Files of `after` with the same bytes as in `before` and those without, checking each kept its inode and mtime or got new ones. */
function compareTrees(before: Map<string, Entry>, after: Map<string, Entry>) {
  const kept: string[] = [];
  const rewritten: string[] = [];
  for (const [path, entry] of after) {
    if (entry.kind !== 'file') continue;
    const old = before.get(path);
    if (old?.kind === 'file' && old.contents === entry.contents) {
      expect({ path, ino: entry.ino, mtimeMs: entry.mtimeMs }).toEqual({ path, ino: old.ino, mtimeMs: PAST * 1000 });
      kept.push(path);
    } else {
      expect({ path, mtimeMs: entry.mtimeMs }).not.toEqual({ path, mtimeMs: PAST * 1000 });
      if (old) expect({ path, ino: entry.ino }).not.toEqual({ path, ino: old.ino });
      rewritten.push(path);
    }
  }
  return { kept: kept.sort(), rewritten: rewritten.sort() };
}

/** Write `files` as one build, the way a build does: a file whose key the output has is kept, not handed over again. */
async function writeSite(out: string, files: Record<string, string>, layout?: 'releases' | 'folder'): Promise<WriteResult> {
  const write = await openOutput(out, { layout }).begin({ basePath: '/' });
  try {
    for (const [path, contents] of Object.entries(files)) {
      const key = hash(contents);
      if (write.has(path, key)) write.keep(path, key);
      else await write.put(path, key, contents);
    }
  } catch (error) {
    await write.abort();
    throw error;
  }
  return write.commit();
}

/** The inode of the folder the manifest of `side` says it describes. */
async function manifestRoot(parent: string, side: 'a' | 'b'): Promise<number> {
  return (JSON.parse(await readFile(join(parent, '.dist.builds', `${side}.json`), 'utf8')) as { root: number }).root;
}

/** The files under `dir` with their contents. */
async function filesOf(dir: string): Promise<Record<string, string | undefined>> {
  return Object.fromEntries([...(await statTree(dir))].filter(([, entry]) => entry.kind === 'file').map(([path, entry]) => [path, entry.contents]));
}

/** An output folder as an older Broadsheet (or a person) left it: a plain folder, backdated. */
async function plainOutput(files: Record<string, string>): Promise<{ parent: string; out: string }> {
  const parent = await scratch();
  const out = join(parent, 'dist');
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(join(out, path, '..'), { recursive: true });
    await writeFile(join(out, path), contents);
  }
  await backdate(out);
  return { parent, out };
}

/** An output this writer made, backdated. */
async function ourOutput(files: Record<string, string>): Promise<{ parent: string; out: string }> {
  const parent = await scratch();
  const out = join(parent, 'dist');
  await writeSite(out, files);
  await backdate(out);
  return { parent, out };
}

describe('the output writer', () => {
  const site = { 'index.html': 'home', 'a/index.html': 'story a', 'b/index.html': 'story b', 'assets/style.css': 'body{}' };

  it('should make the output an ordinary folder holding the complete build, its manifest beside it', async () => {
    const { parent, out } = await ourOutput(site);
    expect((await lstat(out)).isDirectory()).toBe(true);
    expect(await readdir(parent)).toEqual(['.dist.builds', 'dist']);
    expect((await readdir(join(parent, '.dist.builds'))).sort()).toEqual(['a.json']);
    expect(await manifestRoot(parent, 'a')).toBe((await lstat(out)).ino);
    expect(Object.fromEntries([...(await statTree(out))].filter(([, entry]) => entry.kind === 'file').map(([path, entry]) => [path, entry.contents]))).toEqual(site);
  });

  it('should leave an output that already is the site untouched: no file, folder or link', async () => {
    const { out } = await ourOutput(site);
    const before = await statTree(out);
    const link = await lstat(out);
    expect(await writeSite(out, site)).toEqual({ written: 0, kept: 4, removed: 0, replaced: false });
    expect(await statTree(out)).toEqual(before);
    expect(await lstat(out)).toMatchObject({ ino: link.ino, mtimeMs: link.mtimeMs });
  });

  it('should write only the file that is new, and keep the others as the same inodes', async () => {
    const { parent, out } = await ourOutput(site);
    const before = await statTree(out);
    const old = await lstat(out);
    expect(await writeSite(out, { ...site, 'c/index.html': 'story c' })).toEqual({ written: 1, kept: 4, removed: 0, replaced: true });
    // The new build is the output now and the old one, the same folder moved, the spare; each manifest names its own.
    expect((await lstat(out)).isDirectory()).toBe(true);
    expect((await readdir(join(parent, '.dist.builds'))).sort()).toEqual(['a.json', 'b.json', 'spare']);
    expect((await lstat(join(parent, '.dist.builds', 'spare'))).ino).toBe(old.ino);
    expect([await manifestRoot(parent, 'a'), await manifestRoot(parent, 'b')]).toEqual([old.ino, (await lstat(out)).ino]);
    expect(compareTrees(before, await statTree(out))).toEqual({ kept: ['a/index.html', 'assets/style.css', 'b/index.html', 'index.html'], rewritten: ['c/index.html'] });
  });

  it('should rewrite a file whose bytes changed at the same size', async () => {
    const { out } = await ourOutput(site);
    const before = await statTree(out);
    expect(await writeSite(out, { ...site, 'b/index.html': 'story B' })).toEqual({ written: 1, kept: 3, removed: 0, replaced: true });
    const after = await statTree(out);
    expect(compareTrees(before, after).rewritten).toEqual(['b/index.html']);
    expect(after.get('b/index.html')?.contents).toBe('story B');
  });

  it('should remove files and folders the new build does not have, keeping the rest', async () => {
    const { out } = await ourOutput({ ...site, 'gone/index.html': 'removed story', 'notes.txt': 'stray' });
    const before = await statTree(out);
    expect(await writeSite(out, site)).toEqual({ written: 0, kept: 4, removed: 2, replaced: true });
    const after = await statTree(out);
    expect([...after.keys()].sort()).toEqual(['a', 'a/index.html', 'assets', 'assets/style.css', 'b', 'b/index.html', 'index.html']);
    expect(compareTrees(before, after).rewritten).toEqual([]);
  });

  it('should keep the times of a folder whose entries did not change', async () => {
    const { out } = await ourOutput(site);
    await writeSite(out, { ...site, 'b/index.html': 'story B', 'c/index.html': 'story c' });
    const after = await statTree(out);
    expect(after.get('a')?.mtimeMs).toBe(PAST * 1000);
    expect(after.get('b')?.mtimeMs).toBe(PAST * 1000);
    expect((await lstat(join(out, '.'))).mtimeMs).not.toBe(PAST * 1000);
  });

  it('should bring the previous build up to date on each swap, so every build stays whole', async () => {
    const { out } = await ourOutput(site);
    const versions = [{ ...site, 'a/index.html': 'story a, 2' }, { ...site, 'c/index.html': 'story c' }, site, { 'index.html': 'home only' }, site];
    for (const version of versions) {
      await writeSite(out, version);
      expect(Object.fromEntries([...(await statTree(out))].filter(([, entry]) => entry.kind === 'file').map(([path, entry]) => [path, entry.contents]))).toEqual(version);
    }
  });

  it('should keep both builds whole through many writes by one process, which knows where they differ', async () => {
    // dev's case: one output, its manifests in memory, and each commit only looking where the two builds differ.
    const parent = await scratch();
    const out = join(parent, 'dist');
    const output = openOutput(out, { persist: false });
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    let version: Record<string, string> = { ...site };
    for (let step = 0; step < 40; step++) {
      const next = { ...version };
      const path = `${['a', 'b', 'c', 'd', 'e'][Math.floor(random() * 5)]}/${random() < 0.5 ? 'index.html' : 'x/index.html'}`;
      const roll = random();
      if (roll < 0.3) delete next[path];
      else if (roll < 0.5) next[path] = version[path] ?? `new ${path}`; // unchanged, or new
      else next[path] = `${path}, version ${step}`;
      if (random() < 0.2) next[path.replace('index.html', 'other.html')] = `other ${step % 3}`;
      const write = await output.begin({ basePath: '/' });
      for (const [file, contents] of Object.entries(next)) {
        const key = hash(contents);
        if (write.has(file, key)) write.keep(file, key);
        else await write.put(file, key, contents);
      }
      await write.commit();
      const files = Object.fromEntries([...(await statTree(out))].filter(([, entry]) => entry.kind === 'file').map(([file, entry]) => [file, entry.contents]));
      expect(files, `step ${step}`).toEqual(next);
      version = next;
    }
  });

  it('should make again a file changed or removed by hand in the current build, and drop a stray one', async () => {
    const { out } = await ourOutput(site);
    await writeFile(join(out, 'a/index.html'), 'edited by hand');
    await rm(join(out, 'b/index.html'));
    await writeFile(join(out, 'stray.txt'), 'left by hand');
    const result = await writeSite(out, site);
    expect(result).toMatchObject({ written: 2, replaced: true });
    expect(Object.fromEntries([...(await statTree(out))].filter(([, entry]) => entry.kind === 'file').map(([path, entry]) => [path, entry.contents]))).toEqual(site);
  });

  it('should take over a plain output folder, keeping the files it already holds', async () => {
    const { parent, out } = await plainOutput({ ...site, 'old/index.html': 'gone' });
    const before = await statTree(out);
    const old = await lstat(out);
    expect(await writeSite(out, site)).toEqual({ written: 0, kept: 4, removed: 1, replaced: true });
    expect((await lstat(out)).isDirectory()).toBe(true);
    expect(await manifestRoot(parent, 'a')).toBe((await lstat(out)).ino);
    expect(compareTrees(before, await statTree(out))).toEqual({ kept: ['a/index.html', 'assets/style.css', 'b/index.html', 'index.html'], rewritten: [] });
    // The old folder is the spare now, with no manifest (nothing says what it holds); the next build is an ordinary one.
    expect((await readdir(join(parent, '.dist.builds'))).sort()).toEqual(['a.json', 'spare']);
    expect((await lstat(join(parent, '.dist.builds', 'spare'))).ino).toBe(old.ino);
    expect(await writeSite(out, { ...site, 'c/index.html': 'story c' })).toMatchObject({ written: 1, kept: 4, removed: 0 });
  });

  it('should never read, link or write through a symbolic link in a plain output folder', async () => {
    const elsewhere = await scratch();
    await mkdir(join(elsewhere, 'a'));
    await writeFile(join(elsewhere, 'a', 'index.html'), 'story a');
    await writeFile(join(elsewhere, 'home.html'), 'home');
    await writeFile(join(elsewhere, 'style.css'), 'body{}');
    const outside = await statTree(elsewhere);
    const { out } = await plainOutput({ 'b/index.html': 'story b', 'assets/style.css': 'body{}' });
    // Links to files with exactly the bytes the site wants: following them would find nothing to change.
    await symlink(join(elsewhere, 'a'), join(out, 'a'));
    await symlink(join(elsewhere, 'home.html'), join(out, 'index.html'));
    await rm(join(out, 'assets', 'style.css'));
    await symlink(join(elsewhere, 'style.css'), join(out, 'assets', 'style.css'));
    const before = await statTree(out);

    // The link `a` itself is removed; the links at file paths are replaced by files.
    expect(await writeSite(out, site)).toEqual({ written: 3, kept: 1, removed: 1, replaced: true });
    const after = await statTree(out);
    for (const path of ['a', 'a/index.html', 'index.html', 'assets/style.css']) expect({ path, kind: after.get(path)?.kind }).not.toEqual({ path, kind: 'link' });
    expect(compareTrees(before, after)).toEqual({ kept: ['b/index.html'], rewritten: ['a/index.html', 'assets/style.css', 'index.html'] });
    // Nothing outside was written to or hard-linked.
    expect(await statTree(elsewhere)).toEqual(outside);
  });

  it('should leave the current build as it was when a write fails, so the next write still keeps its files', async () => {
    const { out } = await ourOutput({ 'index.html': 'home', 'x/index.html': 'story x' });
    const before = await statTree(out);
    // `a` cannot be both a file and a folder: fails once the spare folder holds some of the new build.
    await expect(writeSite(out, { 'index.html': 'home', 'x/index.html': 'story x', a: 'file', 'a/index.html': 'page' })).rejects.toThrow();
    expect(await statTree(out)).toEqual(before);
    expect(await writeSite(out, { 'index.html': 'home', 'x/index.html': 'story x' })).toMatchObject({ replaced: false });
    expect(await statTree(out)).toEqual(before);
    expect(await writeSite(out, { 'index.html': 'home 2', 'x/index.html': 'story x' })).toMatchObject({ written: 1, kept: 1 });
    expect(compareTrees(before, await statTree(out))).toEqual({ kept: ['x/index.html'], rewritten: ['index.html'] });
  });

  it('should leave nothing beside a plain output when the first build into it fails', async () => {
    const { parent, out } = await plainOutput({ 'index.html': 'previous build' });
    await expect(writeSite(out, { 'index.html': 'new', a: 'file', 'a/index.html': 'page' })).rejects.toThrow();
    expect(await readdir(parent)).toEqual(['dist']);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toBe('previous build');
  });

  it('should copy unchanged files with their old mtime when hard links are not possible', async () => {
    const { out } = await ourOutput(site);
    const before = await statTree(out);
    links.error = 'EXDEV';
    expect(await writeSite(out, { ...site, 'b/index.html': 'story B' })).toEqual({ written: 1, kept: 3, removed: 0, replaced: true });
    expect(links.calls).toBeGreaterThan(0);
    const after = await statTree(out);
    for (const path of ['index.html', 'a/index.html', 'assets/style.css']) {
      expect({ path, contents: after.get(path)?.contents, mtimeMs: after.get(path)?.mtimeMs }).toEqual({ path, contents: before.get(path)?.contents, mtimeMs: PAST * 1000 });
    }
    expect(after.get('b/index.html')?.mtimeMs).not.toBe(PAST * 1000);
  });

  it('should say which files it holds made from which key, so unchanged pages need not be rendered', async () => {
    const { out } = await ourOutput(site);
    const write = await openOutput(out).begin({ basePath: '/' });
    expect(write.has('index.html', hash('home'))).toBe(true);
    expect(write.has('index.html', hash('home, changed'))).toBe(false);
    expect(write.has('missing.html', hash('home'))).toBe(false);
    await write.abort();
  });

  it('should learn the new key of a file made again with the same bytes, leaving the output untouched', async () => {
    // A new Broadsheet, or a template edit that changes no page, gives every page a new key and the same bytes.
    const { out } = await ourOutput(site);
    // Once more as it is, so the manifest has the backdated times and needs no refresh of its own.
    await writeSite(out, site);
    const before = await statTree(out);
    const first = await openOutput(out).begin({ basePath: '/' });
    for (const [path, contents] of Object.entries(site)) await first.put(path, hash('new code', contents), contents);
    expect(await first.commit()).toEqual({ written: 0, kept: 4, removed: 0, replaced: false });
    expect(await statTree(out)).toEqual(before);
    const next = await openOutput(out).begin({ basePath: '/' });
    expect(Object.entries(site).map(([path, contents]) => next.has(path, hash('new code', contents)))).toEqual([true, true, true, true]);
    await next.abort();
  });

  it('should refuse a second build into the same output while one is writing, and take over a lock left by a killed one', async () => {
    const { parent, out } = await ourOutput(site);
    const first = await openOutput(out).begin({ basePath: '/' });
    await expect(openOutput(out).begin({ basePath: '/' })).rejects.toThrow(EnvironmentError);
    await expect(openOutput(out).begin({ basePath: '/' })).rejects.toThrow(/Another build/);
    await first.abort();
    // A pid no process has (the kernel's limit is far below it).
    await writeFile(join(parent, '.dist.builds', 'lock'), '2147483646');
    expect(await writeSite(out, site)).toMatchObject({ replaced: false });
  });

  it('should remove a manifest half-written by a killed build', async () => {
    const { parent, out } = await ourOutput(site);
    const builds = join(parent, '.dist.builds');
    const before = (await readdir(builds)).sort();
    // What writeManifest leaves when killed between writing its temporary file and the rename.
    await writeFile(join(builds, 'b.json.4242.tmp'), '{"format":');
    expect(await writeSite(out, site)).toMatchObject({ replaced: false });
    expect((await readdir(builds)).sort()).toEqual(before);
  });

  it('should build again after the output folder was removed, from the spare', async () => {
    const { parent, out } = await ourOutput(site);
    const next = { ...site, 'b/index.html': 'story B' };
    await writeSite(out, next);
    await rm(`${out}/`, { recursive: true });
    const spare = await lstat(join(parent, '.dist.builds', 'spare'));
    expect(await writeSite(out, { ...next, 'c/index.html': 'story c' })).toMatchObject({ replaced: true });
    expect(await filesOf(out)).toEqual({ ...next, 'c/index.html': 'story c' });
    // The spare (the build before) was brought up to date and moved in; the removed folder's manifest is gone.
    expect((await lstat(out)).ino).toBe(spare.ino);
    expect((await readdir(join(parent, '.dist.builds'))).sort()).toEqual(['a.json']);
    expect(await writeSite(out, { ...next, 'c/index.html': 'story c' })).toMatchObject({ replaced: false });
  });

  it('should forget the manifest of a spare removed by hand before making a folder that could take its inode', async () => {
    const { parent, out } = await ourOutput(site);
    await writeSite(out, { ...site, 'b/index.html': 'story B' });
    const builds = join(parent, '.dist.builds');
    const live = (await lstat(out)).ino;
    const liveSide = (await manifestRoot(parent, 'a')) === live ? 'a' : 'b';
    await rm(join(builds, 'spare'), { recursive: true });
    const write = await openOutput(out).begin({ basePath: '/' });
    expect((await readdir(builds)).sort()).toEqual([`${liveSide}.json`, 'lock']);
    await write.abort();
    expect(await writeSite(out, site)).toMatchObject({ written: 1, kept: 3, replaced: true });
    expect(await filesOf(out)).toEqual(site);
  });

  describe('after a build killed between the renames of its swap', () => {
    const next = { ...site, 'b/index.html': 'story B' };
    /** dist/ holding `site` with `next` as the spare, both complete, as they are just before a swap to `next`. */
    async function beforeSwap(): Promise<{ parent: string; out: string; builds: string; live: number; spare: number }> {
      const { parent, out } = await ourOutput(next);
      await writeSite(out, site);
      const builds = join(parent, '.dist.builds');
      return { parent, out, builds, live: (await lstat(out)).ino, spare: (await lstat(join(builds, 'spare'))).ino };
    }
    /** The next build starting (it recovers first), then giving up. */
    const recoverOnly = async (out: string) => (await openOutput(out).begin({ basePath: '/' })).abort();

    it('should finish the swap when there is no output and the spare is complete', async () => {
      const { out, builds, live, spare } = await beforeSwap();
      await rename(out, join(builds, 'retiring'));
      await recoverOnly(out);
      expect(await filesOf(out)).toEqual(next);
      expect([(await lstat(out)).ino, (await lstat(join(builds, 'spare'))).ino]).toEqual([spare, live]);
      expect((await readdir(builds)).sort()).toEqual(['a.json', 'b.json', 'spare']);
      expect(await writeSite(out, next)).toMatchObject({ replaced: false });
      expect(await writeSite(out, site)).toEqual({ written: 1, kept: 3, removed: 0, replaced: true });
      expect(await filesOf(out)).toEqual(site);
    });

    it('should put the old output back when the spare is not known to be complete', async () => {
      const { parent, out, builds, live } = await beforeSwap();
      // No manifest says what the spare holds (a build under way on it forgets it first).
      const spareSide = (await manifestRoot(parent, 'a')) === live ? 'b' : 'a';
      await rm(join(builds, `${spareSide}.json`));
      await rename(out, join(builds, 'retiring'));
      await recoverOnly(out);
      expect(await filesOf(out)).toEqual(site);
      expect((await lstat(out)).ino).toBe(live);
      expect((await readdir(builds)).sort()).toEqual([`${spareSide === 'a' ? 'b' : 'a'}.json`, 'spare']);
      expect(await writeSite(out, next)).toMatchObject({ written: 1, kept: 3, replaced: true });
      expect(await filesOf(out)).toEqual(next);
    });

    it('should make the retired build the spare when the new one is already in place', async () => {
      const { out, builds, live, spare } = await beforeSwap();
      await rename(out, join(builds, 'retiring'));
      await rename(join(builds, 'spare'), out);
      await recoverOnly(out);
      expect(await filesOf(out)).toEqual(next);
      expect([(await lstat(out)).ino, (await lstat(join(builds, 'spare'))).ino]).toEqual([spare, live]);
      expect((await readdir(builds)).sort()).toEqual(['a.json', 'b.json', 'spare']);
      expect(await writeSite(out, site)).toEqual({ written: 1, kept: 3, removed: 0, replaced: true });
      expect(await filesOf(out)).toEqual(site);
    });
  });

  describe('with output_layout: releases', () => {
    it('should keep the builds in releases/ inside the output, and point `current` at the live one', async () => {
      const parent = await scratch();
      const out = join(parent, 'dist');
      await writeSite(out, site, 'releases');
      expect((await readdir(out)).sort()).toEqual(['current', 'releases']);
      expect(await readlink(join(out, 'current'))).toBe(join('releases', 'a'));
      expect(await readdir(join(out, 'releases'))).toEqual(['a']);
      expect((await readdir(join(parent, '.dist.builds'))).sort()).toEqual(['a.json']);
      expect(await filesOf(join(out, 'current'))).toEqual(site);
      expect(openOutput(out, { layout: 'releases' }).dir).toBe(join(out, 'current'));

      await backdate(join(out, 'current'));
      const before = await statTree(join(out, 'current'));
      expect(await writeSite(out, { ...site, 'c/index.html': 'story c' }, 'releases')).toEqual({ written: 1, kept: 4, removed: 0, replaced: true });
      expect(await readlink(join(out, 'current'))).toBe(join('releases', 'b'));
      expect((await readdir(out)).sort()).toEqual(['current', 'releases']);
      expect((await readdir(join(out, 'releases'))).sort()).toEqual(['a', 'b']);
      expect(compareTrees(before, await statTree(join(out, 'current')))).toEqual({ kept: ['a/index.html', 'assets/style.css', 'b/index.html', 'index.html'], rewritten: ['c/index.html'] });
      expect(await filesOf(join(out, 'releases', 'a'))).toEqual(site);
      expect(await writeSite(out, { ...site, 'c/index.html': 'story c' }, 'releases')).toMatchObject({ replaced: false });
    });

    it('should turn a plain output into releases and back, keeping unchanged files as the same inodes', async () => {
      const { parent, out } = await ourOutput(site);
      const before = await statTree(out);
      expect(await writeSite(out, { ...site, 'b/index.html': 'story B' }, 'releases')).toEqual({ written: 1, kept: 3, removed: 0, replaced: true });
      expect((await readdir(out)).sort()).toEqual(['current', 'releases']);
      expect(compareTrees(before, await statTree(join(out, 'current')))).toEqual({ kept: ['a/index.html', 'assets/style.css', 'index.html'], rewritten: ['b/index.html'] });
      // The plain folder is gone, its manifest with it; nothing is staged any more.
      expect((await readdir(join(parent, '.dist.builds'))).sort()).toEqual(['b.json']);
      // The same build, with nothing else changed, is still a change of shape.
      await backdate(join(out, 'current'));
      const release = await statTree(join(out, 'current'));
      expect(await writeSite(out, { ...site, 'b/index.html': 'story B' })).toMatchObject({ written: 0, kept: 4, replaced: true });
      expect((await lstat(out)).isDirectory()).toBe(true);
      expect(await filesOf(out)).toEqual({ ...site, 'b/index.html': 'story B' });
      expect(compareTrees(release, await statTree(out)).rewritten).toEqual([]);
    });

    it('should finish a change of shape that a kill interrupted between its renames', async () => {
      const { parent, out } = await ourOutput(site);
      const builds = join(parent, '.dist.builds');
      // Staged as the swap leaves it just before its first rename: the new site in releases/b (the
      // plain folder's manifest is a.json), its manifest written, the link to it made.
      const staged = join(parent, 'staged');
      await writeSite(staged, site, 'releases');
      await writeSite(staged, { ...site, 'b/index.html': 'story B' }, 'releases');
      await rm(join(staged, 'releases', 'a'), { recursive: true });
      await rename(staged, join(builds, 'spare'));
      await rename(join(parent, '.staged.builds', 'b.json'), join(builds, 'b.json'));
      await rename(out, join(builds, 'retiring'));
      await (await openOutput(out, { layout: 'releases' }).begin({ basePath: '/' })).abort();
      expect(await readlink(join(out, 'current'))).toBe(join('releases', 'b'));
      expect(await filesOf(join(out, 'current'))).toEqual({ ...site, 'b/index.html': 'story B' });
      // The plain folder is gone, and the manifest that named it.
      expect((await readdir(builds)).sort()).toEqual(['b.json']);
    });
  });
});

describe('broadsheet build, run again', () => {
  const cli = (...args: string[]) => promisify(execFile)(process.execPath, [join(REPO, 'bin/broadsheet.js'), 'build', ...args]);
  // The one example story with a body: editing it changes its own page and no headline list.
  const EDITED = 'sheinbaum-rejects-trump-proposal-to-send-u-s-troops-to-mexico-citing-sovereignty';

  // Built once, copied for each test: a test's own build is the rebuild it looks at.
  let built: string;
  beforeAll(async () => {
    built = await scratch();
    for (const part of ['broadsheet.yaml', 'content', 'templates']) await cp(join(REPO, part), join(built, part), { recursive: true });
    await cli('--root', built);
  });

  /** A fresh copy of the example site and its built output, backdated. */
  async function builtSite(): Promise<{ site: string; out: string; before: Map<string, Entry> }> {
    const site = await scratch(built);
    const out = join(site, 'dist');
    // A copy is a folder no manifest names (they name folders by inode): built once, it is the site's own again.
    await cli('--root', site);
    const roots = await Promise.all((['a', 'b'] as const).map((side) => manifestRoot(site, side).catch(() => undefined)));
    expect(roots).toContain((await lstat(out)).ino);
    await backdate(out);
    return { site, out, before: await statTree(out) };
  }

  it('should keep every file, its inode and its mtime, and the output folder itself, when nothing changed', async () => {
    const out = join(await scratch(), 'dist');
    await cli('--root', REPO, '--out', out);
    await backdate(out);
    const before = await statTree(out);
    const folder = await lstat(out);
    expect(folder.isDirectory()).toBe(true);
    await cli('--root', REPO, '--out', out);
    expect(await statTree(out)).toEqual(before);
    expect(await lstat(out)).toMatchObject({ ino: folder.ino, mtimeMs: PAST * 1000 });
  });

  it('should rewrite only the pages an edit changed', async () => {
    const { site, out, before } = await builtSite();
    await appendFile(join(site, 'content', `${EDITED}.md`), '\nA paragraph added on a later edit.\n');
    await cli('--root', site);
    const { kept, rewritten } = compareTrees(before, await statTree(out));
    expect(rewritten).toContain(`${EDITED}/index.html`);
    expect(rewritten).not.toContain('index.html');
    expect(kept.length).toBeGreaterThan(10);
  });

  it('should remove the page of a deleted story and keep every unchanged file', async () => {
    const { site, out, before } = await builtSite();
    await rm(join(site, 'content', `${EDITED}.md`));
    await cli('--root', site);
    const after = await statTree(out);
    expect(after.has(EDITED)).toBe(false);
    expect(compareTrees(before, after).kept.length).toBeGreaterThan(0);
  });

  it('should replace an output holding a stray file, which is gone afterwards', async () => {
    const { site, out, before } = await builtSite();
    await writeFile(join(out, 'stray.txt'), 'left by hand');
    const folder = await lstat(out);
    await cli('--root', site);
    const after = await statTree(out);
    expect(after.has('stray.txt')).toBe(false);
    expect((await lstat(out)).ino).not.toBe(folder.ino);
    expect(compareTrees(before, after).rewritten).toEqual([]);
  });

  it('should replace a page that is a symbolic link to outside the output without touching its target', async () => {
    const { site, out } = await builtSite();
    const elsewhere = join(await scratch(), 'page.html');
    const page = join(out, EDITED, 'index.html');
    await cp(page, elsewhere);
    await rm(page);
    await symlink(elsewhere, page);
    const outside = await lstat(elsewhere);
    const before = await statTree(out);
    await cli('--root', site);
    const after = await statTree(out);
    expect(after.get(`${EDITED}/index.html`)).toMatchObject({ kind: 'file', contents: await readFile(elsewhere, 'latin1') });
    expect(await lstat(elsewhere)).toMatchObject({ ino: outside.ino, mtimeMs: outside.mtimeMs, nlink: 1 });
    expect(compareTrees(before, after).rewritten).toEqual([`${EDITED}/index.html`]);
  });

  it('should build the whole site again after `rm -rf dist/`', async () => {
    const { site, out } = await builtSite();
    const expected = await snapshotTree(out);
    await rm(`${out}/`, { recursive: true, force: true });
    await cli('--root', site);
    expect((await lstat(out)).isDirectory()).toBe(true);
    expect(await snapshotTree(out)).toEqual(expected);
  });

  it('should stop with exit 1 and say which process holds the output while another build writes it', async () => {
    const { site } = await builtSite();
    // This test's own process: running, and not the build's.
    await writeFile(join(site, '.dist.builds', 'lock'), String(process.pid));
    const failed = await cli('--root', site).then(() => undefined, (error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    const lockFile = join(site, '.dist.builds', 'lock');
    expect(failed?.stderr).toBe(`broadsheet: Another Broadsheet build (process ${process.pid}) is writing dist/; wait for it to finish and run this build again (if process ${process.pid} is not a Broadsheet build, delete ${lockFile})\n`);
  });

  it('should write the releases layout when broadsheet.yaml asks for it', async () => {
    const { site, out, before } = await builtSite();
    await appendFile(join(site, 'broadsheet.yaml'), '\noutput_layout: releases\n');
    await cli('--root', site);
    expect((await readdir(out)).sort()).toEqual(['current', 'releases']);
    // The one release there is, the other side from the plain folder's manifest.
    expect([await readlink(join(out, 'current'))]).toEqual((await readdir(join(out, 'releases'))).map((side) => join('releases', side)));
    expect(compareTrees(before, await statTree(join(out, 'current'))).rewritten).toEqual([]);
  });

  it('should write only the one file missing from an otherwise identical output', async () => {
    const { site, out } = await builtSite();
    await rm(join(out, 'index.html'));
    const before = await statTree(out);
    await cli('--root', site);
    expect(compareTrees(before, await statTree(out)).rewritten).toEqual(['index.html']);
  });
});
