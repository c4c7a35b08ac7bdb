// Stage 6: the site model → the pages of the site, as output files in memory.
// A page is rendered again only when something it shows changed: its key covers
// the templates, the config, the story file and the headlines it lists.
import { hash, type BuildCache } from '../cache/build-cache.js';
import type { PublishedStory, Site } from '../site/model.js';
import { moreHeadlines } from '../site/model.js';
import type { PageTemplate, Templates } from './templates.js';
import type { ImageRef } from './structured-data.js';
import { createViews } from './view-model.js';
import type { HeadlineView } from './view-types.js';

export interface RenderOptions {
  /** Changes whenever an asset does (pages link them by hashed name). */
  assetsKey: string;
  /** The publisher's logo, for structured data. */
  logo: ImageRef | undefined;
  /** The image link previews show for a story without one. */
  shareImage: ImageRef | undefined;
}

export interface OutputFile {
  /** Path under the output folder, with `/` separators. */
  path: string;
  contents: string | Uint8Array;
  /** Rendered by this build, rather than taken unchanged from the cache. */
  fresh: boolean;
}

/**
 * Render what changed and reuse the rest. What was rendered enters the cache only
 * through `commit`, once the pages are written: a build that fails or is abandoned
 * after rendering must not make the next one think those pages are on disk.
 */
export async function renderPages(site: Site, templates: Templates, cache: BuildCache, options: RenderOptions, onPage: () => void = () => {}): Promise<{ pages: OutputFile[]; commit: () => void }> {
  const updates: Array<() => void> = [];
  const configKey = hash(JSON.stringify(site.config));
  // Every page shows the section navigation and links the hashed stylesheet.
  const sectionsKey = site.listings.sections.map((listing) => listing.url + listing.name).join('\n');
  const siteKey = hash(templates.key, configKey, options.assetsKey, sectionsKey);
  // A story's headline entry depends only on the story and the settings: reuse it across rebuilds
  // (the site model hands back the same story object while the story is unchanged).
  const entryOf = (story: PublishedStory) => {
    const known = cache.headlines.get(story) as { configKey: string; view: HeadlineView; key: string } | undefined;
    if (known?.configKey === configKey) return known;
    const view = views.headline(story);
    const entry = { configKey, view, key: hash(JSON.stringify(view)) };
    cache.headlines.set(story, entry);
    return entry;
  };
  const views = createViews(site, { known: (story) => entryOf(story).view, logo: options.logo, shareImage: options.shareImage });
  const headlineKey = (story: PublishedStory) => entryOf(story).key;
  // Keys are only compared; hashing a list keeps every page's key short.
  const listKey = (listed: readonly PublishedStory[]) => hash(...listed.map(headlineKey));
  const keyOf = (parts: string[], listed: readonly PublishedStory[]) => [siteKey, ...parts, listKey(listed)].join('|');

  const pages: OutputFile[] = [];
  // List pages, 404 and redirects, cached by output path.
  const seen = new Set<string>();
  const page = (path: string, template: PageTemplate, key: string, view: () => object): void => {
    seen.add(path);
    const cached = cache.pages.get(path);
    if (cached?.key === key) {
      pages.push({ path, contents: cached.contents, fresh: false });
      onPage();
      return;
    }
    const html = templates.render(template, view());
    if (html !== undefined) {
      updates.push(() => cache.pages.set(path, { key, contents: html }));
      pages.push({ path, contents: html, fresh: true });
    }
    onPage();
  };

  // The home page is the first page of the headline index; the rest of it, and the section, tag
  // and author pages, share one template.
  for (const list of site.listings.pages) {
    const template = list.listing.kind === 'home' && list.number === 1 ? 'index' : 'list';
    const parts = [template, list.url, list.listing.name, String(list.count), list.prev ?? '', list.next ?? ''];
    page(list.path, template, keyOf(parts, list.stories), () => views.list(list));
  }
  if (templates.has('404')) {
    const latest = site.stories.slice(0, site.config.headlines);
    page('404.html', '404', keyOf(['404'], latest), () => views.notFound(site.stories));
  }
  // Every story older than the newest few lists the same headlines: work that list out once.
  const newest = new Set(site.stories.slice(0, site.config.headlines + 1));
  const common = site.stories.slice(0, site.config.headlines);
  const commonKey = listKey(common);
  const earlier = site.config.more_headlines === 'earlier';
  for (const [index, story] of site.stories.entries()) {
    const own = earlier || newest.has(story);
    const listed = own ? moreHeadlines(site, story, index) : common;
    const key = own ? listKey(listed) : commonKey;
    // The site model hands back the same object while a story is unchanged, so the object
    // stands for its file, slug and dates; only the settings and the list need comparing.
    const known = cache.articles.get(story) as { siteKey: string; key: string; page: OutputFile } | undefined;
    if (known?.siteKey === siteKey && known.key === key) {
      pages.push(known.page);
      onPage();
      continue;
    }
    const path = `${story.slug}/index.html`;
    const html = templates.render('article', views.article(story, listed));
    if (html !== undefined) {
      pages.push({ path, contents: html, fresh: true });
      updates.push(() => cache.articles.set(story, { siteKey, key, page: { path, contents: html, fresh: false } }));
    }
    onPage();
  }
  for (const redirect of site.redirects) {
    // A site's own redirect.liquid may show anything about the story: key it like the story's page.
    const story = redirect.story;
    page(redirect.path, 'redirect', keyOf(['redirect', story.slug, story.hash, story.updated?.iso ?? ''], [story]), () => views.article(story, []));
  }

  const commit = () => {
    for (const update of updates) update();
    for (const path of cache.pages.keys()) if (!seen.has(path)) cache.pages.delete(path);
  };
  return { pages, commit };
}

/** How many pages `renderPages` will produce, for progress display. */
export function pageCount(site: Site, templates: Templates): number {
  return site.listings.pages.length + (templates.has('404') ? 1 : 0) + site.stories.length + site.redirects.length;
}
