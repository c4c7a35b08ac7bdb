// One story through stages 2–3: look it up in the memo, else read it, hash it and
// render it — here, or on the worker pool once enough stories need rendering
// (load-stories.ts says when that pays). Whichever thread renders a story, its
// file is the same.
import { VFile } from 'vfile';
import type { BodyPacks } from '../cache/body-packs.js';
import type { CachedStory } from '../cache/story-index.js';
import { fileSignature, sameSignature } from '../content/file-signature.js';
import { readStoryFile } from '../content/read-story-file.js';
import { fail } from '../report/messages.js';
import { readRegularFile, statOf } from '../support/files.js';
import { hash } from '../support/hash.js';
import { hashImage } from './image-files.js';
import type { MarkdownOptions } from './settings.js';
import { loadMarkdownStage, markdownStage } from './stage.js';
import type { StoryMemo } from './story-memo.js';
import type { RenderPool } from './worker-pool.js';

// Stories not found in the store before the pool starts: the first few render here while it would start.
const POOL_AFTER = 16;

export interface ReaderOptions {
  contentDir: string;
  packs: BodyPacks;
  /** markdownSettings(markdown): part of every story's key. */
  settings: string;
  /** Whether the memo's stories were rendered with `settings`. */
  same: boolean;
  markdown: MarkdownOptions | undefined;
  /** Worker threads to start once POOL_AFTER stories needed rendering; 0: none. */
  workers: number;
  onRender?: (() => void) | undefined;
}

export interface StoryReader {
  read(path: string): Promise<VFile>;
  close(): Promise<void>;
}

export function createStoryReader(memo: StoryMemo, options: ReaderOptions): StoryReader {
  const { contentDir, packs, settings, same } = options;
  let pool: RenderPool | undefined;
  let misses = 0;
  // The processor is built (and its libraries loaded) when the first story needs rendering.
  const renderHere = (path: string, bytes: Uint8Array, dir: string) => {
    const stage = markdownStage();
    const processor = (memo.processor = stage.processorFor(memo.processor, options.markdown));
    const file = stage.renderStory(processor, path, bytes, dir, packs);
    // A string cut from a longer one (a date, a title, a link's address) is, in V8, a slice that keeps
    // the whole story's text alive. A story from a worker arrives copied, holding only what it shows;
    // one rendered here is copied the same way, or at 100,000 stories the texts held 1 GB.
    file.data = structuredClone(file.data);
    return file;
  };

  const read = async (path: string): Promise<VFile> => {
    const cached = memo.byPath.get(path);
    // Before the read: a change after it shows as a new signature next time.
    const stats = statOf(path);
    if (cached && same && sameSignature(path, cached.signature, stats) && sameImages(cached.file)) return reuse(cached);
    const bytes = readStoryFile(path, contentDir);
    if (!(bytes instanceof Uint8Array)) {
      const file = new VFile({ path });
      fail(file, bytes.reason, undefined, bytes.ruleId);
      return file;
    }
    memo.unsaved = true;
    const key = hash(settings, bytes);
    const signature = fileSignature(path, stats);
    if (cached?.hash === key && sameImages(cached.file)) {
      cached.signature = signature;
      return reuse(cached);
    }
    options.onRender?.();
    const { createRenderPool } = await loadMarkdownStage();
    // With a warm cache most stories are found there: a pool starts only once enough are not.
    if (++misses === POOL_AFTER && options.workers > 0) pool = createRenderPool({ size: options.workers, bodies: packs.dir, markdown: options.markdown, onThisThread: renderHere });
    const file = (await pool?.render(path, bytes, contentDir)) ?? renderHere(path, bytes, contentDir);
    // Page keys build on this: a new photo under the same story must render the page again.
    const images = file.data.imageSources ?? [];
    file.data.hash = images.length === 0 ? key : hash(key, ...images.map((image) => image.hash ?? 'missing'));
    memo.byPath.set(path, { hash: key, signature, file, ownMessages: file.messages.length });
    return file;
  };
  return { read, close: async () => pool?.close() };
}

/** The same file as last build, without the messages later stages added to it then. */
export function reuse(cached: CachedStory): VFile {
  if (cached.file.messages.length !== cached.ownMessages) cached.file.messages.length = cached.ownMessages;
  return cached.file;
}

/**
 * Whether every image the story looked for has the bytes it had (or is still missing).
 * By content, as for the story itself: a matching signature says so without a read;
 * otherwise the file is hashed (a checkout changes mtimes without changing bytes).
 */
export function sameImages(file: VFile): boolean {
  for (const image of file.data.imageSources ?? []) {
    if (image.hash !== undefined && sameSignature(image.path, image.signature)) continue;
    let now: string | undefined;
    try {
      now = hashImage(readRegularFile(image.path));
    } catch {
      now = undefined;
    }
    if (now !== image.hash) return false;
  }
  return true;
}
