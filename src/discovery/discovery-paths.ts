// Where the feeds and sitemaps go, and how a sitemap is split: known without making
// them, so the build can plan its outputs, and the modules that make them, agree.
import type { PublishedStory, Site } from '../site/model.js';

export const ATOM_PATH = 'feed.xml';
export const RSS_PATH = 'rss.xml';
export const SITEMAP_PATH = 'sitemap.xml';
/** sitemaps.org: at most 50,000 URLs in one sitemap file. */
export const SITEMAP_LIMIT = 50_000;
export const NEWS_SITEMAP_PATH = 'news-sitemap.xml';
/** Google News: only articles from the last two days, and at most 1,000 URLs a sitemap file. */
export const NEWS_WINDOW = 48 * 60 * 60 * 1000;
export const NEWS_LIMIT = 1_000;

/** The stories of the news sitemap: those within NEWS_WINDOW of the newest one. */
export function newsStories(site: Site): PublishedStory[] {
  const latest = site.stories[0]?.date.time ?? 0;
  // Stories are newest first: the window is a prefix of the list.
  const end = site.stories.findIndex((story) => story.date.time < latest - NEWS_WINDOW);
  return end === -1 ? site.stories : site.stories.slice(0, end);
}

/** The files a sitemap of `count` URLs is split into (xml.ts splitSitemap), known without making them. */
export function splitPaths(path: string, count: number, limit: number): string[] {
  if (count <= limit) return [path];
  return [path, ...Array.from({ length: Math.ceil(count / limit) }, (_, index) => partPath(path, index + 1))];
}

/** `sitemap.xml`, 2 → `sitemap-2.xml`. */
export function partPath(path: string, number: number): string {
  return path.replace(/\.xml$/, `-${number}.xml`);
}
