// The news schema: what rehype-sanitize keeps of a story's HTML, raw or made from
// Markdown. It starts from GitHub's schema (no scripts, no event handlers, no
// `javascript:` URLs, no `style`) and adds what news bodies are made of: figures
// with captions, pictures, tables with captions and header scopes, dates, quotes,
// details, audio and video from https addresses, and iframes from the hosts the
// `embeds` setting lists (rehype-embeds.ts checks them first and explains). Not
// `aside`: inside the article it would be a landmark within the main one, which
// screen readers announce out of context (and axe flags); its text is kept.
// Everything else goes: an element not listed is replaced by its content, and the
// ones in `strip` with it, since their content is code or markup rather than text.
import { defaultSchema, type Options as Schema } from 'rehype-sanitize';
import { embedPattern, type EmbedHost } from './embeds.js';

/** The sandbox every embed gets, whatever the story wrote. */
// Players and maps are scripts that need their own origin (cookies, their own API
// calls), so scripts and same-origin are allowed: safe because an embed is always
// from another host (the settings check refuses the site's own), so its origin is
// never the page's. Popups let "Watch on YouTube" open a tab that works normally.
// Not allowed: navigating the reader's page away (allow-top-navigation), forms,
// modal dialogs, downloads, pointer lock.
export const EMBED_SANDBOX = ['allow-scripts', 'allow-same-origin', 'allow-popups', 'allow-popups-to-escape-sandbox'];

const defaults = defaultSchema.attributes ?? {};
const aria = ['ariaDescribedBy', 'ariaLabel', 'ariaLabelledBy'];
// Media play from an https address: a relative one would name a file Broadsheet does not publish.
const httpsOnly = /^https:\/\//i;
const dimension = /^\d{1,5}$/;
// `photo.jpg 1x, https://cdn.example.org/photo@2x.jpg 2x`: every candidate relative or http(s), none `javascript:` or `data:`.
const candidate = String.raw`(?:https?:\/\/|(?![a-z][a-z0-9+.-]*:))[^\s,\x00-\x1f\x7f]+(?:\s+\d+(?:\.\d+)?[wx])?`;
const srcSet = new RegExp(String.raw`^\s*${candidate}(?:\s*,\s*${candidate})*\s*$`, 'i');

// GitHub's schema allows some forty attributes on every element; this one allows
// three, and lists the rest per element. Left out on purpose: `id` and `name`, which
// name things in the DOM (a story's `<img name="getElementById">` could shadow what a
// page script looks up: pages have none, and the CSP forbids any, but that is the
// second wall, and a site may add scripts), so user-written ones are dropped rather
// than prefixed (a prefixed id would not match the writer's `#anchor` links either),
// and a raw heading gets its id from rehype-slug like a Markdown one; form attributes
// (forms are dropped); the presentational attributes HTML no longer has; `style`.
const globals = ['dir', 'lang', 'title'];

/** The schema for a site whose `embeds` setting lists `hosts` (none: no iframe at all). */
export function newsSchema(hosts: readonly EmbedHost[]): Schema {
  const embeds = hosts.length > 0;
  return {
    ...defaultSchema,
    // No prefix: the only ids that pass are the footnotes' (already `user-content-`), and rehype-slug's come after.
    clobberPrefix: '',
    tagNames: [
      ...(defaultSchema.tagNames ?? []),
      ...['figure', 'figcaption', 'caption', 'colgroup', 'col', 'abbr', 'cite', 'dfn', 'time', 'mark', 'small', 'u', 'bdi', 'bdo', 'wbr'],
      ...['audio', 'video', 'track'],
      ...(embeds ? ['iframe'] : []),
    ],
    strip: ['script', 'style', 'template', 'noscript', 'textarea', 'title', 'xmp', 'noembed', 'noframes', 'plaintext', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'select'],
    ancestors: {
      ...defaultSchema.ancestors,
      caption: ['table'],
      colgroup: ['table'],
      col: ['table'],
      figcaption: ['figure'],
      // Only GFM task lists make inputs (disabled checkboxes); a raw `<input type="password">` would become one too.
      input: ['li'],
      track: ['audio', 'video'],
    },
    protocols: {
      ...defaultSchema.protocols,
      href: [...(defaultSchema.protocols?.href ?? []), 'tel'],
    },
    attributes: {
      '*': globals,
      // The footnotes' attributes, and the only ids that pass: the ones remark-rehype gives footnotes.
      a: [...(defaults.a ?? []), 'hrefLang', ['id', /^user-content-fnref-/]],
      li: [...(defaults.li ?? []), 'value', ['id', /^user-content-fn-/]],
      h2: [...(defaults.h2 ?? []), ['id', 'footnote-label']],
      section: defaults.section ?? [],
      // Code blocks' language class, and GFM task lists' disabled checkboxes.
      code: defaults.code ?? [],
      input: [...(defaults.input ?? []), ['checked', true]],
      ul: defaults.ul ?? [],
      ol: [...(defaults.ol ?? []), 'start', 'reversed', 'type'],
      dl: defaults.dl ?? [],
      blockquote: ['cite'],
      q: ['cite'],
      del: ['cite', 'dateTime'],
      ins: ['cite', 'dateTime'],
      time: ['dateTime'],
      details: ['open'],
      summary: defaults.summary ?? [],
      // GFM tables say a column's alignment with `align`; rehype-table-align turns it into a class.
      table: defaults.table ?? [],
      th: ['align', 'scope', 'abbr', 'colSpan', 'rowSpan'],
      td: ['align', 'colSpan', 'rowSpan'],
      col: ['span'],
      colgroup: ['span'],
      img: [...aria, 'src', 'alt', 'longDesc', ['srcSet', srcSet], 'sizes', ['loading', 'lazy', 'eager'], ['decoding', 'async', 'sync', 'auto'], ['width', dimension], ['height', dimension]],
      source: [['srcSet', srcSet], 'sizes', 'media', 'type', ['src', httpsOnly], ['width', dimension], ['height', dimension]],
      video: [...aria, ['src', httpsOnly], ['poster', httpsOnly], ['width', dimension], ['height', dimension], ['preload', 'none', 'metadata', 'auto'], 'loop', 'muted', 'playsInline', 'controls'],
      audio: [...aria, ['src', httpsOnly], ['preload', 'none', 'metadata', 'auto'], 'loop', 'muted', 'controls'],
      track: [['src', httpsOnly], ['kind', 'subtitles', 'captions', 'descriptions', 'chapters'], 'srcLang', 'label', 'default'],
      iframe: [['src', embedPattern(hosts)], 'title', ['width', dimension], ['height', dimension], ['loading', 'lazy'], ['sandbox', ...EMBED_SANDBOX], 'allowFullScreen'],
    },
    required: {
      ...defaultSchema.required,
      // Readers can always pause: no autoplay attribute passes, and the controls are always there.
      audio: { controls: true },
      video: { controls: true },
      iframe: { sandbox: EMBED_SANDBOX, loading: 'lazy', allowFullScreen: true },
    },
  };
}
