// The persistent story cache: a later run reads and renders only the stories that
// changed, gives the same bytes as a cold build, keeps bodies out of the index, and
// survives the cache being corrupted or deleted at any time.
import { existsSync, statSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { build } from '../src/build.js';
import { png, REPO, run, scratch, snapshotTree } from './helpers.js';

// Every story file read, to see which a build did not need to read.
const reads = vi.hoisted(() => ({ paths: [] as string[] }));
// Stories are opened to be read (content/read-story-file.ts), never otherwise.
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const openSync = ((path: Parameters<typeof fs.openSync>[0], ...rest: unknown[]) => {
    if (typeof path === 'string' && path.endsWith('.md')) reads.paths.push(path);
    return (fs.openSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.openSync;
  return { ...fs, openSync, default: { ...fs, openSync } };
});
afterEach(() => void (reads.paths = []));

const story = (n: number, body = `Body of story ${n}, with a [link](https://example.org/${n}).`) =>
  `---\ntitle: Story number ${n}\ndate: 2025-03-01T${String(n).padStart(2, '0')}:00:00Z\nsection: World\n---\n\n${body}\n`;

// Well in the past, so no story counts as just written (file-signature.ts does not trust those).
const PAST = 1_000_000_000;

async function site(count: number): Promise<string> {
  const root = await scratch();
  await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(root, 'templates'), { recursive: true });
  await writeFile(join(root, 'broadsheet.yaml'), 'title: T\nurl: https://t.example.org/\n');
  await mkdir(join(root, 'content'));
  for (let n = 1; n <= count; n++) await writeStory(root, n, story(n));
  return root;
}

/** A story written some time ago: its ctime is now, so wait out the two seconds a signature needs. */
async function writeStory(root: string, n: number, text: string): Promise<void> {
  await writeFile(join(root, 'content', `story-${n}.md`), text);
  await utimes(join(root, 'content', `story-${n}.md`), PAST, PAST);
}

/** A build in the manner of a new process: no in-memory cache, only the folder. */
async function buildWith(root: string, cacheDir: string | false, out = join(root, 'dist')) {
  reads.paths = [];
  const result = await build({ root, cwd: root, out, cacheDir });
  expect(result.files.flatMap((file) => file.messages.map(String))).toEqual([]);
  expect(result.ok).toBe(true);
  return { result, tree: await snapshotTree(out), read: reads.paths.length };
}

async function entries(cacheDir: string): Promise<string[]> {
  const all = await readdir(cacheDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return all.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(cacheDir.length + 1)).sort();
}

// Until a story's ctime is two seconds old by Date.now(), file-signature.ts gives it no
// signature. The clock stands still in these tests (Date only; timers run as ever), and
// is moved on instead of waiting.
beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'] }));
afterEach(() => void vi.useRealTimers());
/** Makes every file written so far two seconds old. */
const settle = () => void vi.setSystemTime(vi.getRealSystemTime() + 2100);

describe('the story cache on disk', () => {
  it('should neither read nor render any story again in a later run when nothing changed, with the same bytes as a cold build', async () => {
    const root = await site(8);
    const cacheDir = join(root, '.cache');
    settle();
    const first = await buildWith(root, cacheDir);
    expect(first.result.storiesRendered).toBe(8);
    expect(await entries(cacheDir)).toEqual(['bodies/' + (await readdir(join(cacheDir, 'bodies')))[0], 'index.v8']);
    const second = await buildWith(root, cacheDir);
    expect({ rendered: second.result.storiesRendered, read: second.read }).toEqual({ rendered: 0, read: 0 });
    const cold = await buildWith(root, false, join(root, 'cold'));
    expect(cold.result.storiesRendered).toBe(8);
    expect(second.tree).toEqual(cold.tree);
  });

  it('should read and render only the story that changed', async () => {
    const root = await site(6);
    const cacheDir = join(root, '.cache');
    settle();
    await buildWith(root, cacheDir);
    await writeStory(root, 3, story(3, 'A corrected body.'));
    const { result, tree, read } = await buildWith(root, cacheDir);
    expect({ rendered: result.storiesRendered, read }).toEqual({ rendered: 1, read: 1 });
    expect(tree['story-3/index.html']).toContain('A corrected body.');
    const cold = await buildWith(root, false, join(root, 'cold'));
    expect(tree).toEqual(cold.tree);
  });

  it('should read again, and not trust, a story written in the two seconds before the build', async () => {
    const root = await site(3);
    const cacheDir = join(root, '.cache');
    await writeFile(join(root, 'content', 'story-2.md'), story(2, 'Just written.'));
    const written = Math.ceil(statSync(join(root, 'content', 'story-2.md')).ctimeMs);
    // Written again until its ctime is later than story 2's (file times tick every few ms), then the
    // clock is set so story 2 is two seconds old and story 3 a moment younger.
    do await writeFile(join(root, 'content', 'story-3.md'), story(3, 'Written this instant.'));
    while (statSync(join(root, 'content', 'story-3.md')).ctimeMs <= written);
    vi.setSystemTime(written + 2000);
    await buildWith(root, cacheDir);
    const { result, read } = await buildWith(root, cacheDir);
    expect({ rendered: result.storiesRendered, read }).toEqual({ rendered: 0, read: 1 });
  });

  it('should keep bodies in packs, out of the index', async () => {
    const root = await site(4);
    const cacheDir = join(root, '.cache');
    await buildWith(root, cacheDir);
    const index = await readFile(join(cacheDir, 'index.v8'));
    const packs = await Promise.all((await readdir(join(cacheDir, 'bodies'))).map((name) => readFile(join(cacheDir, 'bodies', name))));
    expect(index.includes('Body of story 3')).toBe(false);
    expect(index.includes('Story number 3')).toBe(true);
    expect(packs.some((pack) => pack.includes('Body of story 3'))).toBe(true);
  });

  it('should give a correct build when the index is corrupt, and mend it', async () => {
    const root = await site(5);
    const cacheDir = join(root, '.cache');
    settle();
    await buildWith(root, cacheDir);
    const index = await readFile(join(cacheDir, 'index.v8'));
    index[index.length - 10] = (index[index.length - 10] ?? 0) ^ 0xff;
    await writeFile(join(cacheDir, 'index.v8'), index);
    const { result, tree } = await buildWith(root, cacheDir);
    expect(result.storiesRendered).toBe(5);
    expect(tree).toEqual((await buildWith(root, false, join(root, 'cold'))).tree);
    expect((await buildWith(root, cacheDir)).result.storiesRendered).toBe(0);
    await writeFile(join(cacheDir, 'index.v8'), 'not an index');
    expect((await buildWith(root, cacheDir)).result.storiesRendered).toBe(5);
  });

  it('should render a story again when its body cannot be read back from its pack', async () => {
    const root = await site(4);
    const cacheDir = join(root, '.cache');
    settle();
    await buildWith(root, cacheDir);
    for (const name of await readdir(join(cacheDir, 'bodies'))) await writeFile(join(cacheDir, 'bodies', name), 'x'.repeat(50));
    // A new output, so every page is rendered and needs its body.
    const { tree } = await buildWith(root, cacheDir, join(root, 'fresh'));
    expect(tree).toEqual((await buildWith(root, false, join(root, 'cold'))).tree);
    expect(tree['story-2/index.html']).toContain('Body of story 2');
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

  it('should see a changed image beside a cached story, and only that story', async () => {
    const root = await site(3);
    await writeFile(join(root, 'content', 'dot.png'), png(1, 1));
    await writeStory(root, 2, story(2, '![A grey dot](dot.png)'));
    const cacheDir = join(root, '.cache');
    settle();
    const first = await buildWith(root, cacheDir);
    expect((await buildWith(root, cacheDir)).result.storiesRendered).toBe(0);
    await writeFile(join(root, 'content', 'dot.png'), png(2, 1));
    const { result, tree } = await buildWith(root, cacheDir);
    expect(result.storiesRendered).toBe(1);
    expect(tree['story-2/index.html']).toContain('width="2" height="1"');
    expect(tree['story-2/index.html']).not.toEqual(first.tree['story-2/index.html']);
    expect(tree).toEqual((await buildWith(root, false, join(root, 'cold'))).tree);
  });

  it('should keep the cache in <root>/.broadsheet-cache from the CLI, move it with --cache and skip it with --no-cache', async () => {
    const root = await site(2);
    expect((await run(['build'], root)).code).toBe(0);
    expect(await entries(join(root, '.broadsheet-cache'))).toContain('index.v8');
    expect((await run(['build', '--cache', 'elsewhere'], root)).code).toBe(0);
    expect(await entries(join(root, 'elsewhere'))).toContain('index.v8');
    await rm(join(root, '.broadsheet-cache'), { recursive: true });
    expect((await run(['build', '--no-cache'], root)).code).toBe(0);
    expect(existsSync(join(root, '.broadsheet-cache'))).toBe(false);
  });
});
