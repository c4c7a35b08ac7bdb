// The folder work of a commit (output.ts): tidying and dating the spare build's folders,
// and reading a file without following a link. (The swap is layouts.ts's.)
//
// Folder calls are sync: after a cold build the next commit looks at each of its 10,000
// folders, and through the promise API each look cost a trip through libuv's thread pool.
import { constants, lstatSync, readdirSync, rmdirSync, utimesSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/**
 * Remove the touched folders left empty, deepest first: only a folder something was
 * removed from can have become empty, so this costs a look at each of those, not a
 * pass over the site.
 */
export function tidyFolders(root: string, folders: Map<string, number>, touched: Set<string>): void {
  const candidates = [...touched].filter((folder) => folder !== '').sort((a, b) => b.length - a.length);
  for (const folder of candidates) {
    const entries = attempt(() => readdirSync(join(root, folder)));
    if (entries === undefined || entries.length > 0) continue;
    attempt(() => rmdirSync(join(root, folder)));
    folders.delete(folder);
    touched.delete(folder);
    const parent = parentOf(folder);
    touched.add(parent);
    if (parent !== '' && !candidates.includes(parent)) candidates.push(parent);
  }
}

/**
 * A folder holding the same names as the live build's takes its times too, as it would
 * have if only its files had been rewritten in place: `rsync -a` then has nothing to say
 * about it. Only touched folders can differ from what the spare had before.
 */
export function keepFolderTimes(spareRoot: string, liveRoot: string | undefined, folders: Map<string, number>, touched: Set<string>, sameNames: boolean): void {
  if (!liveRoot) return;
  for (const folder of touched) {
    if (!folders.has(folder)) continue;
    const before = attempt(() => lstatSync(join(liveRoot, folder)));
    if (!before?.isDirectory()) continue;
    // `sameNames`: the caller knows both builds hold the same files, so listing the folders
    // (at 10,000 stories the top one has 10,000 names) would only confirm it.
    if (!sameNames) {
      const live = attempt(() => readdirSync(join(liveRoot, folder)));
      const spare = attempt(() => readdirSync(join(spareRoot, folder)));
      if (!live || !spare || live.length !== spare.length) continue;
      const wanted = new Set(spare);
      if (!live.every((name) => wanted.has(name))) continue;
    }
    utimesSync(join(spareRoot, folder), before.atimeMs / 1000, before.mtimeMs / 1000);
  }
}

/** The touched folders' mtimes as they are now, for the manifest; a folder no longer there is forgotten. */
export function recordFolderTimes(root: string, folders: Map<string, number>, touched: Set<string>): void {
  for (const folder of touched) {
    const stats = attempt(() => lstatSync(join(root, folder)));
    if (stats) folders.set(folder, stats.mtimeMs);
    else folders.delete(folder);
  }
}

/** What `call` gives, or `undefined` when it throws (a folder gone or unreadable is skipped). */
export function attempt<T>(call: () => T): T | undefined {
  try {
    return call();
  } catch {
    return undefined;
  }
}

export async function readNoFollow(path: string): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
