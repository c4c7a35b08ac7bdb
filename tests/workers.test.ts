// Rendering on worker threads: the pool must change how fast a build is and
// nothing else. The same corpus, broken stories and images included, is loaded
// and built on one thread and on the pool, and the files, messages and output
// bytes compared; a worker that dies takes only its story with it, as an error
// at the top of that story; small rebuilds never start the pool; and a build
// with the pool lets the process exit.
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VFile } from 'vfile';
import { build } from '../src/build.js';
import { openBodyPacks } from '../src/cache/body-packs.js';
import { createBuildCache } from '../src/build-cache.js';
import { discoverStories } from '../src/content/discover.js';
import { loadStories, POOL_FROM } from '../src/markdown/load-stories.js';
import type { MarkdownOptions } from '../src/markdown/processor.js';
import { formatMessages } from '../src/report/messages.js';
import { REPO, scratch, snapshotTree } from './helpers.js';

// Every pool the loader starts is counted, closed ones too, and the stories this thread rendered
// beside the workers; `workersOnly` leaves every story to the workers (which, started from
// TypeScript here, may otherwise be ready only once this thread has rendered them all), and
// `limits` starves them of memory.
const pools = vi.hoisted(() => ({ started: 0, closed: 0, here: 0, workersOnly: false, limits: undefined as import('node:worker_threads').ResourceLimits | undefined }));
vi.mock('../src/markdown/worker-pool.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/markdown/worker-pool.js')>();
  return {
    ...real,
    createRenderPool: (options: Parameters<typeof real.createRenderPool>[0]) => {
      pools.started++;
      const here = options.onThisThread;
      const onThisThread: typeof here = here && ((...args) => (pools.here++, here(...args)));
      const pool = real.createRenderPool({ ...options, onThisThread: pools.workersOnly ? undefined : onThisThread, resourceLimits: pools.limits });
      return { ...pool, close: () => pool.close().then(() => void pools.closed++) };
    },
  };
});

afterEach(() => {
  Object.assign(pools, { started: 0, closed: 0, here: 0, workersOnly: false, limits: undefined });
  delete process.env.BROADSHEET_THREADS;
});

/** A valid 2×1 RGB PNG, made here (zlib-deflated rows with CRCs) so there is no binary fixture. */
async function png(shade: number): Promise<Buffer> {
  const { crc32, deflateSync } = await import('node:zlib');
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([size, body, crc]);
  };
  const header = Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const rows = Buffer.from([0, shade, shade, shade, shade, shade, shade]);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const story = (title: string, body: string, more = '') => `---\ntitle: ${title}\ndate: 2025-03-04T10:00:00Z\n${more}---\n\n${body}\n`;

/** Stories whose problems or images exercise every kind of data and message a story file carries. */
async function oddStories(): Promise<Record<string, string | Uint8Array>> {
  const big = Buffer.alloc(20_000, 7); // Larger than Node's pooled buffers: handed over, not copied.
  return {
    'photos/harbour.md': story('Harbour', '![Cranes at dawn](crane.png) and ![](crane.png "again")\n\n[home](/)', 'image: crane.png\n'),
    'photos/crane.png': await png(40),
    'photos/wide.md': story('Wide', '![A wide one](wide.png)', 'image: wide.png\nimage_alt: ""\n'),
    'photos/wide.png': Buffer.concat([await png(90), big]),
    'photos/missing.md': story('Missing', 'Text.\n\n![The dock](dokc.png)\n'),
    'photos/dock.png': await png(200),
    'crlf.md': story('Windows', 'Line one -- "quoted"\r\n\r\nLine two.').replace(/\n/g, '\r\n'),
    'bom.md': `\uFEFF${story('Byte order mark', 'Body.')}`,
    'brief.md': story('Just a headline', ''),
    'typo.md': story('Typo', 'Body.', 'autor: Ana\n'),
  };
}

const brokenStories: Record<string, string | Uint8Array> = {
  'broken/latin1.md': Buffer.from('---\ntitle: Caf\xe9\ndate: 2025-01-01\n---\n', 'latin1'),
  'broken/binary.md': Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x00, 0x01]),
  'broken/no-date.md': '---\ntitle: No date\n---\n\nBody.\n',
  'broken/colon.md': '---\ntitle: Trump: the sequel\ndate: 2025-01-01\n---\n',
  'broken/impossible.md': '---\ntitle: Leap\ndate: 2025-02-30\n---\n',
  'broken/no-frontmatter.md': 'Just text.\n',
  'broken/unclosed.md': '---\ntitle: Open\ndate: 2025-01-01\n',
};

/** A site of `count` generated stories (the shared corpus generator) plus `extra` files under content/. */
async function makeSite(count: number, extra: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await scratch();
  await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'broadsheet.yaml'), 'title: Workers\nurl: https://workers.example.org/\nupdated_from_git: false\n');
  execFileSync(process.execPath, [join(REPO, 'tests/corpus/generate.mjs'), '--count', String(count), '--words', '60', '--out', join(dir, 'content')], { stdio: 'ignore' });
  for (const [path, contents] of Object.entries(extra)) {
    await mkdir(join(dir, 'content', path, '..'), { recursive: true });
    await writeFile(join(dir, 'content', path), contents);
  }
  return dir;
}

/** Everything a message carries that anyone reads. */
const messagesOf = (file: VFile) =>
  file.messages.map(({ reason, line, column, place, ruleId, source, fatal, name, file: path }) => ({ reason, line, column, place, ruleId, source, fatal, name, path }));

/** `work` with BROADSHEET_THREADS set to `threads`, as a user would set it. */
async function onThreads<T>(threads: number, work: () => Promise<T>): Promise<T> {
  const before = process.env.BROADSHEET_THREADS;
  process.env.BROADSHEET_THREADS = String(threads);
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.BROADSHEET_THREADS;
    else process.env.BROADSHEET_THREADS = before;
  }
}

async function load(dir: string, threads: number) {
  const paths = await discoverStories(join(dir, 'content'));
  const packs = openBodyPacks(await mkdtemp(join(tmpdir(), 'broadsheet-test-bodies-')));
  const files = await onThreads(threads, () => loadStories(paths, { cache: createBuildCache(), contentDir: join(dir, 'content'), packs }));
  // Each thread appends to a pack of its own: what must match is the body itself, not where it was put.
  for (const file of files) if (file.data.body) Object.assign(file.data, { body: { html: packs.get(file.data.body), length: file.data.body.length } });
  // An image's signature depends on how long ago it was written (file-signature.ts), not on the thread.
  for (const file of files) for (const source of file.data.imageSources ?? []) delete source.signature;
  packs.close();
  return files;
}

describe('rendering on worker threads', () => {
  it('should load every story into the same data and messages on one thread as on the pool', async () => {
    const dir = await makeSite(POOL_FROM, { ...(await oddStories()), ...brokenStories });
    const one = await load(dir, 1);
    expect(pools.started).toBe(0);
    pools.workersOnly = true;
    const pooled = await load(dir, 3);
    expect(pools).toMatchObject({ started: 1, closed: 1, here: 0 });
    // And shared between a worker and this thread, however they split it.
    pools.workersOnly = false;
    const shared = await load(dir, 2);
    expect(pools).toMatchObject({ started: 2, closed: 2 });
    expect(shared.map((file) => [messagesOf(file), file.value, file.data])).toEqual(one.map((file) => [messagesOf(file), file.value, file.data]));

    expect(pooled.map((file) => file.path)).toEqual(one.map((file) => file.path));
    expect(pooled.map(messagesOf)).toEqual(one.map(messagesOf));
    expect(pooled.map((file) => file.value)).toEqual(one.map((file) => file.value));
    expect(pooled.map((file) => file.data)).toEqual(one.map((file) => file.data));
    // Same keys in the same order, and each image's source and hash, as this thread found them.
    expect(pooled.map((file) => Object.keys(file.data))).toEqual(one.map((file) => Object.keys(file.data)));
    const harbour = pooled.find((file) => file.path?.endsWith('harbour.md'));
    expect(harbour?.data.media?.[0]).toMatchObject({ source: expect.stringMatching(/\.png$/), hash: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(harbour?.data.story?.date).toEqual({ iso: '2025-03-04T10:00:00Z', time: Date.parse('2025-03-04T10:00:00Z') });
    expect(pooled.filter((file) => file.messages.some((message) => message.fatal)).length).toBe(Object.keys(brokenStories).length + 1);
  });

  it("should render with the site's Markdown settings on the pool, as on one thread", async () => {
    const embed = '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video: the bridge"></iframe>';
    const dir = await makeSite(POOL_FROM, {
      'embeds/allowed.md': story('Allowed', `${embed}\n\n<b onclick="track()">Bold</b>`),
      'embeds/other-host.md': story('Other host', '<iframe src="https://tracker.example/x" title="Poll"></iframe>'),
    });
    const paths = await discoverStories(join(dir, 'content'));
    const markdown: MarkdownOptions = { rawHtml: 'sanitized', embeds: ['www.youtube-nocookie.com'] };
    const loadWith = async (threads: number, options = markdown) => {
      const packs = openBodyPacks(await mkdtemp(join(tmpdir(), 'broadsheet-test-bodies-')));
      const files = await onThreads(threads, () => loadStories(paths, { cache: createBuildCache(), contentDir: join(dir, 'content'), markdown: options, packs }));
      // The bodies as rendered, wherever each thread put them.
      for (const file of files) if (file.data.body) file.data.html = packs.get(file.data.body);
      return files;
    };
    const one = await loadWith(1);
    pools.workersOnly = true;
    const pooled = await loadWith(2);
    expect(pools).toMatchObject({ started: 1, closed: 1, here: 0 });
    expect(pooled.map((file) => [messagesOf(file), file.data.html])).toEqual(one.map((file) => [messagesOf(file), file.data.html]));
    const html = (files: VFile[], name: string) => files.find((file) => file.path?.endsWith(name))?.data.html;
    expect(html(pooled, 'allowed.md')).toContain('<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video: the bridge" loading="lazy"');
    expect(html(pooled, 'allowed.md')).toContain('<b>Bold</b>');
    expect(pooled.find((file) => file.path?.endsWith('other-host.md'))?.messages.map((message) => message.ruleId)).toEqual(['markdown/embed-host']);
    // And the other setting reaches the workers too.
    const trusted = await loadWith(2, { ...markdown, rawHtml: 'trusted' });
    expect(html(trusted, 'allowed.md')).toContain('<b onclick="track()">Bold</b>');
  });

  it('should report the same errors, in the same order, from a build on one thread and one on the pool', async () => {
    const dir = await makeSite(POOL_FROM, { ...(await oddStories()), ...brokenStories });
    process.env.BROADSHEET_THREADS = '1';
    const one = await build({ root: dir, cwd: dir, write: false });
    process.env.BROADSHEET_THREADS = '2';
    pools.workersOnly = true;
    const pooled = await build({ root: dir, cwd: dir, write: false });
    expect(pools).toMatchObject({ started: 1, closed: 1 });
    expect(one.ok).toBe(false);
    const printed = formatMessages(one.files, dir);
    expect(printed.filter((line) => line.includes('  error  ')).length).toBeGreaterThanOrEqual(Object.keys(brokenStories).length);
    expect(formatMessages(pooled.files, dir)).toEqual(printed);
  });

  it('should write the same bytes from a build on one thread and one on the pool', async () => {
    const dir = await makeSite(POOL_FROM, await oddStories());
    await writeFile(join(dir, 'content/photos/missing.md'), story('Found', '![The dock](dock.png)'));
    process.env.BROADSHEET_THREADS = '1';
    const one = await build({ root: dir, cwd: dir, out: join(dir, 'one') });
    process.env.BROADSHEET_THREADS = '2';
    pools.workersOnly = true;
    const pooled = await build({ root: dir, cwd: dir, out: join(dir, 'pooled') });
    expect(pools).toMatchObject({ started: 1, closed: 1 });
    expect([one.ok, pooled.ok]).toEqual([true, true]);
    const tree = await snapshotTree(join(dir, 'one'));
    expect(Object.keys(tree).filter((path) => path.startsWith('media/')).length).toBe(3);
    expect(await snapshotTree(join(dir, 'pooled'))).toEqual(tree);
  });

  it('should turn a worker that dies on a story into an error at the top of that story, and go on', async () => {
    // A heap too small for one enormous story: the worker rendering it runs out of memory and dies.
    const huge = story('Huge', '- *a* [b](/c/) **d**\n'.repeat(40_000));
    const dir = await makeSite(POOL_FROM + 20, { 'huge.md': huge, 'broken/no-date.md': brokenStories['broken/no-date.md'] as string });
    Object.assign(pools, { workersOnly: true, limits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 } });
    process.env.BROADSHEET_THREADS = '2';
    const result = await build({ root: dir, cwd: dir, write: false });
    expect(pools).toMatchObject({ started: 1, closed: 1 });
    const printed = formatMessages(result.files, dir);
    expect(printed).toEqual([
      'content/broken/no-date.md:1:1  error  Missing required field `date`; add a line such as date: 2025-05-02T09:30:00Z  (frontmatter/date)',
      expect.stringMatching(/^content\/huge\.md:1:1 {2}error {2}Broadsheet failed on this story \(Worker terminated due to reaching memory limit: JS heap out of memory\); the other stories were still checked\. .* {2}\(content\/crash\)$/),
    ]);
    // Every other story was rendered, some by the worker started after the crash.
    const files = await load(dir, 2);
    expect(pools).toMatchObject({ started: 2, closed: 2 });
    const crashed = files.filter((file) => file.messages.some((message) => message.ruleId === 'content/crash'));
    expect(crashed.map((file) => file.path)).toEqual([join(dir, 'content/huge.md')]);
    expect(files.filter((file) => file.data.body !== undefined).length).toBe(files.length - 2);
  });

  it('should not start the pool for a small build or for a rebuild of a few stories', async () => {
    const small = await makeSite(POOL_FROM - 1);
    expect((await build({ root: small, cwd: small, write: false })).ok).toBe(true);
    expect(pools.started).toBe(0);

    const dir = await makeSite(POOL_FROM + 10);
    const cache = createBuildCache();
    process.env.BROADSHEET_THREADS = '2';
    expect((await build({ root: dir, cwd: dir, cache, write: false })).ok).toBe(true);
    expect(pools).toMatchObject({ started: 1, closed: 1 });
    const edited = (await discoverStories(join(dir, 'content'))).slice(0, 3);
    for (const path of edited) await writeFile(path, `${await readFile(path, 'utf8')}\nOne more line.\n`);
    const rebuilt = await build({ root: dir, cwd: dir, cache, changed: new Set(edited), write: false });
    expect(rebuilt.ok).toBe(true);
    // Nor does a full check of a warm cache, where the files turn out unchanged.
    expect((await build({ root: dir, cwd: dir, cache, write: false })).ok).toBe(true);
    expect(pools.started).toBe(1);
  });

  it('should exit by itself after a build on the pool, and after one that fails (bin/broadsheet.js, from lib/)', async () => {
    const dir = await makeSite(POOL_FROM + 40);
    // Nothing ends the process but an empty event loop: a worker left running would hold it
    // open for good, so the test's timeout is the only bound needed.
    const cli = async () => {
      const child = spawn(process.execPath, [join(REPO, 'bin/broadsheet.js'), 'build', '--root', dir, '--out', join(dir, 'out')], { env: { ...process.env, BROADSHEET_THREADS: '2' } });
      let output = '';
      const collect = (chunk: Buffer) => void (output += chunk.toString());
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((exited) => child.on('exit', (...end) => exited(end)));
      return { code, signal, output };
    };
    const built = await cli();
    expect(built.output).toMatch(/^Built \d+ stories/);
    expect(built).toMatchObject({ code: 0, signal: null });
    await writeFile(join(dir, 'content/broken.md'), brokenStories['broken/no-date.md'] as string);
    const failed = await cli();
    expect(failed.output).toContain('content/broken.md:1:1  error  Missing required field `date`');
    expect(failed).toMatchObject({ code: 1, signal: null });
  });
});
