// Where a frontmatter value is written, for problems found after the story was
// parsed (a clash between stories): the parsed story keeps no positions, and its
// text left memory with the Markdown stage, so the file is read again, which only
// a story with such a problem needs.
import { readFileSync } from 'node:fs';
import type { Place } from '../report/messages.js';

/**
 * The place of `value` among the lines of the field `key` (`aliases: [a, b]`, or a list
 * below it), at its column when `column` is asked for; else the field's line, column 1.
 */
export function fieldPlace(path: string, key: string, value: string, options: { column: boolean }): Place {
  let text: string;
  try {
    text = readFileSync(path, { encoding: 'utf8', flag: 'r' });
  } catch {
    // Gone since it was read (dev): the message still names the file.
    return { line: 1, column: 1 };
  }
  const lines = text.split('\n');
  const first = lines.findIndex((line) => new RegExp(`^${key}\\s*:`).test(line));
  if (first < 0) return { line: 1, column: 1 };
  // The value as a whole item: `old.html` is not found inside `old.html/x`.
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const item = new RegExp(`(?<=^|[\\s\\[,'":])/*${escaped}(?=/?(?:[\\s\\],'"#]|$))`);
  for (let index = first; index < lines.length; index++) {
    const line = lines[index] ?? '';
    // The field ends where the next one, or the frontmatter, starts.
    if (index > first && /^(\S|---)/.test(line)) break;
    const found = item.exec(index === first ? line.slice(line.indexOf(':') + 1) : line);
    if (found) return { line: index + 1, column: options.column ? found.index + (index === first ? line.indexOf(':') + 1 : 0) + 1 : 1 };
  }
  return { line: first + 1, column: 1 };
}
