// How commands talk to the terminal, injectable so tests run them in-process.
import type { VFile } from 'vfile';
import { countBySeverity, formatMessages } from '../report/messages.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal, where progress redraws one line in place. */
  isTTY: boolean;
  cwd: string;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
};

/** Print every message, one line each; returns the counts. */
export function printMessages(io: Io, files: readonly VFile[]): { errors: number; warnings: number } {
  for (const line of formatMessages(files, io.cwd)) io.stderr(`${line}\n`);
  return countBySeverity(files);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function tally(errors: number, warnings: number): string {
  return [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
}
