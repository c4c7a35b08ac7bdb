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
  // A story's headline entry depends only on the story and the settings: reuse it across rebuilds.
  const entries = new Map<PublishedStory, { view: HeadlineView; key: string }>();
  const entryOf = (story: PublishedStory) => {
    let entry = entries.get(story);
    if (entry) return entry;
    const id = `${configKey}|${story.slug}|${story.hash}|${story.updated?.iso ?? ''}`;
    entry = cache.headlines.get(id);
    if (!entry) {
      const view = views.headline(story);
      cache.headlines.set(id, (entry = { view, key: hash(JSON.stringify(view)) }));
    }
    entries.set(story, entry);
    return entry;
  };
  const views = createViews(site, (story) => entryOf(story).view);
  const headlineKey = (story: PublishedStory) => entryOf(story).key;
  // Keys are compared, never stored on disk: joining is enough, hashing each would cost more.
  const keyOf = (parts: string[], listed: readonly PublishedStory[]) => [siteKey, ...parts, ...listed.map(headlineKey)].join('|');

  const pages: OutputFile[] = [];
  const page = async (path: string, template: PageTemplate, key: string, view: () => object) => {
    const cached = cache.pages.get(path);
    if (cached?.key === key) {
      pages.push({ path, contents: cached.contents, fresh: false });
    } else {
      const html = await templates.render(template, view());
      if (html !== undefined) {
        cache.pages.set(path, { key, contents: html });
        pages.push({ path, contents: html, fresh: true });
      }
    }
    onPage();
  };

  await page('index.html', 'index', keyOf(['index'], site.stories), () => views.index(site.stories));
  if (templates.has('404')) {
    const latest = site.stories.slice(0, site.config.headlines);
    await page('404.html', '404', keyOf(['404'], latest), () => views.notFound(site.stories));
  }
  for (const story of site.stories) {
    const listed = moreHeadlines(site, story);
    await page(`${story.slug}/index.html`, 'article', keyOf(['article', story.hash, story.updated?.iso ?? ''], listed), () => views.article(story, listed));
  }
  for (const redirect of site.redirects) {
    await page(redirect.path, 'redirect', keyOf(['redirect', redirect.story.slug, redirect.story.title], []), () => views.article(redirect.story, []));
  }

  const present = new Set(pages.map((p) => p.path));
  for (const path of cache.pages.keys()) if (!present.has(path)) cache.pages.delete(path);
  if (cache.headlines.size > 2 * site.stories.length + 100) cache.headlines.clear();
  return pages;
}

/** How many pages `renderPages` will produce, for progress display. */
export function pageCount(site: Site, templates: Templates): number {
  return 1 + (templates.has('404') ? 1 : 0) + site.stories.length + site.redirects.length;
}
