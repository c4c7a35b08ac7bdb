// The persistent story cache: a later run renders only the stories that changed,
// gives the same bytes as a cold build, and survives the cache being corrupted
// or deleted at any time.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { png, REPO, run, scratch, snapshotTree } from './helpers.js';

const story = (n: number, body = `Body of story ${n}, with a [link](https://example.org/${n}).`) =>
  `---\ntitle: Story number ${n}\ndate: 2025-03-01T${String(n).padStart(2, '0')}:00:00Z\nsection: World\n---\n\n${body}\n`;

async function site(count: number): Promise<string> {
  const root = await scratch();
  await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(root, 'templates'), { recursive: true });
  await writeFile(join(root, 'broadsheet.yaml'), 'title: T\nurl: https://t.example.org/\n');
  await mkdir(join(root, 'content'));
  for (let n = 1; n <= count; n++) await writeFile(join(root, 'content', `story-${n}.md`), story(n));
  return root;
}

/** A build in the manner of a new process: no in-memory cache, only the folder. */
async function buildWith(root: string, cacheDir: string | false, out = join(root, 'dist')) {
  const result = await build({ root, cwd: root, out, cacheDir });
  expect(result.files.flatMap((file) => file.messages.map(String))).toEqual([]);
  expect(result.ok).toBe(true);
  return { result, tree: await snapshotTree(out) };
}

async function entries(cacheDir: string): Promise<string[]> {
  const all = await readdir(cacheDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return all.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
}

describe('the story cache on disk', () => {
  it('should render no story again in a later run when nothing changed, with the same bytes as a cold build', async () => {
    const root = await site(8);
    const cacheDir = join(root, '.cache');
    const first = await buildWith(root, cacheDir);
    expect(first.result.storiesRendered).toBe(8);
    expect(await entries(cacheDir)).toHaveLength(8);
    const second = await buildWith(root, cacheDir);
    expect(second.result.storiesRendered).toBe(0);
    const cold = await buildWith(root, false, join(root, 'cold'));
    expect(cold.result.storiesRendered).toBe(8);
    expect(second.tree).toEqual(cold.tree);
  });

  it('should render only the story that changed, and drop the entry of its old version', async () => {
    const root = await site(6);
    const cacheDir = join(root, '.cache');
    await buildWith(root, cacheDir);
    const before = await entries(cacheDir);
    await writeFile(join(root, 'content', 'story-3.md'), story(3, 'A corrected body.'));
    const { result, tree } = await buildWith(root, cacheDir);
    expect(result.storiesRendered).toBe(1);
    expect(tree['story-3/index.html']).toContain('A corrected body.');
    const after = await entries(cacheDir);
    expect(after).toHaveLength(6);
    expect(after.filter((entry) => !before.includes(entry))).toHaveLength(1);
    const cold = await buildWith(root, false, join(root, 'cold'));
    expect(tree).toEqual(cold.tree);
  });

  it('should give a correct build when every entry is corrupt, and mend them', async () => {
    const root = await site(5);
    const cacheDir = join(root, '.cache');
    await buildWith(root, cacheDir);
    const files = await entries(cacheDir);
    await Promise.all(files.map((file, index) => writeFile(file, index % 2 === 0 ? 'not a cache entry' : Buffer.from([0xff, 0x0d, 0x01]))));
    const { result, tree } = await buildWith(root, cacheDir);
    expect(result.storiesRendered).toBe(5);
    expect(tree).toEqual((await buildWith(root, false, join(root, 'cold'))).tree);
    expect((await buildWith(root, cacheDir)).result.storiesRendered).toBe(0);
  });

  it('should give a correct build when the cache folder is deleted, or is a file', async () => {
    const root = await site(4);
    const cacheDir = join(root, '.cache');
    await buildWith(root, cacheDir);
    await rm(cacheDir, { recursive: true });
    expect((await buildWith(root, cacheDir)).result.storiesRendered).toBe(4);
    await rm(cacheDir, { recursive: true });
    await writeFile(cacheDir, 'in the way');
    const { result, tree } = await buildWith(root, cacheDir);
    expect(result.storiesRendered).toBe(4);
    expect(tree).toEqual((await buildWith(root, false, join(root, 'cold'))).tree);
  });

  it('should not keep a story that shows an image, so a changed image is always seen', async () => {
    const root = await site(3);
    await writeFile(join(root, 'content', 'dot.png'), png(1, 1));
    await writeFile(join(root, 'content', 'story-2.md'), story(2, '![A grey dot](dot.png)'));
    const cacheDir = join(root, '.cache');
    await buildWith(root, cacheDir);
    expect(await entries(cacheDir)).toHaveLength(2);
    expect((await buildWith(root, cacheDir)).result.storiesRendered).toBe(1);
  });

  it('should keep the cache in <root>/.broadsheet-cache from the CLI, move it with --cache and skip it with --no-cache', async () => {
    const root = await site(2);
    expect((await run(['build'], root)).code).toBe(0);
    expect(await entries(join(root, '.broadsheet-cache'))).toHaveLength(2);
    expect((await run(['build', '--cache', 'elsewhere'], root)).code).toBe(0);
    expect(await entries(join(root, 'elsewhere'))).toHaveLength(2);
    await rm(join(root, '.broadsheet-cache'), { recursive: true });
    expect((await run(['build', '--no-cache'], root)).code).toBe(0);
    expect(existsSync(join(root, '.broadsheet-cache'))).toBe(false);
  });
});

