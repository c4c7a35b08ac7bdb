// What the feeds and sitemaps keep from one build for the next: the sitemap's key
// and what it was made from, and each story's feed body, so a rebuild after one
// edit re-parses one body and compares the rest by identity.
import type { SitemapMemo } from './discovery-files.js';
import type { FeedBodies } from './feeds.js';

export interface DiscoveryMemo extends SitemapMemo {
  /** Per published story: its feed body, with absolute URLs. */
  feedBodies: FeedBodies;
}

export function createDiscoveryMemo(): DiscoveryMemo {
  return { sitemap: undefined, feedBodies: new WeakMap() };
}
