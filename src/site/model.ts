// Stage 4: the site model. Which stories are published, in what order, at which
// URLs, and what each page lists — decided once here, so templates, link checks
// and incremental builds all read the same answer.
import { relative } from 'node:path';
import type { VFile } from 'vfile';
import type { SiteConfig } from '../config/config.js';
import { fieldPlace } from '../content/field-place.js';
import type { Story } from '../content/read-story.js';
import { parseStoryDate } from '../content/story-schema.js';
import { warn } from '../report/messages.js';
import { createClaims, redirectPath } from './claims.js';
import { createListings, LISTING_FOLDERS, type Listings } from './listings.js';
import type { PublishedStory } from './published-story.js';

export type { PublishedStory } from './published-story.js';

export interface Redirect {
  /** Output path of the redirect page, e.g. `old-slug/index.html`. */
  path: string;
  story: PublishedStory;
}

export interface Site {
  config: SiteConfig;
  /** Published stories, newest first; stories with the same date in slug order. */
  stories: PublishedStory[];
  redirects: Redirect[];
  /** Stories left out by slug, and why, so a link to one can say so. */
  held: Map<string, { reason: 'draft' | 'future'; file: VFile }>;
  /** The home page, its archive, and the section, tag and author pages. */
  listings: Listings;
}

export interface PublishOptions {
  /** Include `draft: true` stories. */
  drafts: boolean;
  /** Include stories dated after `now`. */
  future: boolean;
  /** Milliseconds since the epoch that "the future" starts at. */
  now: number;
  /** Last commit date of each story file, for stories without `updated:`. */
  gitDates: ReadonlyMap<string, string>;
  /** Printed paths are relative to this folder. */
  cwd: string;
  /** Published stories of earlier builds, by story, reused while unchanged (keeps rebuilds cheap). */
  memo?: WeakMap<Story, PublishedStory> | undefined;
}

/** URL paths the site itself writes to; a story there would overwrite them. */
export const RESERVED_PATHS: ReadonlySet<string> = new Set([
  'assets', 'media', ...LISTING_FOLDERS, '404.html', 'index.html', 'feed.xml', 'rss.xml', 'robots.txt', '_headers',
]);

/** Whether the first segment of a URL path is the site's own (sitemaps may be split into numbered files). */
export function isReservedPath(segment: string): boolean {
  return RESERVED_PATHS.has(segment) || /^(news-)?sitemap(-\d+)?\.xml$/.test(segment);
}

export function createSite(config: SiteConfig, files: readonly VFile[], options: PublishOptions): Site {
  const claim = createClaims(options.cwd, (path, what) => isReservedPath(what === 'slug' ? path : (path.split('/')[0] ?? '')));

  const published: PublishedStory[] = [];
  const held: Site['held'] = new Map();
  for (const file of files) {
    const { story, body, hash } = file.data;
    if (!story || body === undefined || hash === undefined) continue;
    if (story.draft && !options.drafts) {
      held.set(story.slug, { reason: 'draft', file });
      continue;
    }
    if (story.date.time > options.now && !options.future) {
      held.set(story.slug, { reason: 'future', file });
      continue;
    }
    if (!claim(file, story.slug, 'slug')) continue;
    published.push(publish(story, file, config, options));
  }

  const redirects: Redirect[] = [];
  for (const story of published) {
    if (story.aliases.length === 0) continue;
    for (const alias of story.aliases) {
      if (!claim(story.file, alias, 'alias')) continue;
      redirects.push({ path: redirectPath(alias), story });
    }
  }

  const stories = sortNewestFirst(published);
  redirects.sort((a, b) => (a.path < b.path ? -1 : 1));
  const site = { config, stories, redirects, held, listings: createListings(stories, config.page_size, config.title) };
  warnSpellingClashes(site, options.cwd);
  return site;
}

/**
 * A warning at each name that shares its section, tag or author page with another spelling;
 * a model updated in place (update-site.ts) warns again, as its files came back without it.
 */
export function warnSpellingClashes(site: Site, cwd: string): void {
  const base = new URL(site.config.url).pathname;
  for (const { listing, name, story, first, firstStory } of site.listings.clashes) {
    const key = listing.kind === 'tag' ? 'tags' : listing.kind;
    const who = firstStory === story ? 'this story' : relative(cwd, firstStory.file.path);
    const reason =
      `The ${listing.kind} "${name}" has the same page, ${base}${listing.url}, as the ${listing.kind} "${first}" of ${who}, so their stories are listed together under one name; ` +
      `if they are different, change this one's letters or digits (the address keeps only those), else write it "${first}"`;
    warn(story.file, reason, fieldPlace(story.file.path, key, name, { column: true }), `site/${listing.kind}-spelling`);
  }
}

/**
 * Newest first, same-date stories by slug. Sorts small uniform records rather than the
 * stories themselves, which is several times faster at 10,000 stories and more.
 */
function sortNewestFirst<T extends Story>(stories: readonly T[]): T[] {
  const keys = stories.map((story, index) => ({ time: story.date.time, slug: story.slug, index }));
  keys.sort((a, b) => b.time - a.time || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return keys.map((key) => stories[key.index] as T);
}

/**
 * The stories `story`'s More headlines lists: the `config.headlines` newest others, or with
 * `more_headlines: earlier` the ones published just before it. `index` is its place in
 * `site.stories`, when the caller knows it.
 */
export function moreHeadlines(site: Site, story: Story, index = site.stories.findIndex((other) => other.slug === story.slug)): PublishedStory[] {
  const count = site.config.headlines;
  if (site.config.more_headlines === 'earlier') return site.stories.slice(index + 1, index + 1 + count);
  return site.stories.slice(0, count + 1).filter((other) => other.slug !== story.slug).slice(0, count);
}

/**
 * The published form of a parsed story: the memo's while its body and dates are unchanged, so every
 * later memo keyed by the published story (headlines, page keys, links, feeds) holds.
 */
export function publish(story: Story, file: VFile, config: SiteConfig, options: PublishOptions): PublishedStory {
  const { body, hash } = file.data;
  if (body === undefined || hash === undefined) throw new Error(`publish() called for ${file.path}, which has no rendered body`);
  const updated = updatedOf(story, file, config, options);
  let entry = options.memo?.get(story);
  if (!entry || entry.body.hash !== body.hash || entry.updated?.iso !== updated?.iso) {
    entry = { ...story, updated, body, hash, file };
    options.memo?.set(story, entry);
  }
  return entry;
}

/** The declared `updated`, else the last commit date; shown only when later than the story's date. */
export function updatedOf(story: Story, file: VFile, config: SiteConfig, options: PublishOptions) {
  const fromGit = config.updated_from_git ? options.gitDates.get(file.path) : undefined;
  const updated = story.updated ?? (fromGit ? parseStoryDate(fromGit) : undefined);
  return updated && updated.time > story.date.time ? updated : undefined;
}
