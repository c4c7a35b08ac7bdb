// Stages 2–3 for every story: read, parse, render Markdown — or reuse the cached
// result when the file, and every image it shows, is unchanged. A full build and
// a watch rebuild both come through here; they differ only in how many files are
// actually read: a watch rebuild trusts the watcher, a build checks each file's
// signature (file-signature.ts) against the one it had when last read, and reads
// and hashes only the files whose signature moved.
//
// This thread reads each file, hashes it and looks it up in the cache. The rest of
// a story's work (decode, frontmatter, Markdown, images, links: renderStory) runs
// here too, or, when many stories need it, is shared with worker threads, one a
// core beside this one, which also renders (worker-pool.ts): on two cores one
// worker and this thread beat two workers and an idle thread, having one worker
// fewer to start and warm up. Whichever thread renders a story, its file is the same.
//
// The pool lives for one call: it is closed in a `finally`, whatever happens, and
// an idle worker does not hold the process open anyway. It is started only when
// POOL_FROM stories or more need rendering, because a worker costs about a second
// of CPU before it is useful (0.6 s to load unified and its plugins, then its first
// stories run unoptimized) and slows this thread while it does on a busy machine:
// measured on two cores shared with other jobs, 128 stories load in 1.5 s alone and 2.1 s with the pool,
// 256 in 3.0 s either way, 1,000 in 9.8 s alone and 7.5 s with the pool. A save in
// `dev` renders one story and never starts a worker; a checkout of hundreds of files
// starts a pool for that rebuild only. A warm pool kept in the dev cache would save
// that second once per such burst, at the price of idle threads held all session
// and a shutdown hook in the dev server: not worth it.
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { VFile } from 'vfile';
import type { BodyPacks } from '../cache/body-packs.js';
import type { BuildCache, CachedStory } from '../cache/build-cache.js';
import { statOf } from '../support/files.js';
import { hash } from '../support/hash.js';
import { hashImage } from '../markdown/image-files.js';
import { markdownSettings, type MarkdownOptions } from '../markdown/settings.js';
import { loadMarkdownStage, markdownStage } from '../markdown/stage.js';
import type { RenderPool } from '../markdown/worker-pool.js';
import { fail } from '../report/messages.js';
import { threadCount } from '../workers/threads.js';
import { fileSignature, sameSignature } from './file-signature.js';
import { readStoryFile } from './read-story-file.js';

// Enough reads in flight to hide disk latency and keep every worker fed, few enough to stay within file handles.
const CONCURRENCY = 64;
// Stories to render from which the worker pool pays for its start (measured: see above).
export const POOL_FROM = 256;
// Stories not found in the store before the pool starts: the first few render here while it would start.
const POOL_AFTER = 16;

export interface LoadOptions {
  cache: BuildCache;
  /** The content folder: story images must be inside it. */
  contentDir: string;
  /** Paths known to have changed since the cache was filled; others are trusted unread. Absent: check every file. */
  changed?: ReadonlySet<string> | undefined;
  onProgress?: (done: number, total: number) => void;
  /**
   * Threads that parse and render, this one included: 1 renders every story here (the
   * reference path; the output is the same bytes either way), N starts N − 1 workers
   * when POOL_FROM stories or more need rendering. Default: the BROADSHEET_THREADS
   * environment variable, else one a core (os.availableParallelism()).
   */
  threads?: number | undefined;
  /** Where rendered bodies go. */
  packs: BodyPacks;
  /** Called for each story rendered, rather than reused from the cache or the store. */
  onRender?: () => void;
  /** The files that ended the last build with messages (`BuildCache.messaged`): with `changed`, only these need theirs cut back. */
  messaged?: readonly VFile[] | undefined;
  /** The settings the Markdown stage depends on (markdownOptions(config)). Default: its defaults. */
  markdown?: MarkdownOptions | undefined;
}

export async function loadStories(paths: readonly string[], options: LoadOptions): Promise<VFile[]> {
  const { cache } = options;
  const files: VFile[] = new Array(paths.length);
  const settings = markdownSettings(options.markdown);
  // Other Markdown settings than the cached stories were rendered with: none is trusted unread (by the watcher
  // or by its signature), and none matches its key.
  const same = cache.settings === undefined || cache.settings === settings;
  cache.settings = settings;
  const changed = same ? options.changed : undefined;
  // The processor is built (and its libraries loaded) when the first story needs rendering.
  const renderHere = (path: string, bytes: Uint8Array, contentDir: string) => {
    const stage = markdownStage();
    const processor = (cache.processor = stage.processorFor(cache.processor, options.markdown));
    const file = stage.renderStory(processor, path, bytes, contentDir, options.packs);
    // A string cut from a longer one (a date, a title, a link's address) is, in V8, a slice that keeps
    // the whole story's text alive. A story from a worker arrives copied, holding only what it shows;
    // one rendered here is copied the same way, or at 100,000 stories the texts held 1 GB.
    file.data = structuredClone(file.data);
    return file;
  };

  const read = async (path: string): Promise<VFile> => {
    const cached = cache.stories.get(path);
    // Before the read: a change after it shows as a new signature next time.
    const stats = statOf(path);
    if (cached && same && sameSignature(path, cached.signature, stats) && sameImages(cached.file)) return reuse(cached);
    const bytes = readStoryFile(path, options.contentDir);
    if (!(bytes instanceof Uint8Array)) {
      const file = new VFile({ path });
      fail(file, bytes.reason, undefined, bytes.ruleId);
      return file;
    }
    cache.unsaved = true;
    const key = hash(settings, bytes);
    const signature = fileSignature(path, stats);
    if (cached?.hash === key && sameImages(cached.file)) {
      cached.signature = signature;
      return reuse(cached);
    }
    options.onRender?.();
    const { createRenderPool } = await loadMarkdownStage();
    // With a warm cache most stories are found there: a pool starts only once enough are not.
    if (++misses === POOL_AFTER && workers > 0) pool = createRenderPool({ size: workers, bodies: options.packs.dir, markdown: options.markdown, onThisThread: renderHere });
    const file = (await pool?.render(path, bytes, options.contentDir)) ?? renderHere(path, bytes, options.contentDir);
    // Page keys build on this: a new photo under the same story must render the page again.
    const images = file.data.imageSources ?? [];
    file.data.hash = images.length === 0 ? key : hash(key, ...images.map((image) => image.hash ?? 'missing'));
    cache.stories.set(path, { hash: key, signature, file, ownMessages: file.messages.length });
    return file;
  };

  // Trusted unread: cached files the watcher said nothing about, or, without a watcher, whose
  // signature is the one they were read with. The rest are read, 64 at a time. The signatures are
  // checked here, one statSync each, rather than in the read lanes: at 10,000 unchanged stories the
  // promise API costs about 200 ms of this thread for what takes it 40 ms in sync calls.
  const last = cache.loaded;
  const toRead: number[] = [];
  if (changed && last && last.paths === paths && options.messaged) {
    // The watcher reported only edits to known stories (else the story list would be new):
    // the last build's files stand but for those, and only files that ended it with messages
    // need theirs cut back. A look at each of 10,000 cached stories cost a dev rebuild ~5 ms.
    last.files.forEach((file, index) => (files[index] = file));
    const again = new Set<number>();
    for (const path of changed) {
      const index = indexOf(last, path);
      if (index !== undefined) again.add(index);
    }
    for (const file of options.messaged) {
      const cached = cache.stories.get(file.path);
      if (cached?.file === file) reuse(cached);
      // Not a cached story: one that could not be read, which is tried again, as every build does.
      else if (!cached) {
        const index = indexOf(last, file.path);
        if (index !== undefined) again.add(index);
      }
    }
    toRead.push(...[...again].sort((a, b) => a - b));
  } else {
    for (let index = 0; index < paths.length; index++) {
      const path = paths[index] as string;
      const cached = same ? cache.stories.get(path) : undefined;
      const trusted = changed ? cached && !changed.has(path) && !showsChanged(cached.file, changed) : cached && sameSignature(path, cached.signature) && sameImages(cached.file);
      if (trusted && cached) files[index] = reuse(cached);
      else toRead.push(index);
    }
  }
  // Cached stories the watcher reported are likely changed; unreported ones likely not.
  const toRender = toRead.filter((index) => changed !== undefined || !cache.stories.has(paths[index] as string)).length;
  const workers = renderingThreads(options.threads, toRender) - 1;
  let pool: RenderPool | undefined;
  let misses = 0;
  let done = paths.length - toRead.length;
  try {
    // A sliding window of reads and renders in flight, so the workers never wait for a whole batch to finish.
    let next = 0;
    const lane = async () => {
      while (next < toRead.length) {
        const index = toRead[next++] as number;
        files[index] = await read(paths[index] as string);
        if (++done % CONCURRENCY === 0 || done === paths.length) options.onProgress?.(done, paths.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, toRead.length) }, lane));
  } finally {
    await pool?.close();
  }

  cache.loaded = { paths, files, index: last?.paths === paths ? last.index : undefined };
  if (cache.stories.size > paths.length) {
    const present = new Set(paths);
    for (const path of cache.stories.keys()) if (!present.has(path)) cache.stories.delete(path);
    cache.unsaved = true;
  }
  return files;
}

/** Where `path` is in the last build's story list (a map made once per list). */
function indexOf(loaded: NonNullable<BuildCache['loaded']>, path: string): number | undefined {
  loaded.index ??= new Map(loaded.paths.map((known, index) => [known, index]));
  return loaded.index.get(path);
}

/** How many threads render: 1 (this one only) unless a pool pays for itself. */
function renderingThreads(threads: number | undefined, toRender: number): number {
  return toRender >= POOL_FROM ? threadCount(threads) : 1;
}

/** The same file as last build, without the messages later stages added to it then. */
function reuse(cached: CachedStory): VFile {
  if (cached.file.messages.length !== cached.ownMessages) cached.file.messages.length = cached.ownMessages;
  return cached.file;
}

/** Whether the watcher reported one of the story's images, or a folder holding one (renamed or deleted whole). */
function showsChanged(file: VFile, changed: ReadonlySet<string> | undefined): boolean {
  const images = file.data.imageSources;
  if (!changed || !images || images.length === 0) return false;
  return images.some((image) => changed.has(image.path) || [...changed].some((path) => image.path.startsWith(path + sep)));
}

/**
 * Whether every image the story looked for has the bytes it had (or is still missing).
 * By content, as for the story itself: a matching signature says so without a read;
 * otherwise the file is hashed (a checkout changes mtimes without changing bytes).
 */
function sameImages(file: VFile): boolean {
  for (const image of file.data.imageSources ?? []) {
    if (image.hash !== undefined && sameSignature(image.path, image.signature)) continue;
    let now: string | undefined;
    try {
      now = hashImage(readFileSync(image.path));
    } catch {
      now = undefined;
    }
    if (now !== image.hash) return false;
  }
  return true;
}
