// GFM tables mark column alignment with `align="left|center|right"`, an attribute
// HTML dropped long ago (html-validate rejects it). The same choice becomes a
// class, `align-left|align-center|align-right`, which the stylesheet turns into
// `text-align`. Runs after rehype-sanitize, whose schema would drop the class.
import type { Root } from 'hast';
import { eachElement } from './walk.js';

const ALIGNMENTS = new Set(['left', 'center', 'right']);

export default function rehypeTableAlign() {
  return (tree: Root) => {
    eachElement(tree, (node) => {
      if (node.tagName !== 'th' && node.tagName !== 'td') return;
      const align = node.properties.align;
      if (align === undefined) return;
      delete node.properties.align;
      if (typeof align !== 'string' || !ALIGNMENTS.has(align)) return;
      const classes = Array.isArray(node.properties.className) ? node.properties.className : [];
      node.properties.className = [...classes, `align-${align}`];
    });
  };
}
