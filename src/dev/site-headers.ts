// The headers the published site gets from its host, for the dev server to send:
// `_headers`, which the build writes with the pages (render/headers.ts), read back
// from the dev folder. So `dev` answers with the same Content-Security-Policy and
// security headers as Netlify or Cloudflare Pages would, from the same rules
// rather than a copy of them, and a change to the `embeds` setting shows in both
// at once. Two things differ: caching rules are left out (dev sends no-store, so a
// rebuild shows at once), and every policy's script-src also allows the
// live-reload script, by its hash (live-reload.ts).
import { join } from 'node:path';
import { readRegularText } from '../support/files.js';
import { LIVE_RELOAD_SOURCE } from './live-reload.js';

interface Rule {
  pattern: RegExp;
  headers: Array<[string, string]>;
}

export type SiteHeaders = (path: string) => Array<[string, string]>;

/** The rules of `dir/_headers`, for a request path; none when the folder has no such file (yet). */
export function readSiteHeaders(dir: string): SiteHeaders {
  let text: string;
  try {
    text = readRegularText(join(dir, '_headers'));
  } catch {
    return () => [];
  }
  const rules = parseHeaders(text);
  return (path) => {
    const joined = new Map<string, string>();
    for (const rule of rules) {
      if (!rule.pattern.test(path)) continue;
      // A header set by two rules that match is sent once, its values joined, as both hosts do.
      for (const [name, value] of rule.headers) joined.set(name, joined.has(name) ? `${joined.get(name)}, ${value}` : value);
    }
    return [...joined];
  };
}

/** `_headers` as Netlify reads it: a path pattern, then its `Name: value` lines, indented. */
function parseHeaders(text: string): Rule[] {
  const rules: Rule[] = [];
  let current: Rule | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push((current = { pattern: patternOf(line.trim()), headers: [] }));
      continue;
    }
    const colon = line.indexOf(':');
    if (!current || colon === -1) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'cache-control') continue;
    current.headers.push([name, name.toLowerCase() === 'content-security-policy' ? allowLiveReload(value) : value]);
  }
  return rules.filter((rule) => rule.headers.length > 0);
}

/** `/news/*` → any path under /news/; `:name` → one path segment; everything else literally. */
function patternOf(pattern: string): RegExp {
  const source = pattern
    .split(/(\*|:[A-Za-z_]\w*)/)
    .map((part, index) => (index % 2 === 0 ? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : part === '*' ? '.*' : '[^/]+'))
    .join('');
  return new RegExp(`^${source}$`);
}

/** The policy with its script-src (or, lacking one, the default-src it falls back to) also allowing the live-reload script. */
export function allowLiveReload(policy: string): string {
  const directives = policy
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '');
  const sourcesOf = (name: string) => directives.find((directive) => directive.split(/\s+/)[0]?.toLowerCase() === name)?.split(/\s+/).slice(1);
  const scripts = sourcesOf('script-src') ?? sourcesOf('default-src');
  // No policy for scripts at all: the inline script runs as it is.
  if (scripts === undefined) return policy;
  const allowed = `script-src ${[...scripts.filter((source) => source !== "'none'"), LIVE_RELOAD_SOURCE].join(' ')}`;
  const at = directives.findIndex((directive) => directive.split(/\s+/)[0]?.toLowerCase() === 'script-src');
  if (at === -1) directives.push(allowed);
  else directives[at] = allowed;
  return directives.join('; ');
}
