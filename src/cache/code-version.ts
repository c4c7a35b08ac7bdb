// Which Broadsheet made a cached result: a hash of its own code and its installed
// dependencies. A new version of either may render a story or a page differently,
// so it starts afresh: the story store names entries by it, and every page key
// includes it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash } from '../support/hash.js';

let version: Promise<string> | undefined;

/** Worked out once a process: it reads every file of Broadsheet's own code. */
export function codeVersion(): Promise<string> {
  const own = fileURLToPath(new URL('..', import.meta.url));
  version ??= Promise.resolve().then(() => versionOf(own, [join(own, '..', 'node_modules', '.package-lock.json'), join(own, '..', 'package-lock.json')]));
  return version;
}

/**
 * The hash of the code under `folder` and the first of `locks` that can be read. Every
 * file counts but type declarations and source maps, which change nothing a build makes
 * (reading them doubled the cost): a module of any kind, or JSON a module imports, does. Synchronous: a whole-process rebuild pays for
 * this every time, and a hundred small reads through the promise API cost 70 ms here
 * against a few with sync calls.
 */
export function versionOf(folder: string, locks: readonly string[]): string {
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((item) => item.isFile() && !/\.d\.[cm]?ts$|\.map$/.test(item.name))
    .map((item) => join(item.parentPath, item.name))
    .sort();
  const parts: Array<string | Uint8Array> = [];
  for (const file of files) parts.push(relative(folder, file), readFileSync(file));
  parts.push(firstReadable(locks));
  return hash(...parts);
}

function firstReadable(paths: readonly string[]): Uint8Array | string {
  for (const path of paths) {
    try {
      return readFileSync(path);
    } catch {
      // The next one, or none: a checkout without a lockfile still has a version.
    }
  }
  return '';
}
