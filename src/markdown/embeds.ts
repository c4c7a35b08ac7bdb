// Which addresses a story may embed in an iframe: the `embeds` setting lists hosts,
// each optionally with a path (`www.google.com/maps/embed`), and an embed must be an
// https address on one of them, under that path. One module answers this for the
// settings check, the Markdown stage and the Content-Security-Policy, so the three
// can never disagree about what is allowed.

/** An `embeds` entry taken apart: `{ host: 'www.google.com', path: '/maps/embed' }`; `path` is `''` for a whole host. */
export interface EmbedHost {
  host: string;
  path: string;
}

// Labels of letters, digits and inner hyphens (punycode for other scripts), at least two of them.
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const EXAMPLE = 'e.g. www.youtube-nocookie.com, or www.google.com/maps/embed for one path of a host';

/**
 * Read one entry of the setting: the entry taken apart, or why it cannot be one (a
 * sentence for the settings error). Hosts are compared in lowercase, as browsers do.
 */
export function parseEmbedHost(entry: string): EmbedHost | string {
  const text = entry.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (scheme) {
    return `Write the \`embeds\` entry "${entry}" without its scheme, as ${text.slice(scheme[0].length)}: embeds are always loaded over https`;
  }
  if (text.includes('*')) {
    return `The \`embeds\` entry "${entry}" has a wildcard; list each host a story embeds from on its own, ${EXAMPLE}`;
  }
  const slash = text.indexOf('/');
  const host = (slash < 0 ? text : text.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : text.slice(slash);
  if (!HOST.test(host)) {
    return `Expected each \`embeds\` entry to be a host name, ${EXAMPLE}; got "${entry}"`;
  }
  // Only a plain path: a query, fragment, `..` or anything a URL would rewrite could not be matched as written.
  if (path !== '' && (/[?#\s\\]|\/\.\.?(?:\/|$)/.test(path) || new URL(path, 'https://host.example').pathname !== path)) {
    return `The path of the \`embeds\` entry "${entry}" must be a plain path such as /maps/embed, without a query, fragment or special characters`;
  }
  return { host, path: path === '/' ? '' : path };
}

/** The setting's entries, taken apart; entries the settings check refused are left out. */
export function embedHosts(entries: readonly string[]): EmbedHost[] {
  return entries.map(parseEmbedHost).filter((entry): entry is EmbedHost => typeof entry !== 'string');
}

/** Whether `url` (already parsed) is an https address the setting allows. */
export function isAllowedEmbed(url: URL, hosts: readonly EmbedHost[]): boolean {
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return false;
  return hosts.some(({ host, path }) => url.host === host && underPath(url.pathname, path));
}

function underPath(pathname: string, path: string): boolean {
  if (path === '') return true;
  return pathname === path || pathname.startsWith(path.endsWith('/') ? path : `${path}/`);
}

/**
 * The same test as a pattern on a normalised address (`URL.href`), for the sanitize
 * schema, which then refuses any iframe address the Markdown stage did not check.
 */
export function embedPattern(hosts: readonly EmbedHost[]): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const alternatives = hosts.map(({ host, path }) => `${escape(host)}${escape(path)}${path.endsWith('/') ? '' : '(?:[/?#]|$)'}`);
  return new RegExp(`^https://(?:${alternatives.join('|') || '(?!)'})`);
}

/**
 * CSP sources for the `frame-src` directive. A source's path matches exactly, or as a
 * prefix when it ends in `/`: a path entry gives both, as `isAllowedEmbed` accepts both.
 */
export function embedSources(hosts: readonly EmbedHost[]): string[] {
  const sources = new Set<string>();
  for (const { host, path } of hosts) {
    if (path === '' || path.endsWith('/')) sources.add(`https://${host}${path}`);
    else sources.add(`https://${host}${path}`).add(`https://${host}${path}/`);
  }
  return [...sources];
}
