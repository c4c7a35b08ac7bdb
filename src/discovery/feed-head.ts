// Corrections to the feed-level fields xast-util-feed writes. It stamps feeds with
// the current time (`updated`, `lastBuildDate`, `dc:date`), which would make every
// build differ, and writes Atom's site link as text (`<link>url</link>`) where Atom
// requires an `href`, so readers found no link to the site. The trees are edited
// in place, before serialising.
import type { Element, Root } from 'xast';
import { x } from 'xastscript';

// An empty feed has no story to be dated by, and Atom requires `updated`: the epoch
// keeps it valid and the build reproducible.
const NO_DATE = 0;

/** `updated`: the feed's last change in milliseconds, or undefined for a feed with no entries. */
export function settleAtom(tree: Root, site: string, updated: number | undefined): void {
  const feed = childAt(tree, ['feed']);
  feed.children = feed.children.map((node) => {
    if (node.type !== 'element') return node;
    if (node.name === 'updated') return x('updated', new Date(updated ?? NO_DATE).toISOString());
    if (node.name === 'link' && node.attributes?.href === undefined) return x('link', { rel: 'alternate', type: 'text/html', href: new URL(site).href });
    return node;
  });
}

export function settleRss(tree: Root, updated: number | undefined): void {
  const channel = childAt(tree, ['rss', 'channel']);
  // RSS needs no build date: a feed with no entries simply has none.
  const when = updated === undefined ? undefined : new Date(updated);
  channel.children = channel.children.flatMap((node): Element['children'] => {
    if (node.type !== 'element') return [node];
    if (node.name === 'lastBuildDate') return when ? [x('lastBuildDate', when.toUTCString())] : [];
    if (node.name === 'dc:date') return when ? [x('dc:date', when.toISOString())] : [];
    return [node];
  });
}

function childAt(tree: Root, path: readonly string[]): Element {
  let parent: Root | Element = tree;
  for (const name of path) {
    const child = childElement(parent, name);
    if (!child) throw new Error(`Feed without <${path.join('> <')}>: has xast-util-feed changed its output?`);
    parent = child;
  }
  return parent as Element;
}

function childElement(parent: Root | Element, name: string): Element | undefined {
  for (const node of parent.children) if (node.type === 'element' && node.name === name) return node;
  return undefined;
}
