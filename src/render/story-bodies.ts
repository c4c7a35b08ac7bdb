// A story's rendered body, read back from the body packs when a page or a feed
// shows it. A body that cannot be read back (its pack deleted with the cache, or
// pruned by another build sharing the folder) is rendered again from the story's
// file, so a damaged cache costs time, never a wrong or empty page. Whoever shows
// bodies loads the Markdown stage first (loadMarkdownStage) for that case.
import { readFileSync } from 'node:fs';
import { markdownStage } from '../markdown/stage.js';
import { packsOf, type StoryMemo } from '../markdown/story-memo.js';
import { fail } from '../report/messages.js';
import type { PublishedStory } from '../site/model.js';

export type BodySource = (story: PublishedStory) => string;

/** `memo`: the stories' memo, whose packs hold the bodies and whose processor renders a lost one again. */
export function createBodySource(memo: StoryMemo, contentDir: string): BodySource {
  const packs = packsOf(memo);
  return (story) => {
    const html = packs.get(story.body);
    if (html !== undefined) return html;
    let bytes: Buffer;
    try {
      bytes = readFileSync(story.file.path);
    } catch {
      fail(story.file, 'The story was removed while the site was being built; build again', undefined, 'content/read');
      return '';
    }
    const { createMarkdownProcessor, renderStory } = markdownStage();
    const again = renderStory((memo.processor ??= createMarkdownProcessor()), story.file.path, bytes, contentDir, packs);
    const body = again.data.body;
    const rendered = body && packs.get(body);
    if (!body || rendered === undefined) {
      fail(story.file, 'The story changed while the site was being built; build again', undefined, 'content/read');
      return '';
    }
    story.body = story.file.data.body = body;
    memo.unsaved = true;
    return rendered;
  };
}
