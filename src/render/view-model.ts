// What templates see. Designers get plain, documented fields with ready-made
// URLs and display dates, never parser output; optional fields are `null`
// (not missing) so liquid's strict mode can still catch a misspelt name.
import type { SiteConfig } from '../config/config.js';
import type { StoryDate } from '../content/story-schema.js';
import type { PublishedStory, Site } from '../site/model.js';

export interface SiteView {
  title: string;
  description: string | null;
  language: string;
  /** Absolute address of the home page, ending in `/`. */
  url: string;
  /** Path of the home page on its host (`/` or `/news/`); page links start with it. */
  base_path: string;
}

export interface DateView {
  /** As written in the frontmatter, for `<time datetime>`. */
  iso: string;
  /** For readers, in the site's language and time zone. */
  display: string;
}

export interface HeadlineView {
  title: string;
  url: string;
  summary: string | null;
  section: string | null;
  date: DateView;
  is_brief: boolean;
}

export interface StoryView extends HeadlineView {
  canonical_url: string;
  author: string | null;
  tags: string[];
  updated: DateView | null;
  /** Sanitised HTML of the body; empty for a brief. */
  body_html: string;
}

export interface PageView {
  title: string;
  description: string | null;
  /** `null` where the page must not claim an address (the 404 page is served at any). */
  canonical_url: string | null;
}

export interface ArticleView {
  site: SiteView;
  page: PageView;
  story: StoryView;
  headlines: HeadlineView[];
}

export interface IndexView {
  site: SiteView;
  page: PageView;
  headlines: HeadlineView[];
}

/**
 * Builds views for one site; the date formatters are made once, not per page.
 * `known` may supply headline entries kept from an earlier build.
 */
export function createViews(site: Site, known?: (story: PublishedStory) => HeadlineView) {
  const { config } = site;
  const siteView = toSiteView(config);
  const formatDateTime = new Intl.DateTimeFormat(config.language, {
    timeZone: config.timezone, year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
  });
  // A date written without a time names a calendar day, not midnight in some zone.
  const formatDay = new Intl.DateTimeFormat(config.language, { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
  const dateView = (date: StoryDate): DateView => ({
    iso: date.iso,
    display: (date.iso.includes('T') ? formatDateTime : formatDay).format(date.time),
  });
  const urlOf = (story: PublishedStory) => `${siteView.base_path}${story.slug}/`;

  // Every story appears in many headline lists; build its entry once per build.
  const headlines = new Map<PublishedStory, HeadlineView>();
  const fresh = (story: PublishedStory): HeadlineView => {
    let view = headlines.get(story);
    if (!view) {
      view = { title: story.title, url: urlOf(story), summary: story.summary ?? null, section: story.section ?? null, date: dateView(story.date), is_brief: story.isBrief };
      headlines.set(story, view);
    }
    return view;
  };
  const headline = known ?? fresh;

  return {
    headline: fresh,
    article(story: PublishedStory, headlines: readonly PublishedStory[]): ArticleView {
      const canonical = new URL(`${story.slug}/`, siteView.url).href;
      return {
        site: siteView,
        page: { title: story.title, description: story.summary ?? siteView.description, canonical_url: canonical },
        story: {
          ...headline(story),
          canonical_url: canonical,
          author: story.author ?? null,
          tags: story.tags,
          updated: story.updated ? dateView(story.updated) : null,
          body_html: story.html,
        },
        headlines: headlines.map(headline),
      };
    },
    index(stories: readonly PublishedStory[]): IndexView {
      return {
        site: siteView,
        page: { title: siteView.title, description: siteView.description, canonical_url: siteView.url },
        headlines: stories.map(headline),
      };
    },
    /** The 404 page: the latest headlines, so a reader who followed a dead link finds the news. */
    notFound(stories: readonly PublishedStory[]): IndexView {
      return {
        site: siteView,
        page: { title: 'Page not found', description: siteView.description, canonical_url: null },
        headlines: stories.slice(0, config.headlines).map(headline),
      };
    },
  };
}

function toSiteView(config: SiteConfig): SiteView {
  return {
    title: config.title,
    description: config.description ?? null,
    language: config.language,
    url: config.url,
    base_path: new URL(config.url).pathname,
  };
}
