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

/**
 * A stream closed by its reader (`broadsheet build | true`, `dev | head`) fails its writes
 * with EPIPE, which unheard is a crash with a stack trace: it is heard here, and from then
 * on that stream is written no more. `dev` stops, as a command piped into `head` does
 * (onOutputClosed); a build finishes, and exits as it would have.
 */
function guarded(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  let heard = false;
  return (text) => {
    if (!open) return;
    if (!heard) {
      heard = true;
      // Any failure of the terminal or pipe ends that stream alike: there is no one left to tell.
      stream.on('error', () => {
        if (!open) return;
        open = false;
        for (const listener of closedListeners) listener();
      });
    }
    stream.write(text);
  };
}

const closedListeners: Array<() => void> = [];

/** `listener` is called once stdout or stderr is closed by its reader. */
export function onOutputClosed(listener: () => void): void {
  closedListeners.push(listener);
}

export const processIo: Io = {
  stdout: guarded(process.stdout),
  stderr: guarded(process.stderr),
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
