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
  /** Files changed since the memo was filled (dev); absent, or more than one, every story's signature is checked. */
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
  const { contentDir } = options;
  // The watcher's word is taken for a lone save. A burst (a checkout, a storm of saves) is
  // checked whole, the folder walked and every story's signature looked at, since chokidar
  // can miss one event among many on a busy machine (seen: a story added during 1,000 rapid
  // saves never reported, and never published). At 10,000 stories that costs a burst ~0.1 s.
  const changed = options.changed?.size === 1 ? options.changed : undefined;
  const known = changed && memo.paths ? updateStoryList(contentDir, memo.paths, (path) => memo.byPath.has(path), changed) : undefined;
  const paths = known ?? (await discoverStories(contentDir));
  memo.paths = paths;
  return loadStories(paths, { ...options, changed, cache: { stories: memo }, packs: packsOf(memo), messaged });
}

/** The files this build reported with messages: with the watcher's next report, only these need theirs cut back. */
export function reported(memo: StoryMemo, files: readonly VFile[]): void {
  memo.messaged = files;
}
