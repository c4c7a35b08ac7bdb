// What one build hands the next so that a rebuild redoes only what changed: a
// record of the stages' memos, each defined and kept by its own stage. `dev` keeps
// one cache for its whole session; a plain `build` starts with the story index
// saved by the last one (cache/story-index.ts) and lets go of its cache at the end.
import type { DiscoveryMemo } from './discovery/memo.js';
import { createDiscoveryMemo } from './discovery/memo.js';
import { closeStoryMemo, createStoryMemo, openStoryMemo, type StoryMemo } from './markdown/story-memo.js';
import { createRenderMemo, type RenderMemo } from './render/memo.js';
import { createLinkMemo, type LinkMemo } from './site/check-links.js';
import { createSiteMemo, type SiteMemo } from './site/update-site.js';

export interface BuildCache {
  /** Loading the stories: each story's parse and Markdown results, the last story list (markdown/story-memo.ts). */
  stories: StoryMemo;
  /** The model: published stories by parsed story, the last model, git dates (site/update-site.ts). */
  site: SiteMemo;
  /** The link check: each story's findings against the last set of paths (site/check-links.ts). */
  links: LinkMemo;
  /** Templates, assets, page keys, media, `_headers` (render/memo.ts). */
  render: RenderMemo;
  /** The sitemap's key and the feeds' bodies (discovery/memo.ts). */
  discovery: DiscoveryMemo;
}

export function createBuildCache(): BuildCache {
  return { stories: createStoryMemo(), site: createSiteMemo(), links: createLinkMemo(), render: createRenderMemo(), discovery: createDiscoveryMemo() };
}

/** A cache's first build starts from the story index the last run saved. */
export async function openBuildCache(cache: BuildCache, cacheDir: string | undefined, contentDir: string): Promise<void> {
  await openStoryMemo(cache.stories, cacheDir, contentDir);
}

/**
 * Save what a cache learnt for the next run (`cacheDir`) and let go of its files; dev calls
 * this once, when it stops. `pruned`: the cache looked at every story, so the bodies no
 * story uses any more can go.
 */
export async function closeBuildCache(cache: BuildCache, options: { cacheDir: string | undefined; contentDir: string; pruned: boolean }): Promise<void> {
  await closeStoryMemo(cache.stories, options);
}
