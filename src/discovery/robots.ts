// robots.txt: every crawler may read everything, and is told where the sitemaps are.
// Crawlers only read /robots.txt at the root of a host, so for a site published under
// a path (https://example.org/news/) this file is a template for the host's own.
import type { OutputFile } from '../support/output-file.js';
import type { Site } from '../site/model.js';
import { siteUrl } from './site-urls.js';

export const ROBOTS_PATH = 'robots.txt';

/** `sitemaps`: paths of the sitemap files written (as renderSitemaps returns them). */
export function renderRobots(site: Site, sitemaps: readonly string[]): OutputFile[] {
  const lines = ['User-agent: *', 'Allow: /', ''];
  for (const path of namedSitemaps(sitemaps)) lines.push(`Sitemap: ${siteUrl(site, path)}`);
  return [{ path: ROBOTS_PATH, contents: `${lines.join('\n')}\n` }];
}

/**
 * The sitemaps worth naming. A numbered part (`sitemap-2.xml`) is left out when its index
 * (`sitemap.xml`) is named: crawlers follow an index to its parts, and naming only the index
 * keeps robots.txt the same as the site grows past a split (no stale part names to cache).
 */
function namedSitemaps(paths: readonly string[]): string[] {
  const given = new Set(paths);
  return paths.filter((path) => {
    const index = /^(.*)-\d+\.xml$/.exec(path)?.[1];
    return index === undefined || !given.has(`${index}.xml`);
  });
}
