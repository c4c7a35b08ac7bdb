// Stages 2–3 for every story: read, parse, render Markdown — or reuse the cached
// result when the file, and every image it shows, is unchanged. A full build and
// a watch rebuild both come through here; they differ only in how many files are
// actually read.
import { readFile } from 'node:fs/promises';
import { sep } from 'node:path';
import { VFile } from 'vfile';
import { hash, type BuildCache, type CachedStory } from '../cache/build-cache.js';
import { createMarkdownProcessor, renderMarkdown } from '../markdown/processor.js';
import { hashImage } from '../markdown/rehype-story-images.js';
import { fail } from '../report/messages.js';
import { storyFromBytes } from './read-story.js';

// Enough reads in flight to hide disk latency, few enough to stay within file handles.
const CONCURRENCY = 64;

export interface LoadOptions {
  cache: BuildCache;
  /** The content folder: story images must be inside it. */
  contentDir: string;
  /** Paths known to have changed since the cache was filled; others are trusted unread. Absent: check every file. */
  changed?: ReadonlySet<string> | undefined;
  onProgress?: (done: number, total: number) => void;
}

export async function loadStories(paths: readonly string[], options: LoadOptions): Promise<VFile[]> {
  const { cache, changed } = options;
  const files: VFile[] = new Array(paths.length);

  const read = async (path: string): Promise<VFile> => {
    const cached = cache.stories.get(path);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const file = new VFile({ path });
      fail(file, `Cannot read the story (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check that it is a readable file`, undefined, 'content/read');
      return file;
    }
    const key = hash(bytes);
    if (cached?.hash === key && (await sameImages(cached.file))) return reuse(cached);
    const file = storyFromBytes(path, bytes);
    file.data.contentDir = options.contentDir;
    renderMarkdown((cache.processor ??= createMarkdownProcessor()), file);
    // Page keys build on this: a new photo under the same story must render the page again.
    const images = file.data.imageSources ?? [];
    file.data.hash = images.length === 0 ? key : hash(key, ...images.map((image) => image.hash ?? 'missing'));
    cache.stories.set(path, { hash: key, file, ownMessages: file.messages.length });
    return file;
  };

  // Trusted unread: cached files the watcher said nothing about. The rest are read, a batch at a time.
  const toRead: number[] = [];
  for (let index = 0; index < paths.length; index++) {
    const path = paths[index] as string;
    const cached = changed && !changed.has(path) ? cache.stories.get(path) : undefined;
    if (cached && !showsChanged(cached.file, changed)) files[index] = reuse(cached);
    else toRead.push(index);
  }
  let done = paths.length - toRead.length;
  for (let start = 0; start < toRead.length; start += CONCURRENCY) {
    const batch = toRead.slice(start, start + CONCURRENCY);
    await Promise.all(batch.map(async (index) => void (files[index] = await read(paths[index] as string))));
    done += batch.length;
    options.onProgress?.(done, paths.length);
  }

  if (cache.stories.size > paths.length) {
    const present = new Set(paths);
    for (const path of cache.stories.keys()) if (!present.has(path)) cache.stories.delete(path);
  }
  return files;
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
 * By content, as for the story itself: mtimes change on a checkout without the bytes
 * changing, and the image's hash is in its address anyway. This costs no more reading
 * than the cold build it stands in for.
 */
async function sameImages(file: VFile): Promise<boolean> {
  for (const image of file.data.imageSources ?? []) {
    let now: string | undefined;
    try {
      now = hashImage(await readFile(image.path));
    } catch {
      now = undefined;
    }
    if (now !== image.hash) return false;
  }
  return true;
}
