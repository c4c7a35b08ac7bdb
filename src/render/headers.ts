// `_headers`, the response-header rules Netlify and Cloudflare Pages read from
// the output folder: hashed assets may be cached for a year, pages briefly and
// then revalidated, and every response gets the security headers.
// Both hosts apply every rule that matches a path and join a header set twice
// with commas, so the caching rules are written never to overlap: the assets by
// folder, the pages by URL shape (`:a` is one path segment).
import { embedHosts, embedSources } from '../markdown/embeds.js';
import { sameItems } from '../support/memo.js';
import type { OutputFile } from '../support/output-file.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// A minute in any cache, then checked against the origin's ETag: news changes quickly.
const PAGE = 'public, max-age=60, must-revalidate';
// Feed readers and crawlers poll; five minutes spares the origin without hiding news for long.
const FEED = 'public, max-age=300, must-revalidate';

// Stories never run script (sanitised bodies, no JavaScript in the templates); JSON-LD is data, not script.
// This is the second wall: the first is the sanitized body, which has no script to run.
// Audio and video, like images, may come from any https address (they cannot run script);
// frames only from the hosts of the `embeds` setting, the only ones a story can embed.
function security(embeds: readonly string[]): ReadonlyArray<[string, string]> {
  const frames = embedSources(embedHosts(embeds));
  const frameSrc = frames.length > 0 ? `; frame-src 'self' ${frames.join(' ')}` : '';
  return [
    ['Content-Security-Policy', `default-src 'self'; script-src 'none'; object-src 'none'; img-src 'self' https: data:; media-src 'self' https:${frameSrc}; style-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'`],
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ];
}

/** The last `_headers` file and what it was made from. */
export interface HeadersMemo {
  last?: { basePath: string; embeds: string; paths: readonly string[]; file: OutputFile } | undefined;
}

/** `_headers`, made again only when the set of files or the settings it depends on changed (12,000 paths cost a dev rebuild 5 ms). */
export function headersFile(basePath: string, paths: readonly string[], embeds: readonly string[], memo: HeadersMemo = {}): OutputFile {
  const last = memo.last;
  const embedsKey = embeds.join('\n');
  if (last?.basePath === basePath && last.embeds === embedsKey && sameItems(last.paths, paths)) return last.file;
  const file = renderHeaders(basePath, paths.map((path) => ({ path })), embeds);
  memo.last = { basePath, embeds: embedsKey, paths, file };
  return file;
}

/**
 * `basePath`: where the site lives on its host (`/` or `/news/`); `files`: everything else the build writes;
 * `embeds`: the setting of that name, whose hosts the pages may frame.
 */
export function renderHeaders(basePath: string, files: readonly Pick<OutputFile, 'path'>[], embeds: readonly string[] = []): OutputFile {
  const rules: Array<[string, ReadonlyArray<[string, string]>]> = [[`${basePath}*`, security(embeds)]];
  const cache = (pattern: string, value: string) => rules.push([basePath + pattern, [['Cache-Control', value]]]);
  cache('assets/*', IMMUTABLE);
  cache('media/*', IMMUTABLE);

  // Pages are `…/index.html` served at `…/`: one rule per folder depth the site uses.
  // Pages written under another name (404.html, redirects at old `.html` addresses) get a rule each.
  const depths = new Set<number>();
  const named: string[] = [];
  for (const { path } of files) {
    // Redirect pages may sit at old `.htm` addresses; HTML among the hashed assets is cached as an asset.
    if (!/\.html?$/.test(path) || /^(assets|media)\//.test(path)) continue;
    if (path === 'index.html' || path.endsWith('/index.html')) depths.add(path.split('/').length - 1);
    else named.push(path);
  }
  for (const depth of [...depths].sort((a, b) => a - b)) {
    cache(Array.from({ length: depth }, (_, index) => `:p${index + 1}/`).join(''), PAGE);
  }
  // Cloudflare reads at most 100 rules; past that, such pages keep the host's default (max-age=0, must-revalidate).
  for (const path of named.sort().slice(0, 50)) cache(path, PAGE);
  for (const path of files.map((file) => file.path).filter(isFeed).sort()) cache(path, FEED);

  const text = rules.map(([pattern, headers]) => [pattern, ...headers.map(([name, value]) => `  ${name}: ${value}`)].join('\n')).join('\n');
  return { path: '_headers', contents: `${HEADER}${text}\n` };
}

function isFeed(path: string): boolean {
  return /^(feed|rss|(news-)?sitemap(-\d+)?)\.xml$|^robots\.txt$/.test(path);
}

const HEADER = `# Response headers for Netlify and Cloudflare Pages, written by Broadsheet.
# Hashed assets never change (a new version gets a new name); pages and feeds are revalidated.
`;
