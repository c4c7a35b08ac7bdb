// robots.txt, naming the sitemaps. (Stub: being written.)
import type { OutputFile } from '../render/pages.js';
import type { Site } from '../site/model.js';

export function renderRobots(_site: Site, _sitemaps: readonly string[]): OutputFile[] {
  return [];
}
