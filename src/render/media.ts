// Images beside stories, copied into the output under media/. The Markdown stage
// found, checked and hashed them (rehype-story-images); here every published
// story's are gathered, each file once however many stories show it, and read
// only when the output does not hold them already.
import { readFile } from 'node:fs/promises';
import { sameItems } from '../support/memo.js';
import { hashImage } from '../markdown/image-files.js';
import type { StoryMedia } from '../markdown/rehype-story-images.js';
import type { VFile } from 'vfile';
import type { PublishedStory, Site } from '../site/model.js';

export type MediaList = Array<{ media: StoryMedia; file: VFile }>;

/** The last list made and the stories it was made from (RenderMemo.media in a build). */
export interface MediaMemo {
  media?: { stories: readonly PublishedStory[]; list: MediaList } | undefined;
}

/**
 * Every image to publish, with the story file that brought it (where a problem copying it is
 * reported). After an edit the model hands back the same story objects for all but the edited
 * stories; when those showed no image and show none now, the last list stands. (Looking at each
 * story's images costs ~1 µs a story, most of it reaching the file: a tenth of a dev rebuild.)
 */
export function collectMedia(site: Site, memo: MediaMemo = {}): MediaList {
  const last = memo.media;
  if (last && sameItems(last.stories, site.stories, (story, was) => noMedia(story) && noMedia(was))) {
    memo.media = { stories: site.stories, list: last.list };
    return last.list;
  }
  const list = listMedia(site);
  memo.media = { stories: site.stories, list };
  return list;
}

function noMedia(story: PublishedStory): boolean {
  return (story.file.data.media?.length ?? 0) === 0;
}

function listMedia(site: Site): MediaList {
  const files = new Map<string, { media: StoryMedia; file: VFile }>();
  for (const story of site.stories) {
    // The hash is in the name: one path, one content, whichever story brought it.
    const media = story.file.data.media;
    if (media === undefined) continue;
    for (const item of media) if (!files.has(item.output)) files.set(item.output, { media: item, file: story.file });
  }
  // Sorted by path, not by story order, so the output list is the same however stories move.
  return [...files.values()].sort((a, b) => (a.media.output < b.media.output ? -1 : a.media.output > b.media.output ? 1 : 0));
}

/**
 * The bytes to publish: the file's, as long as they are still the ones the Markdown stage
 * checked (an image swapped for another since — an SVG with a script, say — is not copied).
 */
export async function mediaBytes(media: StoryMedia): Promise<Uint8Array> {
  const bytes = await readFile(media.source);
  if (hashImage(bytes) !== media.hash) throw new MediaChanged(media.source);
  return bytes;
}

export class MediaChanged extends Error {
  constructor(readonly source: string) {
    super(`The image ${source} changed while the site was being built`);
  }
}
