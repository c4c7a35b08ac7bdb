// Raw HTML in a story arrives from remark-rehype as `raw` nodes, strings of markup;
// rehype-raw parses them into elements (so sanitize, rehype-slug, story images and
// the link check see them) by running the whole tree through parse5, which costs
// more than the rest of the rehype stage together. Most stories have no raw HTML
// at all: for them this is one walk that finds nothing, and the tree is untouched.
import type { Root } from 'hast';
import rehypeRaw from 'rehype-raw';
import type { VFile } from 'vfile';
import { someNode } from './walk.js';

export default function rehypeRawHtml() {
  const parse = rehypeRaw();
  return (tree: Root, file: VFile): Root | undefined => (hasRaw(tree) ? parse(tree, file) : undefined);
}

export function hasRaw(tree: Root): boolean {
  return someNode(tree, (node) => node.type === 'raw');
}
