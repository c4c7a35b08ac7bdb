// Stage 6: the site model → the pages of the site, as output files in memory.
// A page is rendered again only when something it shows changed: its key covers
// the templates, the config, the story file and the headlines it lists.
import { hash, type BuildCache } from '../cache/build-cache.js';
import type { PublishedStory, Site } from '../site/model.js';
import { moreHeadlines } from '../site/model.js';
import type { PageTemplate, Templates } from './templates.js';
import { createViews, type HeadlineView } from './view-model.js';

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
export async function renderPages(site: Site, templates: Templates, cache: BuildCache, onPage: () => void = () => {}): Promise<{ pages: OutputFile[]; commit: () => void }> {
  const updates: Array<() => void> = [];
  const configKey = hash(JSON.stringify(site.config));
  const siteKey = hash(templates.key, configKey);
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
  const views = createViews(site, (story) => entryOf(story).view);
  const headlineKey = (story: PublishedStory) => entryOf(story).key;
  // Keys are only compared; hashing a list keeps every page's key short.
  const listKey = (listed: readonly PublishedStory[]) => hash(...listed.map(headlineKey));
  const keyOf = (parts: string[], listed: readonly PublishedStory[]) => [siteKey, ...parts, listKey(listed)].join('|');

  const pages: OutputFile[] = [];
  // The home page, 404 and redirects, cached by output path.
  const seen = new Set<string>();
  const page = (path: string, template: PageTemplate, key: string, view: () => object): Promise<void> | undefined => {
    seen.add(path);
    const cached = cache.pages.get(path);
    if (cached?.key === key) {
      pages.push({ path, contents: cached.contents, fresh: false });
      onPage();
      return undefined;
    }
    return templates.render(template, view()).then((html) => {
      if (html !== undefined) {
        updates.push(() => cache.pages.set(path, { key, contents: html }));
        pages.push({ path, contents: html, fresh: true });
      }
      onPage();
    });
  };

  await page('index.html', 'index', keyOf(['index'], site.stories), () => views.index(site.stories));
  if (templates.has('404')) {
    const latest = site.stories.slice(0, site.config.headlines);
    await page('404.html', '404', keyOf(['404'], latest), () => views.notFound(site.stories));
  }
  // Every story older than the newest few lists the same headlines: work that list out once.
  const newest = new Set(site.stories.slice(0, site.config.headlines + 1));
  const common = site.stories.slice(0, site.config.headlines);
  const commonKey = listKey(common);
  for (const story of site.stories) {
    const own = newest.has(story);
    const listed = own ? moreHeadlines(site, story) : common;
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
    const html = await templates.render('article', views.article(story, listed));
    if (html !== undefined) {
      pages.push({ path, contents: html, fresh: true });
      updates.push(() => cache.articles.set(story, { siteKey, key, page: { path, contents: html, fresh: false } }));
    }
    onPage();
  }
  for (const redirect of site.redirects) {
    // A site's own redirect.liquid may show anything about the story: key it like the story's page.
    const story = redirect.story;
    await page(redirect.path, 'redirect', keyOf(['redirect', story.slug, story.hash, story.updated?.iso ?? ''], [story]), () => views.article(story, []));
  }

  const commit = () => {
    for (const update of updates) update();
    for (const path of cache.pages.keys()) if (!seen.has(path)) cache.pages.delete(path);
  };
  return { pages, commit };
}

/** How many pages `renderPages` will produce, for progress display. */
export function pageCount(site: Site, templates: Templates): number {
  return 1 + (templates.has('404') ? 1 : 0) + site.stories.length + site.redirects.length;
}
