// What templates see. Designers get plain, documented fields with ready-made
// URLs and display dates, never parser output; optional fields are `null`
// (not missing) so liquid's strict mode can still catch a misspelt name.
import type { StoryDate } from '../content/story-schema.js';
import { findListing, type ListPage } from '../site/listings.js';
import type { PublishedStory, Site } from '../site/model.js';
import { newsArticleJsonLd, type ImageRef } from './structured-data.js';
import type { ArticleView, DateView, HeadlineView, IndexView, SiteView } from './view-types.js';

export interface ViewOptions {
  /** Each story's rendered body. */
  bodyOf: (story: PublishedStory) => string;
  /** Headline entries kept from an earlier build. */
  known?: ((story: PublishedStory) => HeadlineView) | undefined;
  /** The publisher's logo (the `logo` setting), for structured data. */
  logo?: ImageRef | undefined;
  /** The `share_image` setting: what link previews show for a page without an image of its own. */
  shareImage?: ImageRef | undefined;
}

const LIST_TITLES = { home: (name: string) => name, section: (name: string) => name, tag: (name: string) => `Stories tagged “${name}”`, author: (name: string) => `Stories by ${name}` };

/** Builds views for one site; the date formatters are made once, not per page. */
export function createViews(site: Site, options: ViewOptions) {
  const { config } = site;
  const base = new URL(config.url).pathname;
  const siteView: SiteView = {
    title: config.title,
    description: config.description ?? null,
    language: config.language,
    url: config.url,
    base_path: base,
    feed_url: `${base}feed.xml`,
    rss_url: `${base}rss.xml`,
    sections: site.listings.sections.map((listing) => ({ name: listing.name, url: base + listing.url })),
  };
  const formatDateTime = new Intl.DateTimeFormat(config.language, {
    timeZone: config.timezone, year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
  });
  // A date written without a time names a calendar day, not midnight in some zone.
  const formatDay = new Intl.DateTimeFormat(config.language, { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
  const dateView = (date: StoryDate): DateView => ({
    iso: date.iso,
    display: (date.iso.includes('T') ? formatDateTime : formatDay).format(date.time),
  });
  const listingUrl = (kind: 'section' | 'tag' | 'author', name: string | undefined) => {
    const listing = name === undefined ? undefined : findListing(site.listings, kind, name);
    return listing ? base + listing.url : null;
  };

  // Every story appears in many headline lists; build its entry once per build.
  const headlines = new Map<PublishedStory, HeadlineView>();
  const fresh = (story: PublishedStory): HeadlineView => {
    let view = headlines.get(story);
    if (!view) {
      view = { title: story.title, url: `${base}${story.slug}/`, summary: story.summary ?? null, section: story.section ?? null, date: dateView(story.date), is_brief: story.isBrief };
      headlines.set(story, view);
    }
    return view;
  };
  const headline = options.known ?? fresh;
  // Described by the site's name: the share image is its card.
  const shareImage = options.shareImage ? { ...options.shareImage, absolute_url: options.shareImage.url, url: new URL(options.shareImage.url).pathname, alt: config.title } : null;
  const pageDefaults = { image: shareImage, published_time: null, modified_time: null, section: null, tags: [], json_ld: null, prev_url: null, next_url: null };

  return {
    headline: fresh,
    article(story: PublishedStory, listed: readonly PublishedStory[]): ArticleView {
      const canonical = new URL(`${story.slug}/`, config.url).href;
      const lead = story.image;
      const image = lead ? { url: base + lead.output, width: lead.width, height: lead.height, alt: lead.alt } : null;
      const absoluteImage = image ? { ...image, absolute_url: new URL(image.url, config.url).href } : shareImage;
      const description = story.summary ?? siteView.description;
      const modified = (story.updated ?? story.date).iso;
      const jsonLd = newsArticleJsonLd({
        headline: story.title, description, canonicalUrl: canonical, datePublished: story.date.iso, dateModified: modified,
        author: story.author ?? null, section: story.section ?? null, tags: story.tags, language: config.language,
        image: absoluteImage ? { url: absoluteImage.absolute_url, width: absoluteImage.width, height: absoluteImage.height } : null,
        publisher: { name: config.title, url: config.url, logo: options.logo ?? null },
      });
      return {
        site: siteView,
        page: {
          ...pageDefaults, title: story.title, description, canonical_url: canonical, type: 'article', image: absoluteImage,
          published_time: story.date.iso, modified_time: modified, section: story.section ?? null, tags: story.tags, json_ld: jsonLd,
        },
        story: {
          ...headline(story),
          canonical_url: canonical,
          author: story.author ?? null,
          author_url: listingUrl('author', story.author),
          section_url: listingUrl('section', story.section),
          tags: story.tags.map((tag) => ({ name: tag, url: listingUrl('tag', tag) ?? base })),
          updated: story.updated ? dateView(story.updated) : null,
          // Shown above the body only when the frontmatter names it; a lead image taken from the body is already in it.
          image: story.file.data.declaredImage ? image : null,
          body_html: options.bodyOf(story),
        },
        headlines: listed.map(headline),
      };
    },
    list(page: ListPage): IndexView {
      const { listing } = page;
      const heading = LIST_TITLES[listing.kind](listing.name);
      const title = page.number > 1 ? `${heading}, page ${page.number}` : heading;
      const link = (url: string | undefined) => (url === undefined ? null : base + url);
      return {
        site: siteView,
        page: { ...pageDefaults, title, description: siteView.description, canonical_url: new URL(page.url, config.url).href, type: 'website', prev_url: link(page.prev), next_url: link(page.next) },
        list: { kind: listing.kind, title: heading, url: base + listing.url, number: page.number, count: page.count, prev_url: link(page.prev), next_url: link(page.next) },
        headlines: page.stories.map(headline),
      };
    },
    /** The 404 page: the latest headlines, so a reader who followed a dead link finds the news. */
    notFound(stories: readonly PublishedStory[]): IndexView {
      return {
        site: siteView,
        page: { ...pageDefaults, title: 'Page not found', description: siteView.description, canonical_url: null, type: 'website' },
        list: { kind: 'home', title: 'Page not found', url: base, number: 1, count: 1, prev_url: null, next_url: null },
        headlines: stories.slice(0, config.headlines).map(headline),
      };
    },
  };
}
