// `sitemap.xml`: every page of the site (the home page and its archive, the
// section, tag and author pages, every story), with when it last changed; split
// under a sitemap index past the protocol's 50,000 URLs a file. The Google News
// sitemap of the latest stories is in news-sitemap.ts and written alongside.
import { sitemap } from 'xast-util-sitemap';
import type { OutputFile } from '../support/output-file.js';
import type { Site } from '../site/model.js';
import { lastChange, siteUrl, storyUrl } from './site-urls.js';
import { renderNewsSitemap } from './news-sitemap.js';
import { newest, splitSitemap } from './xml.js';

import { SITEMAP_LIMIT, SITEMAP_PATH } from './discovery-paths.js';

export { SITEMAP_LIMIT, SITEMAP_PATH } from './discovery-paths.js';

interface Page {
  url: string;
  /** Milliseconds; undefined for a list page with no stories yet (an empty home page). */
  lastmod: number | undefined;
}

export function renderSitemaps(site: Site): OutputFile[] {
  return [...renderMainSitemap(site), ...renderNewsSitemap(site)];
}

/** The sitemap of every page (discovery-files.ts keys it, so it is made only when a URL or date moved). */
export function renderMainSitemap(site: Site): OutputFile[] {
  const pages: Page[] = [];
  for (const page of site.listings.pages) pages.push({ url: siteUrl(site, page.url), lastmod: page.listing.stories[0]?.date.time });
  for (const story of site.stories) pages.push({ url: storyUrl(site, story), lastmod: lastChange(story) });
  return splitSitemap(site, SITEMAP_PATH, pages, SITEMAP_LIMIT, (part) => ({
    tree: sitemap(part.map((page) => ({ url: page.url, modified: page.lastmod === undefined ? undefined : new Date(page.lastmod) }))),
    lastmod: newest(part.map((page) => page.lastmod)),
  }));
}
