// Stage 6, planned: every page of the site with its output path, its key and how to
// build its view — nothing rendered. A page's key is everything it is made from: the
// code, the templates, the settings, the assets, the story and the headlines it
// lists. The output keeps a page whose key it already holds, so a rebuild after one
// edit renders one page however large the site (page-renderer.ts renders the rest).
import { hash } from '../support/hash.js';
import type { PublishedStory, Site } from '../site/model.js';
import { moreHeadlines } from '../site/model.js';
import type { ArticleKey, RenderMemo } from './memo.js';
import type { ImageRef } from './structured-data.js';
import type { PageTemplate, Templates } from './templates.js';
import { createViews } from './view-model.js';

// Where the output's file shape was first defined; it now lives in support/, which render/ and discovery/ share.
export type { OutputFile } from '../support/output-file.js';

export interface PageOptions {
  /** Each story's rendered body, read when its page is rendered. */
  bodyOf: (story: PublishedStory) => string;
  /** Changes whenever Broadsheet's code or an asset does (pages link assets by hashed name). */
  assetsKey: string;
  /** The publisher's logo, for structured data. */
  logo: ImageRef | undefined;
  /** The image link previews show for a story without one. */
  shareImage: ImageRef | undefined;
}

export interface PlannedPage {
  path: string;
  key: string;
  template: PageTemplate;
  view: () => object;
}

/** The list pages, the 404 page, the articles and the redirects, in that order. */
export function planPages(site: Site, templates: Templates, memo: RenderMemo, options: PageOptions): PlannedPage[] {
  const configKey = hash(JSON.stringify(site.config));
  // Every page shows the section navigation and links the hashed stylesheet.
  const sectionsKey = site.listings.sections.map((listing) => listing.url + listing.name).join('\n');
  const siteKey = hash(templates.key, configKey, options.assetsKey, sectionsKey);
  // A story's headline entry depends only on the story and the settings: reuse it across rebuilds
  // (the site model hands back the same story object while the story is unchanged).
  // Its key comes from the fields the entry shows (its display date is the settings' work on
  // `date.iso`), so only the pages rendered need the entry itself, with its formatted date.
  const entryOf = (story: PublishedStory) => {
    const known = memo.headlines.get(story);
    if (known?.configKey === configKey) return known;
    const shown = [story.slug, story.title, story.summary ?? '', story.section ?? '', story.date.iso, story.isBrief ? 'brief' : 'story'];
    // The fields themselves, not their hash: a list's key hashes them all at once (a hash each cost a build 40 ms at 10,000 stories).
    const entry = { configKey, view: undefined, key: JSON.stringify(shown) };
    memo.headlines.set(story, entry);
    return entry;
  };
  const viewOf = (story: PublishedStory) => {
    const entry = entryOf(story);
    return (entry.view ??= views.headline(story));
  };
  const views = createViews(site, { known: viewOf, bodyOf: options.bodyOf, logo: options.logo, shareImage: options.shareImage });
  const listKey = (listed: readonly PublishedStory[]) => hash(configKey, ...listed.map((story) => entryOf(story).key));
  // A list page's stories array outlives a rebuild in which none of its stories changed (updateListings).
  const pageListKey = (listed: readonly PublishedStory[]) => {
    const known = memo.headlineLists.get(listed);
    if (known?.configKey === configKey) return known.key;
    const key = listKey(listed);
    memo.headlineLists.set(listed, { configKey, key });
    return key;
  };

  const pages: PlannedPage[] = [];
  // The home page is the first page of the headline index; the rest of it, and the section, tag
  // and author pages, share one template.
  for (const list of site.listings.pages) {
    const template = list.listing.kind === 'home' && list.number === 1 ? 'index' : 'list';
    // A list page showing no edited story is the same object after an edit (updateListings).
    let known = memo.listPages.get(list);
    if (known?.siteKey !== siteKey) {
      known = { siteKey, key: hash(siteKey, template, list.url, list.listing.name, String(list.count), list.prev ?? '', list.next ?? '', pageListKey(list.stories)) };
      memo.listPages.set(list, known);
    }
    pages.push({ path: list.path, key: known.key, template, view: () => views.list(list) });
  }
  if (templates.has('404')) {
    const latest = site.stories.slice(0, site.config.headlines);
    pages.push({ path: '404.html', key: hash(siteKey, '404', listKey(latest)), template: '404', view: () => views.notFound(site.stories) });
  }
  // Every story older than the newest few lists the same headlines: work that list out once.
  const common = site.stories.slice(0, site.config.headlines);
  const commonKey = listKey(common);
  const earlier = site.config.more_headlines === 'earlier';
  // Keys by story: the site model hands back the same object while a story is unchanged, so a key
  // is only worked out again when the settings or its list change. The last build's keys are also
  // kept in story order: comparing two arrays is cheaper than a WeakMap lookup per story, which
  // at 10,000 stories cost a dev rebuild more than rendering its one page.
  const last = memo.articleKeys;
  const keys: ArticleKey[] = new Array(site.stories.length);
  for (let index = 0; index < site.stories.length; index++) {
    const story = site.stories[index] as PublishedStory;
    // Stories are newest first: the newest few list the others, not themselves.
    const own = earlier || index <= site.config.headlines;
    const listed = own ? moreHeadlines(site, story, index) : common;
    const list = own ? listKey(listed) : commonKey;
    let known = last?.stories[index] === story ? last.keys[index] : memo.articles.get(story);
    if (known?.siteKey !== siteKey || known.list !== list) {
      known = { siteKey, list, key: hash(siteKey, 'article', story.hash, story.updated?.iso ?? '', list), path: `${story.slug}/index.html` };
      memo.articles.set(story, known);
    }
    keys[index] = known;
    pages.push({ path: known.path, key: known.key, template: 'article', view: () => views.article(story, listed) });
  }
  memo.articleKeys = { stories: site.stories, keys };
  for (const redirect of site.redirects) {
    // A site's own redirect.liquid may show anything about the story: key it like the story's page.
    const story = redirect.story;
    const key = hash(siteKey, 'redirect', story.slug, story.hash, story.updated?.iso ?? '');
    pages.push({ path: redirect.path, key, template: 'redirect', view: () => views.article(story, []) });
  }
  return pages;
}
