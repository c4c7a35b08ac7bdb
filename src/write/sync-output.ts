// The dev server's output: the folder is updated in place, file by file, so a
// rebuild after one edit writes one page instead of the whole site. Each file is
// written under a temporary name and renamed over the old one, so the server
// never reads half a page. (`build` uses write-output.ts: all-or-nothing.)
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputFile } from '../render/pages.js';

export interface SyncedOutput {
  dir: string;
  /** Paths this folder holds now. */
  paths: Set<string>;
  /** Applied to each HTML page as it is written (dev inserts its live-reload script). */
  transformHtml: (html: string) => string;
}

export function createSyncedOutput(dir: string, transformHtml: (html: string) => string = (html) => html): SyncedOutput {
  return { dir, paths: new Set(), transformHtml };
}

/** Bring the folder in line with `files`; returns how many files were written and removed. */
export async function syncOutput(output: SyncedOutput, files: readonly OutputFile[]): Promise<{ written: number; removed: number }> {
  if (output.paths.size === 0) {
    await rm(output.dir, { recursive: true, force: true });
    await mkdir(output.dir, { recursive: true });
  }
  let written = 0;
  let kept = 0;
  const added: string[] = [];
  for (const file of files) {
    const had = output.paths.has(file.path);
    if (had) kept++;
    else added.push(file.path);
    if (!file.fresh && had) continue;
    const target = join(output.dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    const contents = typeof file.contents === 'string' && file.path.endsWith('.html') ? output.transformHtml(file.contents) : file.contents;
    await writeFile(`${target}.tmp-${process.pid}`, contents);
    await rename(`${target}.tmp-${process.pid}`, target);
    written++;
  }
  let removed = 0;
  if (kept < output.paths.size) {
    const present = new Set(files.map((file) => file.path));
    for (const path of output.paths) {
      if (present.has(path)) continue;
      await rm(join(output.dir, path), { force: true });
      // A story's page lives in a folder of its own; leave no empty folder behind.
      await rmdir(dirname(join(output.dir, path))).catch(() => {});
      removed++;
    }
    output.paths = present;
  } else {
    for (const path of added) output.paths.add(path);
  }
  return { written, removed };
}
