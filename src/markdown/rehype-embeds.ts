// Iframes in raw HTML: an embed from a host the `embeds` setting lists is kept, over
// https, rebuilt with the attributes Broadsheet chooses (a forced sandbox, lazy
// loading, fullscreen, a title); any other is dropped with a warning at its line
// saying which host it was and where to allow it. Runs after rehype-raw, before
// rehype-sanitize, whose schema (sanitize-schema.ts) would drop such iframes too,
// but silently: this plugin is the one that explains.
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { warn } from '../report/messages.js';
import { isAllowedEmbed, type EmbedHost } from './embeds.js';
import { EMBED_SANDBOX } from './sanitize-schema.js';
import { eachElement, REMOVE, SKIP } from './walk.js';

// config.ts's CONFIG_FILE, spelt out: config/ imports this folder (embeds.ts reads its `embeds`), so this folder does not import it back.
const CONFIG_FILE = 'broadsheet.yaml';

export interface Options {
  /** The `embeds` setting, taken apart (embeds.ts). Default: none, so every iframe is dropped. */
  hosts?: readonly EmbedHost[] | undefined;
}

const defaults = { hosts: [] } satisfies Options;

export default function rehypeEmbeds(options: Options = {}) {
  const hosts = options.hosts ?? defaults.hosts;
  return (tree: Root, file: VFile) => {
    eachElement(tree, (node) => {
      if (node.tagName !== 'iframe') return;
      const place = node.position && { line: node.position.start.line, column: node.position.start.column };
      const written = typeof node.properties.src === 'string' ? node.properties.src.trim() : '';
      const url = URL.canParse(written) ? new URL(written) : undefined;
      if (!url || !isAllowedEmbed(url, hosts)) {
        const [reason, rule] = whyDropped(written, url, hosts);
        warn(file, reason, place, rule);
        return REMOVE;
      }
      const title = typeof node.properties.title === 'string' ? node.properties.title.trim() : '';
      if (title === '') {
        warn(file, `The embed from ${url.host} has no title, so screen readers announce it only as "${defaultTitle(url)}"; say what it shows: <iframe title="Video: the bridge opens" src="…">`, place, 'markdown/embed-title');
      }
      node.properties = { src: url.href, title: title || defaultTitle(url), ...size(node), loading: 'lazy', sandbox: [...EMBED_SANDBOX], allowFullScreen: true };
      // What an iframe holds is never shown by a browser that can show the iframe.
      node.children = [];
      return SKIP;
    });
  };
}

function whyDropped(written: string, url: URL | undefined, hosts: readonly EmbedHost[]): [string, string] {
  const shown = written.length > 60 ? `${written.slice(0, 57)}…` : written;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    const what = written === '' ? 'An iframe without a `src`' : `The iframe \`${shown}\``;
    return [`${what} was removed: an embed must load an https:// address from a host listed in the \`embeds\` setting of ${CONFIG_FILE}`, 'markdown/embed-url'];
  }
  const listed = hosts.filter((entry) => entry.host === url.host);
  if (url.protocol === 'http:' && listed.length > 0) {
    return [`The embed from ${url.host} was removed: it loads over http, which readers' browsers block on an https page; write its address with https://`, 'markdown/embed-url'];
  }
  if (listed.length > 0 && (url.username !== '' || url.password !== '')) {
    return [`The embed from ${url.host} was removed: its address has a user name or password in it, which would be sent to ${url.host} from every reader's browser; remove the part before the @`, 'markdown/embed-url'];
  }
  if (listed.length > 0 && url.protocol === 'https:') {
    const paths = listed.map((entry) => `${entry.host}${entry.path}`).join(', ');
    return [`The embed ${url.host}${url.pathname} was removed: the \`embeds\` setting allows that host only as ${paths}; add ${url.host}${url.pathname} to \`embeds:\` in ${CONFIG_FILE} if you trust it`, 'markdown/embed-host'];
  }
  return [`The embed from ${url.host} was removed: only hosts listed in the \`embeds\` setting may show their pages in a story; if you trust it, add it to \`embeds:\` in ${CONFIG_FILE}, e.g. embeds: [${url.host}]`, 'markdown/embed-host'];
}

function defaultTitle(url: URL): string {
  return `Embedded content from ${url.host}`;
}

/** The width and height the story gave, when they are plain numbers of pixels. */
function size(node: Element): { width?: number; height?: number } {
  const result: { width?: number; height?: number } = {};
  for (const key of ['width', 'height'] as const) {
    const value = String(node.properties[key] ?? '');
    if (/^\d{1,5}$/.test(value)) result[key] = Number(value);
  }
  return result;
}
