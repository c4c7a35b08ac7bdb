// The site's `_headers` file (the Netlify / Cloudflare Pages format), read the way
// those CDNs read it, so the tests can serve exactly what it says and check it
// against every URL of the site. Anything this reader does not understand is an
// error naming the line: a test must never quietly serve fewer headers than the
// file asks for.
import { readdir } from 'node:fs/promises';
import { relative, sep } from 'node:path';

export interface HeaderRule {
  /** The URL pattern as written, e.g. `/assets/*` or `/:a/:b/`. */
  pattern: string;
  /** Anchored: `*` is any characters (including `/`), `:name` one non-empty path segment. */
  regex: RegExp;
  /** Header name → value; a name given twice in one rule is joined with `, `, as the CDNs do. */
  headers: Map<string, string>;
  line: number;
}

export function parseHeaders(text: string): HeaderRule[] {
  const rules: HeaderRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (!/^\s/.test(raw)) {
      if (!trimmed.startsWith('/') || /\s/.test(trimmed)) throw new Error(`_headers:${line}: expected a URL path pattern such as /assets/*, got ${JSON.stringify(raw)}`);
      rules.push({ pattern: trimmed, regex: patternToRegex(trimmed), headers: new Map(), line });
      return;
    }
    const rule = rules.at(-1);
    const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(trimmed);
    if (!rule || !match) throw new Error(`_headers:${line}: expected an indented "Name: value" line under a URL pattern, got ${JSON.stringify(raw)}`);
    const name = match[1]!.toLowerCase();
    const value = match[2]!.trim();
    const previous = rule.headers.get(name);
    rule.headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
  });
  return rules;
}

function patternToRegex(pattern: string): RegExp {
  const source = pattern
    .split(/(\*|:[A-Za-z_]\w*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** Header name → the value the rules give `url`, as a CDN would send it (lowercase names). */
export function headersFor(rules: HeaderRule[], url: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const rule of rules.filter((r) => r.regex.test(url))) {
    for (const [name, value] of rule.headers) result.set(name, result.has(name) ? `${result.get(name)}, ${value}` : value);
  }
  return result;
}

/** For one URL, each header set by more than one matching rule, with those rules' patterns. */
export function conflictsFor(rules: HeaderRule[], url: string): string[] {
  const setBy = new Map<string, string[]>();
  for (const rule of rules.filter((r) => r.regex.test(url))) {
    for (const name of rule.headers.keys()) setBy.set(name, [...(setBy.get(name) ?? []), `${rule.pattern} (line ${rule.line})`]);
  }
  return [...setBy].filter(([, patterns]) => patterns.length > 1).map(([name, patterns]) => `${url}: ${name} set by ${patterns.join(' and ')}`);
}

/**
 * Every URL a reader can request from the built site: each file's own path, and a
 * folder's URL for its index.html. The CDN's own control files are not served.
 */
export async function siteUrls(dist: string): Promise<string[]> {
  const entries = await readdir(dist, { recursive: true, withFileTypes: true });
  const urls: string[] = [];
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = `/${relative(dist, `${entry.parentPath}${sep}${entry.name}`).split(sep).join('/')}`;
    if (path === '/_headers' || path === '/_redirects') continue;
    urls.push(path);
    if (path.endsWith('/index.html')) urls.push(path.slice(0, -'index.html'.length));
  }
  return urls.sort();
}
