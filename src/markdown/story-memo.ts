// What loading the stories keeps from one build for the next: every story's parse
// and Markdown results keyed by the hash of its bytes, the last story list, and the
// files behind it. Opened when a cache's first build starts (from the story index
// the last run saved, cache/story-index.ts, and the body packs), saved when the
// cache is let go of. `dev` keeps one for its whole session.
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VFile } from 'vfile';
import { openBodyPacks, prunePacks, type BodyPacks, type BodyRef } from '../cache/body-packs.js';
import { loadStoryIndex, saveStoryIndex, type CachedStory } from '../cache/story-index.js';
import type { MarkdownProcessor } from './processor.js';

export interface StoryMemo {
  /** The sorted story paths of the last build. */
  paths: readonly string[] | undefined;
  /** Each story read so far, by path. */
  byPath: Map<string, CachedStory>;
  /** The last build's story files, in the order of its story list (`paths`). */
  loaded: LoadedStories | undefined;
  /** The files that ended the last build with messages; undefined while a build runs, and after one that threw. */
  messaged: readonly VFile[] | undefined;
  /** Built on first use, then reused while the Markdown settings stay the same: building it costs more than running it once. */
  processor: MarkdownProcessor | undefined;
  /** The Markdown settings `byPath` was rendered with (markdownSettings). */
  settings: string | undefined;
  /** Where rendered bodies are kept (cache/body-packs.ts), opened with the memo. */
  packs: BodyPacks | undefined;
  /** Stories were read or dropped since the story index was last saved. */
  unsaved: boolean;
}

export interface LoadedStories {
  paths: readonly string[];
  files: readonly VFile[];
  /** Where each path is in `paths`, made on first use. */
  index: Map<string, number> | undefined;
}

export function createStoryMemo(): StoryMemo {
  return { paths: undefined, byPath: new Map(), loaded: undefined, messaged: undefined, processor: undefined, settings: undefined, packs: undefined, unsaved: false };
}

/** A memo's first build starts from the story index the last run saved. */
export async function openStoryMemo(memo: StoryMemo, cacheDir: string | undefined, contentDir: string): Promise<void> {
  if (cacheDir && memo.paths === undefined) ({ stories: memo.byPath, settings: memo.settings } = await loadStoryIndex(cacheDir, contentDir));
  memo.packs ??= openBodyPacks((cacheDir && (await usableFolder(join(cacheDir, 'bodies')))) || (await mkdtemp(join(tmpdir(), 'broadsheet-bodies-'))));
}

/** The body packs of an open memo. */
export function packsOf(memo: StoryMemo): BodyPacks {
  if (!memo.packs) throw new Error('The story memo was used before openStoryMemo() opened it');
  return memo.packs;
}

/**
 * Save what a memo learnt for the next run (`cacheDir`) and let go of its files; dev calls
 * this once, when it stops. `pruned`: the memo looked at every story, so the bodies no
 * story uses any more can go.
 */
export async function closeStoryMemo(memo: StoryMemo, { cacheDir, contentDir, pruned }: { cacheDir: string | undefined; contentDir: string; pruned: boolean }): Promise<void> {
  const packs = memo.packs;
  if (!packs) return;
  if (cacheDir && memo.unsaved) {
    if (pruned) {
      const byRef = new Map<BodyRef, VFile>();
      for (const story of memo.byPath.values()) if (story.file.data.body) byRef.set(story.file.data.body, story.file);
      await prunePacks(packs, byRef.keys(), (from, to) => void ((byRef.get(from) as VFile).data.body = to));
    }
    await saveStoryIndex(cacheDir, contentDir, memo.byPath, memo.settings);
    memo.unsaved = false;
  }
  packs.close();
  memo.packs = undefined;
  if (!cacheDir || !packs.dir.startsWith(cacheDir)) await rm(packs.dir, { recursive: true, force: true });
}

/** `dir`, made if need be; undefined when it cannot be (the cache folder is a file, or read-only): the build then goes on without it. */
async function usableFolder(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return dir;
  } catch {
    return undefined;
  }
}
