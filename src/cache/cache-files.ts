// The build cache's files, opened when a cache's first build starts and saved when it
// is let go of: the story index the last run saved, and the body packs (in the cache
// folder, or in a temporary one that goes with the build when there is no cache).
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VFile } from 'vfile';
import { openBodyPacks, prunePacks, type BodyRef } from './body-packs.js';
import type { BuildCache } from './build-cache.js';
import { loadStoryIndex, saveStoryIndex } from './story-index.js';

/** A cache's first build starts from the story index the last run saved. */
export async function openBuildCache(cache: BuildCache, cacheDir: string | undefined, contentDir: string): Promise<void> {
  if (cacheDir && cache.storyPaths === undefined) ({ stories: cache.stories, settings: cache.settings } = await loadStoryIndex(cacheDir, contentDir));
  cache.packs ??= openBodyPacks((cacheDir && (await usableFolder(join(cacheDir, 'bodies')))) || (await mkdtemp(join(tmpdir(), 'broadsheet-bodies-'))));
}

/**
 * Save what a cache learnt for the next run (`cacheDir`) and let go of its files; dev calls
 * this once, when it stops. `pruned`: the cache looked at every story, so the bodies no
 * story uses any more can go.
 */
export async function closeBuildCache(cache: BuildCache, { cacheDir, contentDir, pruned }: { cacheDir: string | undefined; contentDir: string; pruned: boolean }): Promise<void> {
  const packs = cache.packs;
  if (!packs) return;
  if (cacheDir && cache.unsaved) {
    if (pruned) {
      const byRef = new Map<BodyRef, VFile>();
      for (const story of cache.stories.values()) if (story.file.data.body) byRef.set(story.file.data.body, story.file);
      await prunePacks(packs, byRef.keys(), (from, to) => void ((byRef.get(from) as VFile).data.body = to));
    }
    await saveStoryIndex(cacheDir, contentDir, cache.stories, cache.settings);
    cache.unsaved = false;
  }
  packs.close();
  cache.packs = undefined;
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
