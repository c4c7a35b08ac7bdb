// Links between stories: a link to a path of this site that no page will have
// is an error at the link itself. External links are not fetched; that needs the
// network and belongs to a separate, slower check.
import { closest } from 'fastest-levenshtein';
import type { VFile } from 'vfile';
import { fail } from '../report/messages.js';
import type { Site } from './model.js';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** `outputs`: every path the build writes (`index.html`, `slug/index.html`, `assets/style.css`, …). */
export function checkLinks(site: Site, files: readonly VFile[], outputs: readonly string[]): void {
  const base = new URL(site.config.url);
  const pages = new Set<string>();
  for (const path of outputs) {
    pages.add(base.pathname + path);
    if (path === 'index.html' || path.endsWith('/index.html')) pages.add(base.pathname + path.slice(0, -'index.html'.length));
  }
  const bySource = new Map(site.stories.map((story) => [story.source, story]));
  const known = () => [...pages].filter((path) => path.endsWith('/'));

  for (const file of files) {
    const story = bySource.get(file.path);
    if (!story) continue;
    const here = new URL(`${story.slug}/`, base);
    for (const link of file.data.links ?? []) {
      // Most links go elsewhere; skip them before paying for URL parsing.
      if (SCHEME.test(link.url) && !link.url.startsWith(base.origin)) continue;
      let url: URL;
      try {
        url = new URL(link.url, here);
      } catch {
        continue;
      }
      if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) continue;
      const path = safeDecode(url.pathname);
      if (pages.has(path) || pages.has(`${path}/`)) continue;
      const candidates = known();
      const guess = candidates.length > 0 ? `; did you mean ${closest(path, candidates)}?` : '';
      fail(file, `The link to ${link.url} leads to no page on this site${guess}`, { line: link.line, column: link.column }, 'links/broken');
    }
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
