// A story as the site publishes it: its parsed fields, where its body is kept, and
// the hash that keys its pages. Its own module so that the model and the listings,
// which both hold such stories, need not import each other.
import type { VFile } from 'vfile';
import type { BodyRef } from '../cache/body-packs.js';
import type { Story } from '../content/read-story.js';

export interface PublishedStory extends Story {
  /** Where its rendered body is kept: read back only when a page that shows it is rendered. */
  body: BodyRef;
  /** Hash of the story file: with the page's other inputs, it decides whether the page is rendered again. */
  hash: string;
  /** The story's file, where messages about it go. */
  file: VFile;
}
