// Looking at and reading files without ever waiting on one. A named pipe (or a
// device) put where a file is expected would hold a plain read until something
// wrote to it: a build that never ends, and in `dev` a main thread deaf to
// Ctrl-C. So every file Broadsheet reads, stories included, is opened here: without
// waiting, and read only when it is a regular file; anything else is refused with
// what it is, in a writer's words.
//
// Synchronous: the files are small (settings, templates, images beside stories),
// and the open, stat and read are each a few microseconds.
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';

// O_NONBLOCK keeps opening a pipe from waiting for a writer; it changes nothing for a regular file. Windows has none.
const NO_WAIT = constants.O_NONBLOCK ?? 0;

/** The file's stats (following links), or undefined when it cannot be looked at. */
export function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * A path that is there but is no regular file. `kind` says what it is ("a named pipe",
 * "a folder", …); `code` is EISDIR for a folder, as a plain read would have said, else ENOTFILE.
 */
export class NotAFileError extends Error {
  readonly code: string;
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} is ${kind}, not a file`);
    this.name = 'NotAFileError';
    this.code = kind === 'a folder' ? 'EISDIR' : 'ENOTFILE';
  }
}

/**
 * The bytes of the regular file at `path`. Throws NotAFileError for anything else, and the
 * system's error when it cannot be opened. `flags` add to the open's (stories pass O_NOFOLLOW).
 */
export function readRegularFile(path: string, flags = 0): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NO_WAIT | flags);
  } catch (error) {
    // A socket cannot be opened at all (ENXIO): say what it is rather than the bare code.
    const stats = (error as NodeJS.ErrnoException).code === 'ENXIO' ? statOf(path) : undefined;
    throw stats ? new NotAFileError(path, kindOf(stats)) : error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NotAFileError(path, kindOf(stats));
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `readRegularFile` as UTF-8 text. */
export function readRegularText(path: string): string {
  return readRegularFile(path).toString('utf8');
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'a device';
}
