// `sitemap.xml`: every page of the site (the home page and its archive, the
// section, tag and author pages, every story), with when it last changed; split
// under a sitemap index past the protocol's 50,000 URLs a file. The Google News
// sitemap of the latest stories is in news-sitemap.ts and written alongside.
import { sitemap } from 'xast-util-sitemap';
import type { OutputFile } from '../render/pages.js';
import type { Site } from '../site/model.js';
import { lastChange, siteUrl, storyUrl } from './site-urls.js';
import { renderNewsSitemap } from './news-sitemap.js';
import { newest, splitSitemap } from './xml.js';

export const SITEMAP_PATH = 'sitemap.xml';
/** sitemaps.org: at most 50,000 URLs in one sitemap file. */
export const SITEMAP_LIMIT = 50_000;

interface Page {
  url: string;
  /** Milliseconds; undefined for a list page with no stories yet (an empty home page). */
  lastmod: number | undefined;
}

/** `memo`: where the last sitemap is kept between builds (`BuildCache.sitemap` in a build). */
export function renderSitemaps(site: Site, memo: SitemapMemo = {}): OutputFile[] {
  return [...mainSitemap(site, memo), ...renderNewsSitemap(site)];
}

export interface SitemapMemo {
  sitemap?: { key: string; files: OutputFile[] } | undefined;
}

// The last sitemap is reused while what it lists is the same. Building and serialising the
// tree costs ~10 µs a URL, which at 10,000 stories would double a dev rebuild in which no
// date or URL moved; the key is made from slugs and dates alone, since even making each
// URL costs ~2 µs.
function mainSitemap(site: Site, memo: SitemapMemo): OutputFile[] {
  const parts: string[] = [site.config.url];
  // Every page of a listing shifts when a story enters it (page 2 takes page 1's last
  // headline), so each page changed when the listing's newest story was published.
  for (const page of site.listings.pages) parts.push(`${page.url} ${page.listing.stories[0]?.date.time ?? ''}`);
  for (const story of site.stories) parts.push(`${story.slug}/ ${lastChange(story)}`);
  const key = parts.join('\n');
  if (memo.sitemap?.key === key) return memo.sitemap.files.map((file) => ({ ...file }));

  const pages: Page[] = [];
  for (const page of site.listings.pages) pages.push({ url: siteUrl(site, page.url), lastmod: page.listing.stories[0]?.date.time });
  for (const story of site.stories) pages.push({ url: storyUrl(site, story), lastmod: lastChange(story) });
  const files = splitSitemap(site, SITEMAP_PATH, pages, SITEMAP_LIMIT, (part) => ({
    tree: sitemap(part.map((page) => ({ url: page.url, modified: page.lastmod === undefined ? undefined : new Date(page.lastmod) }))),
    lastmod: newest(part.map((page) => page.lastmod)),
  }));
  memo.sitemap = { key, files: files.map((file) => ({ ...file })) };
  return files;
}
