import type { Element, ElementContent, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import { eachElement, REMOVE, SKIP, someNode, walk } from '../src/markdown/walk.js';

const el = (tagName: string, children: ElementContent[] = []): Element => ({ type: 'element', tagName, properties: {}, children });
const text = (value: string): ElementContent => ({ type: 'text', value });

describe('the plugins\' tree walk', () => {
  it('visits every node below the root, parents first, in document order, with index and parent', () => {
    const tree: Root = { type: 'root', children: [el('p', [text('a'), el('em', [text('b')])]), el('ul', [el('li', [text('c')])])] };
    const seen: string[] = [];
    walk(tree, (node, index, parent) => {
      const name = 'tagName' in node ? String(node.tagName) : 'value' in node ? String(node.value) : node.type;
      seen.push(`${name}@${index}<${'tagName' in parent ? String(parent.tagName) : parent.type}`);
    });
    expect(seen).toEqual(['p@0<root', 'a@0<p', 'em@1<p', 'b@0<em', 'ul@1<root', 'li@0<ul', 'c@0<li']);
  });

  it('does not walk below a node the visitor skips', () => {
    const tree: Root = { type: 'root', children: [el('iframe', [el('p')]), el('div', [el('span')])] };
    const seen: string[] = [];
    eachElement(tree, (node) => {
      seen.push(node.tagName);
      return node.tagName === 'iframe' ? SKIP : undefined;
    });
    expect(seen).toEqual(['iframe', 'div', 'span']);
  });

  it('removes nodes, side by side too, and walks on with the node after each', () => {
    const tree: Root = { type: 'root', children: [el('iframe'), el('iframe'), el('p', [el('iframe', [el('b')]), text('x'), el('iframe')]), el('iframe')] };
    const seen: string[] = [];
    eachElement(tree, (node) => {
      seen.push(node.tagName);
      return node.tagName === 'iframe' ? REMOVE : undefined;
    });
    expect(seen).toEqual(['iframe', 'iframe', 'p', 'iframe', 'iframe', 'iframe']);
    expect(tree.children).toEqual([el('p', [text('x')])]);
  });

  it('walks trees far deeper than the call stack goes', () => {
    let deepest: Element = el('b');
    const tree: Root = { type: 'root', children: [deepest] };
    for (let depth = 0; depth < 100_000; depth++) {
      const next = el('i');
      deepest.children.push(next);
      deepest = next;
    }
    let count = 0;
    eachElement(tree, () => void count++);
    expect(count).toBe(100_001);
    expect(someNode(tree, (node) => node === deepest)).toBe(true);
  });

  it('finds whether some node passes a test, and stops at the first', () => {
    const tree: Root = { type: 'root', children: [el('p', [text('a'), { type: 'raw', value: '<b>' }]), el('p', [text('b')])] };
    let tested = 0;
    expect(someNode(tree, (node) => (tested++, node.type === 'raw'))).toBe(true);
    expect(tested).toBeLessThan(5);
    expect(someNode(tree, (node) => node.type === 'comment')).toBe(false);
    expect(someNode({ type: 'root', children: [] }, () => true)).toBe(false);
  });
});
