// The build's "load stories" step: the story list (walked, or after a watcher's
// report worked out from the last one), then every story through stages 2–3
// (load-stories.ts). A rebuild is this same step on fewer inputs: the files the
// watcher named, or those whose signature moved.
import type { VFile } from 'vfile';
import { discoverStories, updateStoryList } from '../content/discover.js';
import { loadStories } from './load-stories.js';
import type { MarkdownOptions } from './settings.js';
import { packsOf, type StoryMemo } from './story-memo.js';

export interface ContentOptions {
  contentDir: string;
  /** Files changed since the memo was filled (dev); absent, every story's signature is checked. */
  changed: ReadonlySet<string> | undefined;
  markdown: MarkdownOptions;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Called for each story rendered, rather than reused. */
  onRender?: (() => void) | undefined;
}

export async function loadContent(memo: StoryMemo, options: ContentOptions): Promise<VFile[]> {
  // Set again when this build reports (reported()); a build that throws leaves the next one no list to trust.
  const messaged = memo.messaged;
  memo.messaged = undefined;
  const { contentDir, changed } = options;
  const known = changed && memo.paths ? updateStoryList(contentDir, memo.paths, (path) => memo.byPath.has(path), changed) : undefined;
  const paths = known ?? (await discoverStories(contentDir));
  memo.paths = paths;
  return loadStories(paths, { ...options, cache: { stories: memo }, packs: packsOf(memo), messaged });
}

/** The files this build reported with messages: with the watcher's next report, only these need theirs cut back. */
export function reported(memo: StoryMemo, files: readonly VFile[]): void {
  memo.messaged = files;
}
