// Typographic quotes, dashes and ellipses (`"a"` → “a”, `--` → –, `---` → —,
// `...` → …): remark-smartypants's algorithm, with retext run only where it can
// change something. remark-smartypants (MIT) parses the story's whole text with
// retext once for the quotes, then every text node again for dashes and
// ellipses; those natural-language parses cost more than the rest of the
// Markdown stage together (5.4 ms of 9.2 ms on a 600-word story). The quote pass
// needs the whole text (a quote's neighbours decide which way it curls, across
// emphasis and links), so it still runs — only when there is a quote at all. The
// second pass only ever rewrites runs of dots, dashes, backticks and `''`, so a
// text node without one comes out as it went in and is not parsed. The output is
// remark-smartypants's, node for node (tests/typography.test.ts compares both).
import type { Parent, Root, Text } from 'mdast';
import { retext } from 'retext';
import retextSmartypants from 'retext-smartypants';
import { walk } from './walk.js';

export interface Options {
  /** `'oldschool'`: `--` is an en dash, `---` an em dash. Default: retext-smartypants's (`--` is an em dash). */
  dashes?: 'oldschool' | 'inverted' | boolean;
}

// What remark-smartypants visits: text-like leaves, and the blocks that start a fresh run of text.
const LEAVES = new Set(['text', 'inlineCode']);
const BLOCKS = new Set(['paragraph', 'heading', 'tableCell']);
// The second pass changes nothing in a text without one of these (ellipses, ``/'' quotes, dashes).
const MAY_CHANGE = /\.\.|\.\s+\.|``|''|--|–-/;

export default function remarkTypography(options: Options = {}) {
  const quotes = retext().use(retextSmartypants, { ...options, ellipses: false, dashes: false, backticks: false });
  const rest = retext().use(retextSmartypants, { ...options, quotes: false });

  return (tree: Root) => {
    const nodes: Array<Text | { type: 'inlineCode'; value: string } | Parent> = [];
    let all = '';
    walk(tree, (node) => {
      if (LEAVES.has(node.type)) {
        const leaf = node as Text;
        // Code keeps its quotes but still takes up room, so the quotes around it pair up.
        all += leaf.type === 'text' ? leaf.value : 'A'.repeat(leaf.value.length);
        nodes.push(leaf);
      } else if (BLOCKS.has(node.type)) {
        // A quote at the start of a block opens, as after a space.
        all += ' ';
        nodes.push(node as Parent);
      }
    });
    if (/["']/.test(all)) all = String(quotes.processSync(all));

    let start = 0;
    for (const node of nodes) {
      if (!('value' in node)) {
        start += 1;
        continue;
      }
      const end = start + node.value.length;
      if (node.type === 'text') {
        const text = all.slice(start, end);
        node.value = MAY_CHANGE.test(text) ? String(rest.processSync(text)) : text;
      }
      start = end;
    }
  };
}
