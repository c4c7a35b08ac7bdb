// Whether an SVG could run script when a reader opens it on its own: it is served from
// the site's origin, so a script in it runs with the site's rights. The SVG is parsed
// as the XML it is (xast-util-from-xml), and elements and attributes are judged by their
// local names, whatever prefix or namespace they come under: `<s:script>`, an XHTML
// `<h:script>` and an `onload` written after a `>` inside another attribute's value all
// fooled the pattern this replaces. Refusing too much costs a writer an export as PNG;
// refusing too little publishes a script, so every doubt refuses.
import type { Nodes } from 'xast';
import { fromXml } from 'xast-util-from-xml';

/** Elements that run script, or embed a document that can. */
const ACTIVE = new Set(['script', 'foreignobject', 'iframe', 'frame', 'object', 'embed', 'handler', 'listener']);
/** `javascript:` and its kin anywhere in a value, once whitespace and control characters are gone (`jav&#x09;ascript:`). */
const SCRIPT_URL = /(?:java|vb|live)script:|data:text\/html/i;
const INVISIBLE = /[\s\u0000-\u001f\u007f-\u009f]+/g;

export type SvgProblem = { kind: 'scripting'; what: string } | { kind: 'malformed'; reason: string };

/** What makes `text` unsafe to publish as an image, or undefined when nothing does. */
export function svgProblem(text: string): SvgProblem | undefined {
  // Entities declared inside the file are expanded by browsers, and no parse here follows them.
  if (/<!ENTITY/i.test(text)) return { kind: 'scripting', what: 'an entity declaration' };
  let tree: Nodes;
  try {
    tree = fromXml(text);
  } catch (error) {
    return { kind: 'malformed', reason: (error as Error).message };
  }
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as Nodes;
    if (node.type === 'instruction' && node.name.toLowerCase() === 'xml-stylesheet') return { kind: 'scripting', what: 'an xml-stylesheet instruction' };
    if (node.type === 'text' || node.type === 'cdata') {
      if (SCRIPT_URL.test(node.value.replace(INVISIBLE, ''))) return { kind: 'scripting', what: 'a javascript: address' };
      continue;
    }
    if (node.type !== 'element' && node.type !== 'root') continue;
    if (node.type === 'element') {
      const name = localName(node.name);
      if (ACTIVE.has(name)) return { kind: 'scripting', what: `a <${node.name}> element` };
      for (const [attribute, value] of Object.entries(node.attributes)) {
        const local = localName(attribute);
        if (local.startsWith('on')) return { kind: 'scripting', what: `an event handler (${attribute})` };
        const plain = String(value ?? '').replace(INVISIBLE, '');
        if (SCRIPT_URL.test(plain)) return { kind: 'scripting', what: 'a javascript: address' };
        // <set attributeName="onclick" …> and <animate attributeName="href" …> write such attributes later.
        if (local === 'attributename' && (plain.toLowerCase().startsWith('on') || /(^|:)href$/i.test(plain))) return { kind: 'scripting', what: `an animation of ${plain}` };
      }
    }
    for (const child of node.children) stack.push(child);
  }
  return undefined;
}

/** `s:script` → `script`, lowercased: SVG's own names are case-sensitive, but no browser should be trusted on that. */
function localName(name: string): string {
  return name.slice(name.lastIndexOf(':') + 1).toLowerCase();
}
