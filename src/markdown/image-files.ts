// The files behind story images: reading one (never from outside the content
// folder, even through a symlink), hashing it, and saying in a writer's words why
// it could not be read, with a likely intended name when one is near.
import { readdirSync, realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { NotAFileError, readRegularFile } from '../support/files.js';
import { sha1Hex } from '../support/hash.js';
import { isInside } from '../support/paths.js';
import { closeMatch } from '../support/suggest.js';

/** sha1 of the bytes, hex: its first 8 digits go into the image's address. */
export function hashImage(bytes: Uint8Array): string {
  return sha1Hex(bytes);
}

export function readImage(path: string, contentDir: string): Uint8Array | NodeJS.ErrnoException {
  try {
    // A symlink inside content/ could otherwise publish any file the build can read.
    if (!isInside(realpathSync(path), realpathSync(contentDir))) return Object.assign(new Error('outside'), { code: 'EOUTSIDE' });
    return readRegularFile(path);
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

export function readProblem(src: string, written: string, path: string, error: NodeJS.ErrnoException, shown: (path: string) => string): string {
  if (error.code === 'EOUTSIDE') return `The image \`${src}\` is a link to a file outside the content folder, so it would not be published with the site; copy the file itself beside the story`;
  if (error instanceof NotAFileError && error.code !== 'EISDIR') return `\`${src}\` is ${error.kind}, not a file; put the image itself there`;
  if (error.code === 'EISDIR') return `\`${src}\` is a folder, not an image; link the image file inside it`;
  if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') return `Cannot read the image \`${src}\` (${error.code ?? error.message}); check that ${shown(path)} is a readable file`;
  const near = nearName(path);
  const hint = near ? `; did you mean \`${written.replace(/[^/]*$/, near)}\`?` : '; put the image there, or correct the path (it is relative to the story’s folder)';
  return `Cannot find the image \`${src}\`: there is no file ${shown(path)}${hint}`;
}

/** A file in the same folder whose name is a likely typo of the one asked for. */
function nearName(path: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dirname(path)).filter((name) => !name.startsWith('.') && !/\.(md|markdown)$/i.test(name));
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const wanted = basename(path);
  return closeMatch(wanted, names, { ignoreCase: true });
}
