// yaml's messages describe the parser's state ("Nested mappings are not allowed
// in compact mappings"); writers need the mistake they made and the fix. This
// looks at the lines around a syntax error for the few mistakes writers really
// make and says those instead. Hand-written: no library diagnoses YAML this way.
import type { YAMLError } from 'yaml';

export interface Explanation {
  reason: string;
  /** 1-based line and column within the YAML text (not yet shifted to the file). */
  line: number;
  column: number;
}

const TOP_KEY = /^([A-Za-z_][\w-]*):[ \t]*(.*)$/;
const INDENTED_KEY = /^([ \t]+)([A-Za-z_][\w-]*):(\s|$)/;
// A plain (unquoted, not a list or block) value that itself contains `: `.
const COLON_IN_VALUE = /^([A-Za-z_][\w-]*):[ \t]+([^\s"'[{|>&*!%@`#][^#]*?:\s.*)$/;

/** Writer-level explanations of a document's syntax errors, or `undefined` to fall back to yaml's own. */
export function explainYamlErrors(text: string, errors: readonly YAMLError[], firstLine: number): Explanation[] | undefined {
  const lines = text.split('\n');
  const found: Explanation[] = [];
  // Past a line that runs on into the story, the other lines are the story's, not mistakes in fields.
  const runOn = runOnLine(lines);
  lines.slice(0, runOn).forEach((line, index) => {
    const tab = /^ *\t/.exec(line);
    if (tab) {
      found.push({ reason: 'Tabs are not allowed as indentation; indent with spaces, not tabs', line: index + 1, column: tab[0].length });
      return;
    }
    const indented = INDENTED_KEY.exec(line);
    const previous = TOP_KEY.exec(lines[index - 1] ?? '');
    if (indented && previous && previous[2] !== '' && !/^[|>]/.test(previous[2] ?? '')) {
      found.push({
        reason: `This line is indented, so it is read as part of \`${previous[1]}\` on the line above; start \`${indented[2]}:\` at the beginning of the line like the other fields`,
        line: index + 1,
        column: (indented[1]?.length ?? 0) + 1,
      });
      return;
    }
    const flow = TOP_KEY.exec(line);
    const value = flow?.[2] ?? '';
    const opener = value[0];
    if (flow && (opener === '[' || opener === '{')) {
      const rest = afterGroup(value);
      const kind = opener === '[' ? 'a list' : 'a set of fields';
      const problem = rest === undefined ? `${kind} that is never closed` : rest.trim() !== '' && !rest.trim().startsWith('#') ? `${kind}, then finds more text` : undefined;
      if (problem) {
        found.push({
          reason: `The value of \`${flow[1]}\` starts with \`${opener}\`, so YAML reads it as ${problem}; if it is text, wrap the whole value in double quotes`,
          line: index + 1,
          column: line.indexOf(opener) + 1,
        });
        return;
      }
    }
    const colon = COLON_IN_VALUE.exec(line);
    if (colon) {
      const [, key, value = ''] = colon;
      found.push({
        reason: `The value of \`${key}\` contains \`: \`; wrap the whole value in double quotes: ${key}: "${value.trim().replaceAll('"', '\\"')}"`,
        line: index + 1,
        column: line.indexOf(value) + 1,
      });
    }
  });
  if (runOn !== undefined) {
    const last = lines.slice(0, runOn).findLastIndex((line) => TOP_KEY.test(line));
    const close = last >= 0 ? `after the last field (line ${last + firstLine})` : 'where the fields end';
    found.push({ reason: `This line is not a \`name: value\` field, so the frontmatter seems to run on into the story; add a \`---\` line ${close} to close it`, line: runOn + 1, column: 1 });
  }
  if (found.length > 0) return found;

  const explained = errors.map((error) => explainOne(lines, error, firstLine));
  return explained.every((e) => e !== undefined) ? explained : undefined;
}

/**
 * The first line, after a blank one, that starts at the margin and is neither a field,
 * a list item nor a comment: story text, when the closing `---` was forgotten and the
 * frontmatter ran on to a `---` rule further down.
 */
function runOnLine(lines: readonly string[]): number | undefined {
  const index = lines.findIndex((line, at) => at > 0 && (lines[at - 1] ?? '').trim() === '' && /^[^\s#-]/.test(line) && !TOP_KEY.test(line) && !/^["'][^"']*["'][ \t]*:/.test(line));
  return index < 0 ? undefined : index;
}

/** What follows the bracketed group a value starts with, or `undefined` if the group never closes (quotes respected). */
function afterGroup(value: string): string | undefined {
  let depth = 0;
  let quote = '';
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') depth++;
    else if ((char === ']' || char === '}') && --depth === 0) return value.slice(index + 1);
  }
  return undefined;
}

function explainOne(lines: string[], error: YAMLError, firstLine: number): Explanation | undefined {
  const { line, col } = error.linePos?.[0] ?? { line: 1, col: 1 };
  if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
    const quote = error.message.includes("'quote") ? "'" : '"';
    // The quote was opened on the last line at or before the error that has an odd number of them.
    for (let index = line - 1; index >= 0; index--) {
      const text = lines[index] ?? '';
      if (text.split(quote).length % 2 === 0) {
        return { reason: `This quoted value is never closed; end it with the same quote it starts with (${quote})`, line: index + 1, column: text.indexOf(quote) + 1 };
      }
    }
  }
  if (error.code === 'MULTIPLE_DOCS') {
    // The `---` or `...` that ended the first document, at or before the second.
    for (let index = line - 1; index >= 0; index--) {
      const marker = /^(---|\.\.\.)\s*$/.exec(lines[index] ?? '')?.[1];
      if (marker) return { reason: `This \`${marker}\` line ends the YAML early, so the lines after it are not read; remove it and keep every field in one block`, line: index + 1, column: 1 };
    }
  }
  if (error.code === 'DUPLICATE_KEY') {
    const key = TOP_KEY.exec(lines[line - 1] ?? '')?.[1];
    const first = lines.findIndex((text) => key !== undefined && TOP_KEY.exec(text)?.[1] === key);
    if (key && first >= 0 && first !== line - 1) {
      return { reason: `\`${key}\` is given twice (first on line ${first + firstLine}); keep one of them`, line, column: col };
    }
  }
  return undefined;
}
