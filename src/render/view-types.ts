// The view model's shapes: what every template variable holds. Designers read
// this file to see what `site`, `page`, `story`, `list` and `headlines` offer;
// view-model.ts fills them.
import type { Listing } from '../site/listings.js';

export interface SiteView {
  title: string;
  description: string | null;
  language: string;
  /** Absolute address of the home page, ending in `/`. */
  url: string;
  /** Path of the home page on its host (`/` or `/news/`); page links start with it. */
  base_path: string;
  /** Paths of the Atom and RSS feeds. */
  feed_url: string;
  rss_url: string;
  /** Every section, for the site's navigation. */
  sections: LinkView[];
}

export interface LinkView {
  name: string;
  url: string;
}

export interface DateView {
  /** As written in the frontmatter, for `<time datetime>`. */
  iso: string;
  /** For readers, in the site's language and time zone. */
  display: string;
}

export interface ImageView {
  /** Path of the image on the site. */
  url: string;
  width: number;
  height: number;
  alt: string;
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
  /** The author's page. */
  author_url: string | null;
  section_url: string | null;
  tags: LinkView[];
  updated: DateView | null;
  /** The frontmatter's `image:`, shown above the body. */
  image: ImageView | null;
  /** Sanitised HTML of the body; empty for a brief. */
  body_html: string;
}

/** What `<head>` says about the page: title, description, canonical address, social cards, structured data. */
export interface PageView {
  title: string;
  description: string | null;
  /** `null` where the page must not claim an address (the 404 page is served at any). */
  canonical_url: string | null;
  /** OpenGraph type: `article` for stories, `website` for the rest. */
  type: 'article' | 'website';
  /** Absolute address of the page's image, for social cards. */
  image: (ImageView & { absolute_url: string }) | null;
  published_time: string | null;
  modified_time: string | null;
  section: string | null;
  tags: string[];
  /** schema.org JSON-LD, already safe to print inside `<script type="application/ld+json">` with `| raw`. */
  json_ld: string | null;
  /** Neighbouring pages of a paginated list. */
  prev_url: string | null;
  next_url: string | null;
}

export interface ListView {
  kind: Listing['kind'];
  /** The heading: the section's name, "Stories tagged …", "Stories by …", or the site title. */
  title: string;
  url: string;
  /** 1-based page number, and how many pages the list has. */
  number: number;
  count: number;
  prev_url: string | null;
  next_url: string | null;
}

export interface ArticleView {
  site: SiteView;
  page: PageView;
  story: StoryView;
  headlines: HeadlineView[];
}

/** The home page, its archive pages, and the section, tag and author pages. */
export interface IndexView {
  site: SiteView;
  page: PageView;
  list: ListView;
  headlines: HeadlineView[];
}
