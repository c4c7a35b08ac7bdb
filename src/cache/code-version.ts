// Which Broadsheet made a cached result: a hash of its own code and its installed
// dependencies. A new version of either may render a story or a page differently,
// so it starts afresh: the story store names entries by it, and every page key
// includes it.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash } from './build-cache.js';

let version: Promise<string> | undefined;

/** Worked out once a process: it reads every file of Broadsheet's own code. */
export function codeVersion(): Promise<string> {
  version ??= (async () => {
    const own = fileURLToPath(new URL('..', import.meta.url));
    const entries = await readdir(own, { recursive: true, withFileTypes: true });
    const files = entries.filter((item) => item.isFile()).map((item) => join(item.parentPath, item.name)).sort();
    const parts: Array<string | Uint8Array> = [];
    for (const file of files) parts.push(relative(own, file), await readFile(file));
    const lock = await readFile(join(own, '..', 'node_modules', '.package-lock.json')).catch(() => readFile(join(own, '..', 'package-lock.json')).catch(() => ''));
    return hash(...parts, lock);
  })();
  return version;
}
