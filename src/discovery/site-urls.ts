// Where a story lives and when it last changed, as the feeds and sitemaps state
// them: one answer, so a story's feed entry and its sitemap entry always agree.
import type { PublishedStory, Site } from '../site/model.js';

/** A story's page: `<site url><slug>/`, under the site's path if it has one. */
export function storyUrl(site: Site, story: PublishedStory): string {
  return new URL(`${story.slug}/`, site.config.url).href;
}

/** A path of the site (`''` for the home page, `section/world/`, `sitemap-1.xml`) as an absolute URL. */
export function siteUrl(site: Site, path: string): string {
  return new URL(path, site.config.url).href;
}

/** The story's last change, in milliseconds: its `updated` date, else its publication date. */
export function lastChange(story: PublishedStory): number {
  return story.updated?.time ?? story.date.time;
}
