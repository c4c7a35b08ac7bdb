// sitemap.xml and the Google News sitemap. (Stub: being written.)
import type { OutputFile } from '../render/pages.js';
import type { Site } from '../site/model.js';

export function renderSitemaps(_site: Site): OutputFile[] {
  return [];
}
