// Stage 6: the site model → the pages of the site, handed to the output as they are
// rendered. A page is rendered only when its key — everything it is made from: the
// code, the templates, the settings, the assets, the story and the headlines it
// lists — differs from the key of the page the output already holds; otherwise the
// output keeps its file. Keys are compared, never the pages themselves, so a rebuild
// after one edit renders one page however large the site.
import type { BuildCache } from '../cache/build-cache.js';
import { hash } from '../support/hash.js';
import type { PublishedStory, Site } from '../site/model.js';
import { moreHeadlines } from '../site/model.js';
import type { OutputWrite } from '../write/output.js';
import type { PagePool } from './page-pool.js';
import type { PageTemplate, Templates } from './templates.js';
import type { ImageRef } from './structured-data.js';
import { createViews } from './view-model.js';
import type { HeadlineView } from './view-types.js';

export interface RenderOptions {
  /** Each story's rendered body, read when its page is rendered. */
  bodyOf: (story: PublishedStory) => string;
  /** Changes whenever Broadsheet's code or an asset does (pages link assets by hashed name). */
  assetsKey: string;
  /** The publisher's logo, for structured data. */
  logo: ImageRef | undefined;
  /** The image link previews show for a story without one. */
  shareImage: ImageRef | undefined;
  /** Awaited before the first page is rendered: what `bodyOf` may need is loaded only by a build that renders. */
  prepare?: (() => Promise<unknown>) | undefined;
  /** Starts threads that render pages beside this one (page-pool.ts), for a build that renders many. Default: this thread only. */
  startPool?: (() => PagePool) | undefined;
  /** Called after each page, rendered or kept. */
  onPage?: (() => void) | undefined;
}

// Pages rendered here before a pool starts, and pages that must be left to look at for one to pay
// for its start (a worker loads liquidjs and the templates in about 0.2 s, then runs cold for a while).
const POOL_AFTER = 32;
const POOL_FROM = 512;
// Pages being rendered or written at once: enough to keep the workers fed while this thread renders too.
const IN_FLIGHT = 16;

export interface OutputFile {
  /** Path under the output folder, with `/` separators. */
  path: string;
  contents: string | Uint8Array;
}

/**
 * Files made together from inputs that `key` stands for (the sitemap and its numbered parts,
 * the two feeds): the output keeps them unrendered while it holds every one of `paths` under
 * that key. `render` gives exactly `paths`.
 */
export interface KeyedFiles {
  key: string;
  paths: readonly string[];
  render: () => Promise<OutputFile[]>;
}

/** An article page's key, with the settings and headline list it was worked out for. */
export interface ArticleKey {
  siteKey: string;
  list: string;
  key: string;
  path: string;
}

export interface RenderedPages {
  /** Every page's output path, in the order they were handed over. */
  paths: string[];
  /** How many were rendered, rather than kept from the output. */
  rendered: number;
}

export async function renderPages(site: Site, templates: Templates, cache: BuildCache, write: OutputWrite, options: RenderOptions): Promise<RenderedPages> {
  const onPage = options.onPage ?? (() => {});
  const configKey = hash(JSON.stringify(site.config));
  // Every page shows the section navigation and links the hashed stylesheet.
  const sectionsKey = site.listings.sections.map((listing) => listing.url + listing.name).join('\n');
  const siteKey = hash(templates.key, configKey, options.assetsKey, sectionsKey);
  // A story's headline entry depends only on the story and the settings: reuse it across rebuilds
  // (the site model hands back the same story object while the story is unchanged).
  // Its key comes from the fields the entry shows (its display date is the settings' work on
  // `date.iso`), so only the pages rendered need the entry itself, with its formatted date.
  const entryOf = (story: PublishedStory) => {
    const known = cache.headlines.get(story) as { configKey: string; view: HeadlineView | undefined; key: string } | undefined;
    if (known?.configKey === configKey) return known;
    const shown = [story.slug, story.title, story.summary ?? '', story.section ?? '', story.date.iso, story.isBrief ? 'brief' : 'story'];
    // The fields themselves, not their hash: a list's key hashes them all at once (a hash each cost a build 40 ms at 10,000 stories).
    const entry = { configKey, view: undefined, key: JSON.stringify(shown) };
    cache.headlines.set(story, entry);
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
    const known = cache.lists.get(listed) as { configKey: string; key: string } | undefined;
    if (known?.configKey === configKey) return known.key;
    const key = listKey(listed);
    cache.lists.set(listed, { configKey, key });
    return key;
  };

  const paths: string[] = [];
  let rendered = 0;
  let begun = 0;
  let prepared: Promise<unknown> | undefined;
  let pool: PagePool | undefined;
  const total = pageCount(site, templates);
  // Synchronous for a kept page, the common case: a rebuild after one edit keeps thousands.
  const page = (path: string, template: PageTemplate, key: string, view: () => object): Promise<void> | undefined => {
    paths.push(path);
    if (!write.has(path, key)) return renderPage(path, template, key, view);
    write.keep(path, key);
    onPage();
    return undefined;
  };
  const renderPage = async (path: string, template: PageTemplate, key: string, view: () => object): Promise<void> => {
    await (prepared ??= options.prepare?.());
    if (++begun === POOL_AFTER && total - paths.length >= POOL_FROM) pool = options.startPool?.();
    const html = pool ? await pool.render(template, view()) : templates.render(template, view());
    if (html !== undefined) {
      rendered++;
      await write.put(path, key, html);
    }
    onPage();
  };
  // Pages in flight: each one's failure is kept and thrown once the others settled.
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  const track = async (rendering: Promise<void>) => {
    const running: Promise<void> = rendering.catch((error: unknown) => void (failure ??= error)).finally(() => pending.delete(running));
    pending.add(running);
    while (pending.size >= IN_FLIGHT) await Promise.race(pending);
    if (failure) throw failure;
  };
  try {
    await renderAll();
    while (pending.size > 0) await Promise.race(pending);
    if (failure) throw failure;
  } finally {
    await Promise.allSettled(pending);
    await pool?.close();
  }
  return { paths, rendered };

  async function renderAll() {
    // The home page is the first page of the headline index; the rest of it, and the section, tag
    // and author pages, share one template.
    for (const list of site.listings.pages) {
      const template = list.listing.kind === 'home' && list.number === 1 ? 'index' : 'list';
      // A list page showing no edited story is the same object after an edit (updateListings).
      let known = cache.lists.get(list) as { siteKey: string; key: string } | undefined;
      if (known?.siteKey !== siteKey) {
        known = { siteKey, key: hash(siteKey, template, list.url, list.listing.name, String(list.count), list.prev ?? '', list.next ?? '', pageListKey(list.stories)) };
        cache.lists.set(list, known);
      }
      const rendering = page(list.path, template, known.key, () => views.list(list));
      if (rendering) await track(rendering);
    }
    if (templates.has('404')) {
      const latest = site.stories.slice(0, site.config.headlines);
      const rendering = page('404.html', '404', hash(siteKey, '404', listKey(latest)), () => views.notFound(site.stories));
      if (rendering) await track(rendering);
    }
    // Every story older than the newest few lists the same headlines: work that list out once.
    const common = site.stories.slice(0, site.config.headlines);
    const commonKey = listKey(common);
    const earlier = site.config.more_headlines === 'earlier';
    // Keys by story: the site model hands back the same object while a story is unchanged, so a key
    // is only worked out again when the settings or its list change. The last build's keys are also
    // kept in story order: comparing two arrays is cheaper than a WeakMap lookup per story, which
    // at 10,000 stories cost a dev rebuild more than rendering its one page.
    const last = cache.articleKeys;
    const keys: ArticleKey[] = new Array(site.stories.length);
    for (let index = 0; index < site.stories.length; index++) {
      const story = site.stories[index] as PublishedStory;
      // Stories are newest first: the newest few list the others, not themselves.
      const own = earlier || index <= site.config.headlines;
      const listed = own ? moreHeadlines(site, story, index) : common;
      const list = own ? listKey(listed) : commonKey;
      let known = last?.stories[index] === story ? last.keys[index] : (cache.articles.get(story) as ArticleKey | undefined);
      if (known?.siteKey !== siteKey || known.list !== list) {
        known = { siteKey, list, key: hash(siteKey, 'article', story.hash, story.updated?.iso ?? '', list), path: `${story.slug}/index.html` };
        cache.articles.set(story, known);
      }
      keys[index] = known;
      const rendering = page(known.path, 'article', known.key, () => views.article(story, listed));
      if (rendering) await track(rendering);
    }
    cache.articleKeys = { stories: site.stories, keys };
    for (const redirect of site.redirects) {
      // A site's own redirect.liquid may show anything about the story: key it like the story's page.
      const story = redirect.story;
      const rendering = page(redirect.path, 'redirect', hash(siteKey, 'redirect', story.slug, story.hash, story.updated?.iso ?? ''), () => views.article(story, []));
      if (rendering) await track(rendering);
    }
  }
}

/** How many pages `renderPages` will produce, for progress display. */
export function pageCount(site: Site, templates: Templates): number {
  return site.listings.pages.length + (templates.has('404') ? 1 : 0) + site.stories.length + site.redirects.length;
}
