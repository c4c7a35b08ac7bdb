// `news-sitemap.xml`, the Google News sitemap: the stories published within two
// days of the newest one, at most 1,000 a file (past that, numbered files under
// an index). The window is measured from the newest story rather than the clock,
// so the same site always gives the same bytes; a site publishing daily gets the
// same list either way.
import type { Element } from 'xast';
import { x } from 'xastscript';
import type { OutputFile } from '../support/output-file.js';
import type { PublishedStory, Site } from '../site/model.js';
import { storyUrl } from './site-urls.js';
import { NEWS_LIMIT, NEWS_SITEMAP_PATH, newsStories } from './discovery-paths.js';
import { newest, SITEMAP_NS, splitSitemap, xmlRoot } from './xml.js';

export { NEWS_LIMIT, NEWS_SITEMAP_PATH, NEWS_WINDOW } from './discovery-paths.js';

export const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9';

export function renderNewsSitemap(site: Site): OutputFile[] {
  const recent = newsStories(site);
  const publication = [x('news:name', site.config.title), x('news:language', newsLanguage(site.config.language))];
  return splitSitemap(site, NEWS_SITEMAP_PATH, recent, NEWS_LIMIT, (part) => ({
    tree: xmlRoot(x('urlset', { xmlns: SITEMAP_NS, 'xmlns:news': NEWS_NS }, part.map((story) => entry(site, story, publication)))),
    lastmod: newest(part.map((story) => story.date.time)),
  }));
}

function entry(site: Site, story: PublishedStory, publication: Element[]): Element {
  return x('url', [
    x('loc', storyUrl(site, story)),
    x('news:news', [
      // structuredClone: each entry gets its own nodes, so no node has two parents.
      x('news:publication', structuredClone(publication)),
      x('news:publication_date', new Date(story.date.time).toISOString()),
      x('news:title', story.title),
    ]),
  ]);
}

/**
 * The site's BCP 47 tag as Google News accepts it: the ISO 639 code alone (`es-MX` → `es`),
 * except Chinese, which Google names by script: `zh-tw` for Traditional, `zh-cn` for Simplified.
 */
export function newsLanguage(tag: string): string {
  const [primary = '', ...subtags] = tag.toLowerCase().split('-');
  if (primary !== 'zh') return primary;
  if (subtags.includes('hans')) return 'zh-cn';
  const traditional = subtags.includes('hant') || subtags.some((subtag) => subtag === 'tw' || subtag === 'hk' || subtag === 'mo');
  return traditional ? 'zh-tw' : 'zh-cn';
}
