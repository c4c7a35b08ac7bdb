// Stages 2–3 for every story: read, parse, render Markdown — or reuse the cached
// result when the file is unchanged. A full build and a watch rebuild both come
// through here; they differ only in how many files are actually read.
import { readFile } from 'node:fs/promises';
import { VFile } from 'vfile';
import { hash, type BuildCache, type CachedStory } from '../cache/build-cache.js';
import { createMarkdownProcessor, renderMarkdown, type MarkdownProcessor } from '../markdown/processor.js';
import { fail } from '../report/messages.js';
import { storyFromBytes } from './read-story.js';

// Enough reads in flight to hide disk latency, few enough to stay within file handles.
const CONCURRENCY = 64;

export interface LoadOptions {
  cache: BuildCache;
  /** Paths known to have changed since the cache was filled; others are trusted unread. Absent: check every file. */
  changed?: ReadonlySet<string> | undefined;
  onProgress?: (done: number, total: number) => void;
}

export async function loadStories(paths: readonly string[], options: LoadOptions): Promise<VFile[]> {
  const { cache, changed } = options;
  let processor: MarkdownProcessor | undefined;
  const files: VFile[] = new Array(paths.length);
  let done = 0;

  const load = async (path: string): Promise<VFile> => {
    const cached = cache.stories.get(path);
    if (cached && changed && !changed.has(path)) return fromCache(path, cached);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const file = new VFile({ path });
      fail(file, `Cannot read the story (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check that it is a readable file`, undefined, 'content/read');
      return file;
    }
    const key = hash(bytes);
    if (cached?.hash === key) return fromCache(path, cached);
    const file = storyFromBytes(path, bytes);
    renderMarkdown((processor ??= createMarkdownProcessor()), file);
    file.data.hash = key;
    cache.stories.set(path, { hash: key, text: String(file.value ?? ''), data: { ...file.data }, messages: [...file.messages] });
    return file;
  };

  for (let start = 0; start < paths.length; start += CONCURRENCY) {
    const batch = paths.slice(start, start + CONCURRENCY);
    const loaded = await Promise.all(batch.map(load));
    loaded.forEach((file, index) => (files[start + index] = file));
    done += batch.length;
    options.onProgress?.(done, paths.length);
  }

  const present = new Set(paths);
  for (const path of cache.stories.keys()) if (!present.has(path)) cache.stories.delete(path);
  return files;
}

/** A fresh VFile per build, so that site-level messages of one build never stick to the next. */
function fromCache(path: string, cached: CachedStory): VFile {
  const file = new VFile({ path, value: cached.text });
  file.data = { ...cached.data };
  file.messages.push(...cached.messages);
  return file;
}
