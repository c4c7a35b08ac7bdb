// Markdown nested hundreds of levels deep — lists in lists, `>>>>…` quotes,
// brackets or emphasis in each other — slows the parser down quadratically (a 20 KB line of
// `- - - …` takes minutes) and overflows the stack of the recursive transforms
// after it, at a depth that differs between the main thread and a worker. No page
// can show such nesting anyway, so it is an error, at the same depth everywhere:
// a scan of the text before parsing catches the shapes that make parsing slow,
// and a walk of the parsed tree catches any other nesting before rehype recurses.
import type { Place } from '../report/messages.js';

/** Lists and quotes inside each other, or square brackets inside each other, at most. */
export const MAX_NESTING = 100;

export interface TooDeep {
  reason: string;
  place: Place;
}

// A line's container markers: `>`, and list markers followed by a space or the line's end.
const CONTAINERS = /^(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))+/;
// `* * *` and `- - -` alone on a line, maybe in quotes, are a rule, not lists.
const THEMATIC_BREAK = /^[ \t>]*([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTES = /^(?:[ \t]*>)+/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The first place, found without parsing, where lists and quotes or brackets nest more than MAX_NESTING deep. */
export function deepNestingInText(markdown: string): TooDeep | undefined {
  let brackets = 0;
  let fence = '';
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const prefix = (THEMATIC_BREAK.test(line) ? QUOTES : CONTAINERS).exec(line)?.[0] ?? '';
    const depth = containerDepth(prefix);
    if (depth > MAX_NESTING) {
      return {
        reason: `Lists and quotes are nested about ${depth} levels deep here; a story may nest them at most ${MAX_NESTING} deep, as no page can show more and the build slows to a crawl; flatten the list or quote`,
        place: { line: index + 1, column: 1 },
      };
    }
    // Brackets are counted per paragraph, outside fenced code.
    const rest = line.slice(prefix.length);
    const fenced = FENCE.exec(rest)?.[1];
    if (fence !== '') {
      if (fenced && fenced[0] === fence[0] && fenced.length >= fence.length) fence = '';
      continue;
    }
    if (fenced) {
      fence = fenced;
      continue;
    }
    if (rest.trim() === '') brackets = 0;
    for (let column = 0; column < line.length; column++) {
      const char = line[column];
      if (char === '\\') column++;
      else if (char === '[') brackets++;
      else if (char === ']' && brackets > 0) {
        if (brackets > MAX_NESTING) {
          return {
            reason: `Square brackets are nested ${brackets} deep here; a story may nest them at most ${MAX_NESTING} deep, as the build slows to a crawl; remove the extra brackets, or write them as \\[ and \\]`,
            place: { line: index + 1, column: column + 1 },
          };
        }
        brackets--;
      }
    }
  }
  return undefined;
}

/**
 * About how many containers a line's marker prefix opens: one a marker, and one for
 * every two columns of indentation beyond the space after each marker (the least a
 * nested list item needs).
 */
function containerDepth(prefix: string): number {
  let markers = 0;
  let columns = 0;
  for (const part of prefix.matchAll(/[ \t]|>|[-+*]|\d{1,9}[.)]/g)) {
    if (part[0] === ' ') columns += 1;
    else if (part[0] === '\t') columns += 4;
    else markers++;
  }
  return markers + Math.floor(Math.max(0, columns - markers) / 2);
}

/** What a writer calls each kind of node that nests; the others (items, paragraphs, text) do not count. */
const NESTS: Partial<Record<string, string>> = {
  list: 'lists',
  blockquote: 'quotes',
  emphasis: 'emphasis',
  strong: 'emphasis',
  delete: 'strikethrough',
  link: 'links',
  linkReference: 'links',
  footnoteDefinition: 'footnotes',
};

/** What the walk needs of an mdast node. */
interface MarkdownNode {
  type: string;
  children?: MarkdownNode[];
  position?: { start: { line: number; column: number } } | undefined;
}

interface Step {
  node: MarkdownNode;
  depth: number;
  parent: Step | undefined;
}

/**
 * The first place in the parsed tree where more than MAX_NESTING lists, quotes,
 * emphasis and links are inside each other. Iterative: the tree may be too deep to recurse.
 */
export function deepNestingInTree(tree: MarkdownNode): TooDeep | undefined {
  const stack: Step[] = [{ node: tree, depth: 0, parent: undefined }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    const depth = step.depth + (NESTS[step.node.type] ? 1 : 0);
    if (depth > MAX_NESTING) {
      const kinds = new Set<string>();
      for (let at: Step | undefined = step; at; at = at.parent) if (NESTS[at.node.type]) kinds.add(NESTS[at.node.type] as string);
      const start = step.node.position?.start;
      return {
        reason: `The nesting of ${sentence([...kinds].reverse())} goes more than ${MAX_NESTING} levels deep here; a story may nest them at most ${MAX_NESTING} deep, as no page can show more; flatten it`,
        place: { line: start?.line ?? 1, column: start?.column ?? 1 },
      };
    }
    for (const child of step.node.children ?? []) stack.push({ node: child, depth, parent: step });
  }
  return undefined;
}

/** `[lists, quotes, links]` → `lists, quotes and links`. */
function sentence(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
