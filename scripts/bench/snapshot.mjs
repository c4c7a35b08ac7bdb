// What a rebuild rewrote, seen from outside: every file of the output folder by
// inode and mtime (nanoseconds) before and after. A file kept in place, or carried
// into a new folder by a hard link, keeps both; a file written again does not, even
// with the same bytes — which is what a sync-based deploy (rsync, `aws s3 sync`)
// would upload again.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Map of output path → { ino, mtime, size } for every file (and symbolic link) under `dir`. */
export function snapshot(dir) {
  const files = new Map();
  const walk = (folder, prefix) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else {
        const stats = lstatSync(path, { bigint: true });
        files.set(`${prefix}${entry.name}`, { ino: stats.ino, mtime: stats.mtimeNs, size: Number(stats.size) });
      }
    }
  };
  walk(dir, '');
  return files;
}

/** Files added, changed (another inode or mtime) and removed, and the bytes of those added or changed. */
export function compare(before, after) {
  let added = 0;
  let changed = 0;
  let bytes = 0;
  for (const [path, now] of after) {
    const was = before.get(path);
    if (!was) added++;
    else if (was.ino !== now.ino || was.mtime !== now.mtime) changed++;
    else continue;
    bytes += now.size;
  }
  let removed = 0;
  for (const path of before.keys()) if (!after.has(path)) removed++;
  return { added, changed, removed, files: added + changed, bytes };
}

export function totalBytes(files) {
  let bytes = 0;
  for (const file of files.values()) bytes += file.size;
  return bytes;
}
