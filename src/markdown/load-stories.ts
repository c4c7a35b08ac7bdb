// Stages 2–3 for every story (story-reader.ts does one): read, parse, render Markdown — or reuse the cached
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
import { sep } from 'node:path';
import type { VFile } from 'vfile';
import type { BodyPacks } from '../cache/body-packs.js';
import { sameSignature } from '../content/file-signature.js';
import { forEachLimit } from '../support/limit.js';
import { threadCount } from '../workers/threads.js';
import { markdownSettings, type MarkdownOptions } from './settings.js';
import type { LoadedStories, StoryMemo } from './story-memo.js';
import { createStoryReader, reuse, sameImages } from './story-reader.js';

// Enough reads in flight to hide disk latency and keep every worker fed, few enough to stay within file handles.
const CONCURRENCY = 64;
// Stories to render from which the worker pool pays for its start (measured: see above).
export const POOL_FROM = 256;

export interface LoadOptions {
  /** The build cache, or any record with its story memo: this stage keeps its own memo, `stories`, and reads no other. */
  cache: { stories: StoryMemo };
  /** The content folder: story images must be inside it. */
  contentDir: string;
  /** Paths known to have changed since the cache was filled; others are trusted unread. Absent: check every file. */
  changed?: ReadonlySet<string> | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Where rendered bodies go. */
  packs: BodyPacks;
  /** Called for each story rendered, rather than reused from the cache or the store. */
  onRender?: (() => void) | undefined;
  /** The files that ended the last build with messages (`StoryMemo.messaged`): with `changed`, only these need theirs cut back. */
  messaged?: readonly VFile[] | undefined;
  /** The settings the Markdown stage depends on (markdownOptions(config)). Default: its defaults. */
  markdown?: MarkdownOptions | undefined;
}

export async function loadStories(paths: readonly string[], options: LoadOptions): Promise<VFile[]> {
  const memo = options.cache.stories;
  const files: VFile[] = new Array(paths.length);
  const settings = markdownSettings(options.markdown);
  // Other Markdown settings than the cached stories were rendered with: none is trusted unread (by the watcher
  // or by its signature), and none matches its key.
  const same = memo.settings === undefined || memo.settings === settings;
  memo.settings = settings;
  const changed = same ? options.changed : undefined;
  const toRead = storiesToRead(memo, paths, files, { same, changed, messaged: options.messaged });
  // Cached stories the watcher reported are likely changed; unreported ones likely not.
  const toRender = toRead.filter((index) => changed !== undefined || !memo.byPath.has(paths[index] as string)).length;
  const workers = renderingThreads(toRender) - 1;
  const reader = createStoryReader(memo, { contentDir: options.contentDir, packs: options.packs, settings, same, markdown: options.markdown, workers, onRender: options.onRender });
  let done = paths.length - toRead.length;
  try {
    // A sliding window of reads and renders in flight, so the workers never wait for a whole batch to finish.
    await forEachLimit(toRead, CONCURRENCY, async (index) => {
      files[index] = await reader.read(paths[index] as string);
      if (++done % CONCURRENCY === 0 || done === paths.length) options.onProgress?.(done, paths.length);
    });
  } finally {
    await reader.close();
  }

  const last = memo.loaded;
  memo.loaded = { paths, files, index: last?.paths === paths ? last.index : undefined };
  if (memo.byPath.size > paths.length) {
    const present = new Set(paths);
    for (const path of memo.byPath.keys()) if (!present.has(path)) memo.byPath.delete(path);
    memo.unsaved = true;
  }
  return files;
}

/**
 * Fills `files` with the stories trusted unread and answers the indexes of the rest: cached files
 * the watcher said nothing about, or, without a watcher, whose signature is the one they were read
 * with. The signatures are checked here, one statSync each, rather than in the read lanes: at 10,000
 * unchanged stories the promise API costs about 200 ms of this thread for what takes it 40 ms in sync calls.
 */
function storiesToRead(memo: StoryMemo, paths: readonly string[], files: VFile[], options: { same: boolean; changed: ReadonlySet<string> | undefined; messaged: readonly VFile[] | undefined }): number[] {
  const { same, changed, messaged } = options;
  const last = memo.loaded;
  if (changed && last && last.paths === paths && messaged) {
    // The watcher reported only edits to known stories (else the story list would be new):
    // the last build's files stand but for those, and only files that ended it with messages
    // need theirs cut back. A look at each of 10,000 cached stories cost a dev rebuild ~5 ms.
    last.files.forEach((file, index) => (files[index] = file));
    const again = new Set<number>();
    for (const path of changed) {
      const index = indexOf(last, path);
      if (index !== undefined) again.add(index);
    }
    for (const file of messaged) {
      const cached = memo.byPath.get(file.path);
      if (cached?.file === file) reuse(cached);
      // Not a cached story: one that could not be read, which is tried again, as every build does.
      else if (!cached) {
        const index = indexOf(last, file.path);
        if (index !== undefined) again.add(index);
      }
    }
    return [...again].sort((a, b) => a - b);
  }
  const toRead: number[] = [];
  for (let index = 0; index < paths.length; index++) {
    const path = paths[index] as string;
    const cached = same ? memo.byPath.get(path) : undefined;
    const trusted = changed ? cached && !changed.has(path) && !showsChanged(cached.file, changed) : cached && sameSignature(path, cached.signature) && sameImages(cached.file);
    if (trusted && cached) files[index] = reuse(cached);
    else toRead.push(index);
  }
  return toRead;
}

/** Where `path` is in the last build's story list (a map made once per list). */
function indexOf(loaded: LoadedStories, path: string): number | undefined {
  loaded.index ??= new Map(loaded.paths.map((known, index) => [known, index]));
  return loaded.index.get(path);
}

/** How many threads render: 1 (this one only) unless a pool pays for itself. */
function renderingThreads(toRender: number): number {
  return toRender >= POOL_FROM ? threadCount() : 1;
}

/** Whether the watcher reported one of the story's images, or a folder holding one (renamed or deleted whole). */
function showsChanged(file: VFile, changed: ReadonlySet<string> | undefined): boolean {
  const images = file.data.imageSources;
  if (!changed || !images || images.length === 0) return false;
  return images.some((image) => changed.has(image.path) || [...changed].some((path) => image.path.startsWith(path + sep)));
}
