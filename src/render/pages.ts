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

export async function renderPages(site: Site, templates: Templates, cache: BuildCache, onPage: () => void = () => {}): Promise<OutputFile[]> {
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
  // Synchronous when the page is reused, so ten thousand unchanged pages cost no awaits.
  const page = (path: string, template: PageTemplate, key: string, view: () => object): Promise<void> | undefined => {
    const cached = cache.pages.get(path);
    if (cached?.key === key) {
      pages.push({ path, contents: cached.contents, fresh: false });
      onPage();
      return undefined;
    }
    return templates.render(template, view()).then((html) => {
      if (html !== undefined) {
        cache.pages.set(path, { key, contents: html });
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
    const key = [siteKey, 'article', story.hash, story.updated?.iso ?? '', own ? listKey(listed) : commonKey].join('|');
    const rendering = page(`${story.slug}/index.html`, 'article', key, () => views.article(story, listed));
    if (rendering) await rendering;
  }
  for (const redirect of site.redirects) {
    await page(redirect.path, 'redirect', keyOf(['redirect', redirect.story.slug, redirect.story.title], []), () => views.article(redirect.story, []));
  }

  const present = new Set(pages.map((p) => p.path));
  for (const path of cache.pages.keys()) if (!present.has(path)) cache.pages.delete(path);
  return pages;
}

/** How many pages `renderPages` will produce, for progress display. */
export function pageCount(site: Site, templates: Templates): number {
  return 1 + (templates.has('404') ? 1 : 0) + site.stories.length + site.redirects.length;
}
