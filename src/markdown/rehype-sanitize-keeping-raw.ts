// `raw_html: trusted`: raw HTML is kept as the story wrote it, and everything made
// from Markdown is sanitized as on any site, so a `[link](javascript:…)` is still
// dropped (trusted staff mean the HTML they write, not a mistyped or pasted link).
// Runs before rehype-raw, while raw HTML is still `raw` nodes, strings that no
// Markdown element can come from: each is set aside behind a placeholder element the
// schema keeps, the tree is sanitized, and the raw nodes go back in their places.
import type { Root, RootContent } from 'hast';
import rehypeSanitize, { type Options as Schema } from 'rehype-sanitize';
import { visit } from 'unist-util-visit';
import { hasRaw } from './rehype-raw-html.js';

export interface Options {
  /** The schema for everything but raw HTML (the news schema). Required: there is no default. */
  schema: Schema;
}

// Not a name HTML has, and only ever made here: raw HTML is not parsed until later.
const PLACEHOLDER = 'broadsheet-raw';

export default function rehypeSanitizeKeepingRaw(options: Options) {
  const { schema } = options;
  const sanitize = rehypeSanitize({
    ...schema,
    tagNames: [...(schema.tagNames ?? []), PLACEHOLDER],
    attributes: { ...schema.attributes, [PLACEHOLDER]: [['dataIndex', /^\d+$/]] },
  });
  return (tree: Root): Root => {
    if (!hasRaw(tree)) return sanitize(tree);
    const raws: RootContent[] = [];
    visit(tree, 'raw', (node, index, parent) => {
      if (!parent || index === undefined) return;
      parent.children[index] = { type: 'element', tagName: PLACEHOLDER, properties: { dataIndex: raws.length }, children: [] };
      raws.push(node);
    });
    const clean = sanitize(tree);
    visit(clean, 'element', (node, index, parent) => {
      if (node.tagName !== PLACEHOLDER || !parent || index === undefined) return;
      const raw = raws[Number(node.properties.dataIndex)];
      if (raw) parent.children[index] = raw as (typeof parent.children)[number];
      else parent.children.splice(index, 1);
      return index;
    });
    return clean;
  };
}
