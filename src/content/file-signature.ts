// Whether a file is unchanged since it was last read, without reading it: its
// inode, size, mtime and ctime, as git's index does. ctime cannot be set from user
// space, so any write or rename shows. A file changed within two seconds of being
// looked at gets no signature — on a file system with coarse times a second write
// in the same tick would look unchanged — and is read and hashed next time.
import type { Stats } from 'node:fs';
import { statOf } from '../support/files.js';

const RACY_MS = 2000;

/** The signature of a file as it stands now, or undefined when it has none worth trusting. */
export function fileSignature(path: string, stats: Stats | undefined = statOf(path)): string | undefined {
  if (!stats?.isFile() || Date.now() - stats.ctimeMs < RACY_MS) return undefined;
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/** Whether the file still has `signature` (an absent one never matches). */
export function sameSignature(path: string, signature: string | undefined, stats: Stats | undefined = statOf(path)): boolean {
  return signature !== undefined && stats?.isFile() === true && `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}` === signature;
}
