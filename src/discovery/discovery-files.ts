// The feeds and sitemaps as the build hands them to the output: each group of files
// under a key made from what it shows, and a `render` that loads its module only
// when the output lacks the files under that key. Building and serialising a
// sitemap costs ~10 µs a URL, and the feeds re-parse each body to make its URLs
// absolute: at 10,000 stories, most of a rebuild in which nothing they show moved.
// The keys are cheap on purpose: the sitemap's from slugs and dates alone (even
// making each URL costs ~2 µs), the feeds' from the handful of latest stories.
import { hash } from '../support/hash.js';
import { sameItems } from '../support/memo.js';
import type { KeyedFiles } from '../support/output-file.js';
import type { ListPage } from '../site/listings.js';
import type { PublishedStory, Site } from '../site/model.js';
import { ATOM_PATH, NEWS_LIMIT, NEWS_SITEMAP_PATH, newsStories, RSS_PATH, SITEMAP_LIMIT, SITEMAP_PATH, splitPaths } from './discovery-paths.js';
import type { FeedBodies } from './feeds.js';
import { lastChange } from './site-urls.js';

/**
 * Both feeds, keyed by everything they are made of: the settings and the latest stories
 * whole (but for their file), bodies by hash. While none of those changed, no body is read.
 */
export function feedFiles(site: Site, bodyOf: (story: PublishedStory) => string, memo?: FeedBodies): KeyedFiles {
  const latest = site.stories.slice(0, site.config.feed_size).map(({ file: _file, ...shown }) => shown);
  return {
    key: hash(JSON.stringify(['feeds', site.config, latest])),
    paths: [ATOM_PATH, RSS_PATH],
    render: async () => (await import('./feeds.js')).renderFeeds(site, bodyOf, memo),
  };
}

/** The last sitemap key and what it was made from (DiscoveryMemo in a build). */
export interface SitemapMemo {
  sitemap?: { url: string; stories: readonly PublishedStory[]; pages: readonly ListPage[]; key: string } | undefined;
}

/** The sitemap of every page and the news sitemap. */
export function sitemapFiles(site: Site, memo: SitemapMemo = {}): KeyedFiles[] {
  return [mainSitemapFiles(site, memo), newsSitemapFiles(site)];
}

function mainSitemapFiles(site: Site, memo: SitemapMemo): KeyedFiles {
  return {
    key: sitemapKey(site, memo),
    paths: splitPaths(SITEMAP_PATH, site.listings.pages.length + site.stories.length, SITEMAP_LIMIT),
    render: async () => (await import('./sitemaps.js')).renderMainSitemap(site),
  };
}

function newsSitemapFiles(site: Site): KeyedFiles {
  const recent = newsStories(site);
  const shown = recent.map((story) => [story.slug, story.title, story.date.time]);
  return {
    key: hash(JSON.stringify(['news-sitemap', site.config.url, site.config.title, site.config.language, shown])),
    paths: splitPaths(NEWS_SITEMAP_PATH, recent.length, NEWS_LIMIT),
    render: async () => (await import('./news-sitemap.js')).renderNewsSitemap(site),
  };
}

// Even the key's ~12,000 short strings cost a dev rebuild ~15 ms at 10,000 stories; after an edit
// the model hands back the same objects for all but the edited stories, so most compare by identity.
function sitemapKey(site: Site, memo: SitemapMemo): string {
  const { stories, listings } = site;
  const last = memo.sitemap;
  const same =
    last !== undefined &&
    last.url === site.config.url &&
    sameItems(last.stories, stories, (story, was) => story.slug === was.slug && lastChange(story) === lastChange(was)) &&
    sameItems(last.pages, listings.pages, (page, was) => page.url === was.url && page.listing.stories[0]?.date.time === was.listing.stories[0]?.date.time);
  if (same) return (memo.sitemap = { ...last, stories, pages: listings.pages }).key;
  const parts: string[] = ['sitemap', site.config.url];
  // Every page of a listing shifts when a story enters it (page 2 takes page 1's last
  // headline), so each page changed when the listing's newest story was published.
  for (const page of listings.pages) parts.push(`${page.url} ${page.listing.stories[0]?.date.time ?? ''}`);
  for (const story of stories) parts.push(`${story.slug}/ ${lastChange(story)}`);
  const key = hash(parts.join('\n'));
  memo.sitemap = { url: site.config.url, stories, pages: listings.pages, key };
  return key;
}
