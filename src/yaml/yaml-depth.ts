// The yaml parser recurses once a level of nesting, so `x: [[[[…]]]]` a few
// thousand deep overflows its stack — at a depth that differs between runs and
// threads, and at ten thousand the regular expressions behind its error message
// can take the whole process down. No field or setting nests more than two
// levels (`tags: [a, b]`), so text nesting deeper than MAX_YAML_DEPTH is refused
// before it is parsed, from a scan that is cheap and never recurses.

/** Levels of lists and fields inside each other at most. */
export const MAX_YAML_DEPTH = 100;

export interface DeepYaml {
  depth: number;
  /** 1-based, within the YAML text. */
  line: number;
  column: number;
}

// A line that opens a level: indentation, then `- ` entries, then maybe `key:`.
const ENTRY = /^( *)((?:-(?: +|$))*)(?:[^\s#:][^:#]*:(?:\s|$))?/;

/**
 * The first place where lists and fields nest more than MAX_YAML_DEPTH deep: flow
 * brackets (`[`, `{`) outside quotes and comments, and block levels, one for each
 * column of indentation and each `- ` before an entry (the least a level takes).
 */
export function deepYaml(text: string): DeepYaml | undefined {
  let flow = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const entry = ENTRY.exec(line);
    if (entry && entry[0].trim() !== '') {
      const block = (entry[1]?.length ?? 0) + (entry[2]?.match(/-/g)?.length ?? 0);
      if (block > MAX_YAML_DEPTH) return { depth: block, line: index + 1, column: 1 };
    }
    let quote = '';
    for (let column = 0; column < line.length; column++) {
      const char = line[column];
      if (quote) {
        if (char === '\\' && quote === '"') column++;
        else if (char === quote) quote = '';
      } else if (char === '"' || char === "'") quote = char;
      else if (char === '#' && (column === 0 || /\s/.test(line[column - 1] as string))) break;
      else if (char === '[' || char === '{') {
        if (++flow > MAX_YAML_DEPTH) return { depth: flow, line: index + 1, column: column + 1 };
      } else if ((char === ']' || char === '}') && flow > 0) flow--;
    }
  }
  return undefined;
}
