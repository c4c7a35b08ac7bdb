// The tree walks of Broadsheet's own plugins, hand-written. unist-util-visit makes a
// new function for every node it visits and renames it (Object.defineProperty, so
// stack traces name the node): in a cold build of 10,000 stories, the six walks our
// plugins made with it took 1.9 s of the Markdown worker's 31 s (profiled), and five
// walks over 1,500 stories cost 370 ms through visit against 19 ms as this loop.
// These walks need nothing visit adds (type tests, reverse order, a new index after
// a change); library plugins (rehype-slug, remark-gfm) keep their own visits.
import type { Element, Root } from 'hast';
import type { Node, Parent } from 'unist';

/** Returned by a visitor: do not walk this node's children. */
export const SKIP = 'skip';
/** Returned by a visitor: take this node out of its parent (its children are not walked). */
export const REMOVE = 'remove';
export type Step = void | typeof SKIP | typeof REMOVE;

/**
 * Every node under `tree` (not `tree` itself), parents before their children, in
 * document order. A stack, not recursion, so the walk itself sets no limit on depth
 * (parse5, sanitizing and stringifying still recurse).
 */
export function walk(tree: Parent, visitor: (node: Node, index: number, parent: Parent) => Step): void {
  const stack: Array<{ parent: Parent; next: number }> = [{ parent: tree, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    const children = frame.parent.children;
    if (frame.next >= children.length) {
      stack.pop();
      continue;
    }
    const index = frame.next++;
    const node = children[index] as Node;
    const step = visitor(node, index, frame.parent);
    if (step === REMOVE) {
      children.splice(index, 1);
      frame.next = index;
    } else if (step !== SKIP && isParent(node)) {
      stack.push({ parent: node, next: 0 });
    }
  }
}

/** Every element of a hast tree, as `walk` gives them. */
export function eachElement(tree: Root, visitor: (node: Element, index: number, parent: Root | Element) => Step): void {
  walk(tree, (node, index, parent) => (node.type === 'element' ? visitor(node as Element, index, parent as Root | Element) : undefined));
}

/** Whether some node under `tree` passes `test`, looking at them in no set order; stops at the first found. */
export function someNode(tree: Parent, test: (node: Node) => boolean): boolean {
  const stack: Node[] = [...tree.children];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (test(node)) return true;
    if (isParent(node)) for (const child of node.children) stack.push(child);
  }
  return false;
}

function isParent(node: Node): node is Parent {
  return Array.isArray((node as Partial<Parent>).children) && (node as Parent).children.length > 0;
}
