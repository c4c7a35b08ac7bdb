// Problems are vfile messages on the file they concern, so every stage reports
// the same way and the CLI prints them all at the end, sorted, with one exit code.
import { relative } from 'node:path';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';

export interface Place {
  line: number;
  column: number;
}

/** Record an error (a problem that stops the build) on `file`. */
export function fail(file: VFile, reason: string, place: Place | undefined, ruleId: string): VFileMessage {
  const message = file.message(reason, { place, ruleId, source: 'broadsheet' });
  message.fatal = true;
  return message;
}

/** Record a warning (printed, but the build goes on) on `file`. */
export function warn(file: VFile, reason: string, place: Place | undefined, ruleId: string): VFileMessage {
  return file.message(reason, { place, ruleId, source: 'broadsheet' });
}

export function hasErrors(files: readonly VFile[]): boolean {
  return files.some((file) => file.messages.some((message) => message.fatal === true));
}

/**
 * One line per problem, `path:line:column  severity  reason  (rule)`, the shape
 * compilers use, so editors and CI annotate it. Hand-written rather than
 * vfile-reporter because that groups lines under a file header and pads them,
 * which neither editors nor `grep` can take a position from.
 */
export function formatMessages(files: readonly VFile[], cwd: string): string[] {
  const lines: Array<{ key: [string, number, number]; text: string }> = [];
  for (const file of files) {
    const path = printable(file.path ? relative(cwd, file.path) || file.path : '<input>');
    for (const message of file.messages) {
      const line = message.line ?? 1;
      const column = message.column ?? 1;
      const severity = message.fatal === true ? 'error' : 'warning';
      const rule = message.ruleId ? `  (${message.ruleId})` : '';
      lines.push({ key: [path, line, column], text: `${path}:${line}:${column}  ${severity}  ${printable(message.reason)}${rule}` });
    }
  }
  lines.sort((a, b) => compareKeys(a.key, b.key));
  return lines.map((entry) => entry.text);
}

/**
 * A file name or a quoted value may hold a line break or another control character
 * (`a\nb.md`, `date: "2025-05-02\n"`): printed as is, it would split the line or
 * drive the terminal. Shown escaped instead: `\n`, `\u0007`.
 */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ESCAPES: Partial<Record<string, string>> = { '\n': '\\n', '\r': '\\r' };

function compareKeys(a: [string, number, number], b: [string, number, number]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] - b[1] || a[2] - b[2];
}

export function countBySeverity(files: readonly VFile[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    for (const message of file.messages) {
      if (message.fatal === true) errors++;
      else warnings++;
    }
  }
  return { errors, warnings };
}
