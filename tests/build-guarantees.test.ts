// Same input, same bytes; and a build that fails never leaves a half-written dist/.
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { hash } from '../src/support/hash.js';
import { openOutput } from '../src/write/output.js';
import { REPO, scratch, snapshotTree } from './helpers.js';

/** One build of `files` into `out`, all or nothing. */
async function writeOutput(out: string, files: Array<{ path: string; contents: string }>) {
  const write = await openOutput(out).begin({ basePath: '/' });
  try {
    for (const file of files) await write.put(file.path, hash(file.contents), file.contents);
  } catch (error) {
    await write.abort();
    throw error;
  }
  return write.commit();
}

describe('build guarantees', () => {
  it('should produce identical bytes from two builds of the same content', async () => {
    const first = join(await scratch(), 'dist');
    const second = join(await scratch(), 'dist');
    expect((await build({ root: REPO, out: first })).ok).toBe(true);
    expect((await build({ root: REPO, out: second })).ok).toBe(true);
    expect(await snapshotTree(second)).toEqual(await snapshotTree(first));
  });

  it('should not depend on the order the file system lists stories in', async () => {
    // Same-date stories in reverse creation order still come out in slug order.
    const site = await scratch(join(REPO, 'tests/fixtures/sites/ties-broken-by-slug'));
    await rm(join(site, 'content'), { recursive: true });
    await mkdir(join(site, 'content'));
    for (const slug of ['zulu', 'mike', 'alpha']) {
      await writeFile(join(site, 'content', `${slug}.md`), `---\ntitle: ${slug}\ndate: 2025-01-01T12:00:00Z\n---\n`);
    }
    const result = await build({ root: site, templates: join(REPO, 'tests/fixtures/sites/_templates') });
    expect(result.ok).toBe(true);
    const index = (await snapshotTree(join(site, 'dist')))['index.html'] ?? '';
    expect([...index.matchAll(/href="\/(\w+)\/"/g)].map((m) => m[1])).toEqual(['alpha', 'mike', 'zulu']);
  });

  it('should replace the previous output whole, leaving no stale pages and no staging folders', async () => {
    const parent = await scratch();
    const out = join(parent, 'dist');
    await mkdir(join(out, 'removed-story'), { recursive: true });
    await writeFile(join(out, 'removed-story', 'index.html'), 'old');
    const old = await lstat(out);
    await writeOutput(out, [{ path: 'index.html', contents: 'new' }]);
    expect((await lstat(out)).isDirectory()).toBe(true);
    expect(await snapshotTree(out)).toEqual({ 'index.html': 'new' });
    // Beside it, only the builds folder: this build's manifest, and the old output as the spare.
    expect(await readdir(parent)).toEqual(['.dist.builds', 'dist']);
    expect((await readdir(join(parent, '.dist.builds'))).sort()).toEqual(['a.json', 'spare']);
    expect((await lstat(join(parent, '.dist.builds', 'spare'))).ino).toBe(old.ino);
  });

  it('should leave the previous output untouched when writing fails part-way', async () => {
    const parent = await scratch();
    const out = join(parent, 'dist');
    await mkdir(out);
    await writeFile(join(out, 'index.html'), 'previous build');
    // `a` cannot be both a file and a folder: the second write fails after the first succeeded.
    const clash = [
      { path: 'index.html', contents: 'new' },
      { path: 'a', contents: 'file' },
      { path: 'a/index.html', contents: 'page' },
    ];
    await expect(writeOutput(out, clash)).rejects.toThrow();
    expect(await snapshotTree(out)).toEqual({ 'index.html': 'previous build' });
    expect(await readdir(parent)).toEqual(['dist']);
  });

  it('should create the output folder when there was none', async () => {
    const out = join(await scratch(), 'nested', 'public');
    await writeOutput(out, [{ path: 'index.html', contents: 'x' }]);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });
});
