// HTML for feed entries: a story body with every relative URL made absolute
// against the story's page, and plain text escaped as HTML. Feed readers show the body far from the site (often resolving against the feed's
// own address, or not at all), so `../media/photo.jpg`, `/other/` and `#fn-1` would
// otherwise break there.
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import rehypeStringify from 'rehype-stringify';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

// Attributes that hold one URL; `srcSet` holds a list and is handled on its own.
const URL_PROPERTIES = ['href', 'src', 'cite', 'poster', 'longDesc'] as const;

// Through rehype-stringify (a dependency of ours) rather than hast-util-to-html, which is only its dependency.
const serializer = unified().use(rehypeStringify);

/** `html` (sanitised body HTML) with its relative URLs resolved against `base` (the story's absolute URL). */
export function absoluteUrls(html: string, base: string): string {
  const tree: Root = fromHtml(html, { fragment: true });
  visit(tree, 'element', (node: Element) => {
    for (const name of URL_PROPERTIES) {
      const value = node.properties[name];
      if (typeof value === 'string') node.properties[name] = resolve(value, base);
    }
    const srcSet = node.properties.srcSet;
    if (typeof srcSet === 'string') node.properties.srcSet = resolveSrcset(srcSet, base);
  });
  return serializer.stringify(tree);
}

/** `text` as HTML that shows exactly that text (`<` and `&` escaped). */
export function textToHtml(text: string): string {
  return serializer.stringify({ type: 'root', children: [{ type: 'text', value: text }] });
}

/** An absolute URL is kept exactly as written; only relative ones are resolved. */
function resolve(url: string, base: string): string {
  const trimmed = url.trim();
  if (trimmed === '' || URL.canParse(trimmed)) return url;
  return URL.canParse(trimmed, base) ? new URL(trimmed, base).href : url;
}

/**
 * `a.jpg 1x, b.jpg 2x`: a URL then optional descriptors, candidates separated by commas.
 * A URL may itself contain commas (not at its ends), so this walks the whitespace-separated
 * tokens rather than splitting on commas.
 */
function resolveSrcset(value: string, base: string): string {
  let expectUrl = true;
  return value
    .split(/(\s+)/)
    .map((token) => {
      if (token === '' || /^\s+$/.test(token)) return token;
      if (expectUrl) {
        const url = token.replace(/,+$/, '');
        // A URL ending in a comma has no descriptors: the next token is a URL again.
        expectUrl = url !== token;
        return resolve(url, base) + token.slice(url.length);
      }
      const comma = token.indexOf(',');
      if (comma === -1) return token;
      // `2x,next.jpg`: the descriptor ends at the comma and the next URL starts right after it.
      const rest = token.slice(comma + 1);
      expectUrl = rest === '';
      return token.slice(0, comma + 1) + (rest === '' ? '' : resolve(rest, base));
    })
    .join('');
}
