// What loading the stories keeps from one build for the next: every story's parse
// and Markdown results keyed by the hash of its bytes, the last story list, and the
// files behind it. Opened when a cache's first build starts (from the story index
// the last run saved, cache/story-index.ts, and the body packs), saved when the
// cache is let go of. `dev` keeps one for its whole session. A cache that cannot be
// written (a full disk, a read-only or permission-denied folder) is a warning, on
// the cache folder itself: the build goes on without it.
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VFile } from 'vfile';
import { openBodyPacks, prunePacks, type BodyPacks, type BodyRef } from '../cache/body-packs.js';
import { INDEX_FILE, loadStoryIndex, saveStoryIndex, type CachedStory } from '../cache/story-index.js';
import { warn } from '../report/messages.js';
import { rethrowSystemError, whatFailed } from '../report/system-errors.js';
import { makeFolder } from '../support/make-folder.js';
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
  /** The cache folder, carrying this build's warnings that it could not be used (cacheNotes). */
  notes: VFile | undefined;
}

export interface LoadedStories {
  paths: readonly string[];
  files: readonly VFile[];
  /** Where each path is in `paths`, made on first use. */
  index: Map<string, number> | undefined;
}

export function createStoryMemo(): StoryMemo {
  return { paths: undefined, byPath: new Map(), loaded: undefined, messaged: undefined, processor: undefined, settings: undefined, packs: undefined, unsaved: false, notes: undefined };
}

/** A memo's first build starts from the story index the last run saved. */
export async function openStoryMemo(memo: StoryMemo, cacheDir: string | undefined, contentDir: string): Promise<void> {
  // Each warning is given once, by the build that found the problem.
  memo.notes = cacheDir ? new VFile({ path: cacheDir }) : undefined;
  if (cacheDir && memo.paths === undefined) ({ stories: memo.byPath, settings: memo.settings } = await loadStoryIndex(cacheDir, contentDir));
  if (memo.packs) return;
  const unusable = cacheDir && (await unusableFolder(join(cacheDir, 'bodies')));
  if (unusable) cacheWarning(memo, unusable.error);
  const bodies = cacheDir && !unusable ? join(cacheDir, 'bodies') : await mkdtemp(join(tmpdir(), 'broadsheet-bodies-')).catch(rethrowSystemError({ doing: 'write' }));
  memo.packs = openBodyPacks(bodies);
}

/**
 * The cache folder with this build's warnings that it could not be written, if there are
 * any: its problems found so far, and a body that a worker could not put in its pack.
 */
export function cacheNotes(memo: StoryMemo): VFile[] {
  for (const story of memo.byPath.values()) {
    const body = story.file.data.body;
    if (body?.unwritten === undefined) continue;
    cacheWarning(memo, body.unwritten);
    delete body.unwritten;
  }
  return memo.notes && memo.notes.messages.length > 0 ? [memo.notes] : [];
}

/**
 * The machine's first problem with the cache in a build is what it warns of: the others would
 * only say it again. Something else in the way (a file where the folder should be) goes
 * unsaid, as a cache deleted at any time does: the build is the same without it.
 */
function cacheWarning(memo: StoryMemo, problem: unknown, path?: string): void {
  const notes = memo.notes;
  const why = typeof problem === 'string' ? problem : whatFailed(problem, { path: (problem as NodeJS.ErrnoException | undefined)?.path ?? path });
  if (!notes || notes.messages.length > 0 || why === undefined) return;
  warn(notes, `The cache could not be written: ${why}; this build went on without it, so the next one starts cold. Fix that, or pass --no-cache`, undefined, 'cache/unwritable');
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
      await prunePacks(packs, byRef.keys(), (from, to) => void ((byRef.get(from) as VFile).data.body = to)).catch((error: unknown) => cacheWarning(memo, error));
    }
    const failed = await saveStoryIndex(cacheDir, contentDir, memo.byPath, memo.settings);
    if (failed) cacheWarning(memo, failed, join(cacheDir, INDEX_FILE));
    memo.unsaved = false;
  }
  packs.close();
  memo.packs = undefined;
  if (!cacheDir || !packs.dir.startsWith(cacheDir)) await rm(packs.dir, { recursive: true, force: true });
}

/** Made if need be and writable: undefined; else why not (the cache folder is a file, or read-only): the build then goes on without it. */
async function unusableFolder(dir: string): Promise<{ error: unknown } | undefined> {
  try {
    await makeFolder(dir);
    await access(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return { error };
  }
}
