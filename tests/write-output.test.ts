// A rebuild rewrites only what changed: every unchanged file keeps its inode and
// mtime, so sync-based deploys upload only what changed; and the output is still
// replaced atomically, never through a symbolic link. First writeOutput on its
// own, then the compiled CLI (`npm run compile` first) on the example site.
import { execFile } from 'node:child_process';
import { appendFile, cp, lstat, mkdir, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeOutput } from '../src/write/write-output.js';
import { REPO, scratch } from './helpers.js';

// Hard links fail on demand, to take the fallback path a file system without them would.
const links = vi.hoisted(() => ({ error: undefined as string | undefined, calls: 0 }));
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  const link: typeof fs.link = async (...args) => {
    links.calls++;
    if (links.error) throw Object.assign(new Error(`${links.error}: simulated`), { code: links.error });
    return fs.link(...args);
  };
  return { ...fs, link, default: { ...fs, link } };
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
  nlink: number;
  kind: 'file' | 'folder' | 'link' | 'other';
  contents?: string;
}

/** Every entry under `dir`, without following symbolic links. */
async function statTree(dir: string): Promise<Map<string, Entry>> {
  const tree = new Map<string, Entry>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const stats = await lstat(path);
    const kind = stats.isSymbolicLink() ? 'link' : stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : 'other';
    const contents = kind === 'file' ? await readFile(path, 'latin1') : undefined;
    tree.set(relative(dir, path), { ino: stats.ino, mtimeMs: stats.mtimeMs, nlink: stats.nlink, kind, ...(contents === undefined ? {} : { contents }) });
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

async function oldOutput(files: Record<string, string>): Promise<{ parent: string; out: string }> {
  const parent = await scratch();
  const out = join(parent, 'dist');
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(join(out, path, '..'), { recursive: true });
    await writeFile(join(out, path), contents);
  }
  await backdate(out);
  return { parent, out };
}

const asFiles = (files: Record<string, string>): Array<{ path: string; contents: string | Uint8Array }> => Object.entries(files).map(([path, contents]) => ({ path, contents }));

describe('writeOutput', () => {
  const site = { 'index.html': 'home', 'a/index.html': 'story a', 'b/index.html': 'story b', 'assets/style.css': 'body{}' };

  it('should leave an output that is already the site untouched: no file, folder or rename', async () => {
    const { parent, out } = await oldOutput(site);
    const before = await statTree(out);
    const outBefore = await lstat(out);
    const files = asFiles(site);
    // Assets come as bytes, pages as strings: both compare by their bytes.
    files[1] = { path: 'a/index.html', contents: new TextEncoder().encode('story a') };
    expect(await writeOutput(out, files)).toEqual({ written: 0, kept: 4, removed: 0, replaced: false });
    expect(await statTree(out)).toEqual(before);
    expect((await lstat(out)).ino).toBe(outBefore.ino);
    expect((await lstat(out)).mtimeMs).toBe(PAST * 1000);
    expect(await readdir(parent)).toEqual(['dist']);
  });

  it('should write only the file the output is missing and keep the others by hard link', async () => {
    const { parent, out } = await oldOutput(site);
    const before = await statTree(out);
    const files = { ...site, 'c/index.html': 'story c' };
    expect(await writeOutput(out, asFiles(files))).toEqual({ written: 1, kept: 4, removed: 0, replaced: true });
    const after = await statTree(out);
    expect(compareTrees(before, after)).toEqual({ kept: ['a/index.html', 'assets/style.css', 'b/index.html', 'index.html'], rewritten: ['c/index.html'] });
    // The retired output is gone, so each kept inode is linked from the new output only.
    expect(after.get('index.html')?.nlink).toBe(1);
    expect(await readdir(parent)).toEqual(['dist']);
  });

  it('should rewrite a file whose bytes changed at the same size', async () => {
    const { out } = await oldOutput(site);
    const before = await statTree(out);
    expect(await writeOutput(out, asFiles({ ...site, 'b/index.html': 'story B' }))).toEqual({ written: 1, kept: 3, removed: 0, replaced: true });
    const after = await statTree(out);
    expect(compareTrees(before, after).rewritten).toEqual(['b/index.html']);
    expect(after.get('b/index.html')?.contents).toBe('story B');
  });

  it('should remove files and folders the new output does not have, keeping the rest', async () => {
    const { out } = await oldOutput({ ...site, 'gone/index.html': 'removed story', 'notes.txt': 'stray' });
    await mkdir(join(out, 'empty'));
    const before = await statTree(out);
    expect(await writeOutput(out, asFiles(site))).toEqual({ written: 0, kept: 4, removed: 2, replaced: true });
    const after = await statTree(out);
    expect([...after.keys()].sort()).toEqual(['a', 'a/index.html', 'assets', 'assets/style.css', 'b', 'b/index.html', 'index.html']);
    expect(compareTrees(before, after).rewritten).toEqual([]);
  });

  it('should keep the times of a folder whose entries did not change', async () => {
    const { out } = await oldOutput(site);
    await writeOutput(out, asFiles({ ...site, 'b/index.html': 'story B', 'c/index.html': 'story c' }));
    const after = await statTree(out);
    expect(after.get('a')?.mtimeMs).toBe(PAST * 1000);
    expect(after.get('b')?.mtimeMs).toBe(PAST * 1000);
    expect((await lstat(out)).mtimeMs).not.toBe(PAST * 1000);
  });

  it('should never read, link or write through a symbolic link in the old output', async () => {
    const elsewhere = await scratch();
    await mkdir(join(elsewhere, 'a'));
    await writeFile(join(elsewhere, 'a', 'index.html'), 'story a');
    await writeFile(join(elsewhere, 'home.html'), 'home');
    await writeFile(join(elsewhere, 'style.css'), 'body{}');
    const outside = await statTree(elsewhere);
    const { out } = await oldOutput({ 'b/index.html': 'story b', 'assets/style.css': 'body{}' });
    // Links to files with exactly the bytes the site wants: following them would find nothing to change.
    await symlink(join(elsewhere, 'a'), join(out, 'a'));
    await symlink(join(elsewhere, 'home.html'), join(out, 'index.html'));
    await rm(join(out, 'assets', 'style.css'));
    await symlink(join(elsewhere, 'style.css'), join(out, 'assets', 'style.css'));
    const before = await statTree(out);

    // The link `a` itself is removed; the links at file paths are replaced by files.
    expect(await writeOutput(out, asFiles(site))).toEqual({ written: 3, kept: 1, removed: 1, replaced: true });
    const after = await statTree(out);
    for (const path of ['a', 'a/index.html', 'index.html', 'assets/style.css']) expect({ path, kind: after.get(path)?.kind }).not.toEqual({ path, kind: 'link' });
    expect(compareTrees(before, after)).toEqual({ kept: ['b/index.html'], rewritten: ['a/index.html', 'assets/style.css', 'index.html'] });
    // Nothing outside was written to or hard-linked.
    expect(await statTree(elsewhere)).toEqual(outside);
  });

  it('should leave the old output as it was when a write fails after unchanged files were linked, so the next write still keeps them', async () => {
    const { parent, out } = await oldOutput({ 'index.html': 'home', 'x/index.html': 'story x' });
    const before = await statTree(out);
    // `a` cannot be both a file and a folder: fails once the staging folder holds links to the old files.
    const clash = asFiles({ 'index.html': 'home', 'x/index.html': 'story x', a: 'file', 'a/index.html': 'page' });
    await expect(writeOutput(out, clash)).rejects.toThrow();
    expect(await statTree(out)).toEqual(before);
    expect(await readdir(parent)).toEqual(['dist']);
    expect(await writeOutput(out, asFiles({ 'index.html': 'home', 'x/index.html': 'story x' }))).toMatchObject({ replaced: false });
    expect(await statTree(out)).toEqual(before);
  });

  it('should copy unchanged files with their old mtime when hard links are not possible', async () => {
    const { out } = await oldOutput(site);
    const before = await statTree(out);
    links.error = 'EXDEV';
    expect(await writeOutput(out, asFiles({ ...site, 'b/index.html': 'story B' }))).toEqual({ written: 1, kept: 3, removed: 0, replaced: true });
    expect(links.calls).toBeGreaterThan(0);
    const after = await statTree(out);
    for (const path of ['index.html', 'a/index.html', 'assets/style.css']) {
      expect({ path, contents: after.get(path)?.contents, mtimeMs: after.get(path)?.mtimeMs }).toEqual({ path, contents: before.get(path)?.contents, mtimeMs: PAST * 1000 });
    }
    expect(after.get('b/index.html')?.mtimeMs).not.toBe(PAST * 1000);
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
    await backdate(out);
    return { site, out, before: await statTree(out) };
  }

  it('should keep every file, its inode and its mtime, and the output folder itself, when nothing changed', async () => {
    const out = join(await scratch(), 'dist');
    await cli('--root', REPO, '--out', out);
    await backdate(out);
    const before = await statTree(out);
    const folder = await lstat(out);
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

  it('should write only the one file missing from an otherwise identical output', async () => {
    const { site, out } = await builtSite();
    await rm(join(out, 'index.html'));
    const before = await statTree(out);
    await cli('--root', site);
    expect(compareTrees(before, await statTree(out)).rewritten).toEqual(['index.html']);
  });
});
