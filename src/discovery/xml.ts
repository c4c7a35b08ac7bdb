// What the discovery files share: xast tree → output file, and the split of a
// long sitemap into numbered files under a sitemap index.
import type { Element, Root } from 'xast';
import { toXml } from 'xast-util-to-xml';
import { x } from 'xastscript';
import type { OutputFile } from '../support/output-file.js';
import type { Site } from '../site/model.js';
import { partPath } from './discovery-paths.js';
import { siteUrl } from './site-urls.js';

export const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

export function toXmlFile(path: string, tree: Root): OutputFile {
  // A final newline, as every text file the build writes ends with one.
  return { path, contents: `${toXml(tree)}\n` };
}

export function xmlRoot(element: Element): Root {
  return { type: 'root', children: [{ type: 'instruction', name: 'xml', value: 'version="1.0" encoding="utf-8"' }, element] };
}

/** One file of a split sitemap: where it goes and the newest change it lists (ms, or undefined). */
export interface SitemapPart {
  path: string;
  tree: Root;
  lastmod: number | undefined;
}

/**
 * `items` in one file at `path` (`sitemap.xml`) when they fit in `limit`; else in
 * `sitemap-1.xml`, `sitemap-2.xml`… with `path` an index pointing at them.
 */
export function splitSitemap<T>(site: Site, path: string, items: readonly T[], limit: number, build: (items: readonly T[]) => Omit<SitemapPart, 'path'>): OutputFile[] {
  if (items.length <= limit) return [toXmlFile(path, build(items).tree)];
  const parts: SitemapPart[] = [];
  for (let start = 0; start < items.length; start += limit) {
    parts.push({ path: partPath(path, parts.length + 1), ...build(items.slice(start, start + limit)) });
  }
  const index = x(
    'sitemapindex',
    { xmlns: SITEMAP_NS },
    parts.map((part) =>
      x('sitemap', [x('loc', siteUrl(site, part.path)), part.lastmod === undefined ? undefined : x('lastmod', new Date(part.lastmod).toISOString())]),
    ),
  );
  return [toXmlFile(path, xmlRoot(index)), ...parts.map((part) => toXmlFile(part.path, part.tree))];
}

/** The latest of `times`, or undefined when there are none. */
export function newest(times: Iterable<number | undefined>): number | undefined {
  let latest: number | undefined;
  for (const time of times) if (time !== undefined && (latest === undefined || time > latest)) latest = time;
  return latest;
}
