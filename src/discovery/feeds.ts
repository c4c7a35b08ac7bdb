// Atom and RSS feeds of the latest stories. (Stub: being written.)
import type { OutputFile } from '../render/pages.js';
import type { Site } from '../site/model.js';

export function renderFeeds(_site: Site): OutputFile[] {
  return [];
}
