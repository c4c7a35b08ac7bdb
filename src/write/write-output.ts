// Stage 7: put the site on disk atomically, rewriting only what changed.
//
// Atomic: a new output is assembled in a staging folder beside the old one and
// takes its place with two renames; a build that fails before that leaves the old
// output untouched. Unchanged: sync-based deploys (rsync, `aws s3 sync`) decide
// what to upload from size and mtime, so a file whose bytes did not change must
// keep its mtime. Each output file is therefore compared with the one already on
// disk, and
// - when every file is identical and the old output holds nothing else, the old
//   output is left exactly as it is: no staging folder, no rename;
// - otherwise the staging folder gets a hard link to each unchanged old file (same
//   inode, same mtime, no bytes copied) and a fresh write of the rest, then the
//   swap as before. Without hard links (EXDEV, EPERM, a file system that has none)
//   the bytes are written and the old times restored.
// Comparing bytes rather than keeping a manifest of hashes costs a read of the old
// output, but trusts nothing but the disk: a hand-edited or half-deleted dist/ is
// still repaired, and no extra file has to live in or beside the output.
//
// The old output is never read, linked or written through a symbolic link: the
// walk does not descend into one and files are opened with O_NOFOLLOW, so a link
// in dist/ pointing elsewhere counts as a change and is dropped with the old output.
import { link, lstat, mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { OutputFile } from '../render/pages.js';
import { forEachLimit, listOutput, sameBytes, type Listing } from './old-output.js';

// Errors that say this file system (or this mount pair) has no hard links: stop trying them.
const NO_LINKS = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

export interface WriteOptions {
  /** Called once for each file, when it is known identical or has been written. */
  onFile?: () => void;
}

export interface WriteResult {
  /** Files written, new or with changed bytes. */
  written: number;
  /** Files whose bytes were already in the output and kept their mtime (and, with hard links, their inode). */
  kept: number;
  /** Entries of the old output (files, symbolic links, …) that the new one does not have. */
  removed: number;
  /** False when the output was already the site and was left untouched. */
  replaced: boolean;
}

type File = Pick<OutputFile, 'path' | 'contents'>;


export async function writeOutput(outDir: string, files: readonly File[], options: WriteOptions = {}): Promise<WriteResult> {
  const onFile = options.onFile ?? (() => {});
  const old = await listOutput(outDir);
  const folders = foldersOf(files);

  // Whether the old output already holds each file's bytes.
  const same: boolean[] = new Array<boolean>(files.length).fill(false);
  if (old.files.size > 0) {
    await forEachLimit(files, async (file, index) => {
      if (!old.files.has(file.path)) return;
      same[index] = await sameBytes(join(outDir, file.path), file.contents);
      if (same[index]) onFile();
    });
  }
  const kept = same.filter(Boolean).length;
  const paths = new Set(files.map((file) => file.path));
  const removed = [...old.files, ...old.others].filter((path) => !paths.has(path)).length;
  const strayFolder = [...old.folders.keys()].some((folder) => !folders.has(folder));
  // A link or other oddity in the old output is either removed or not kept, so it always forces the swap.
  if (kept === files.length && removed === 0 && !strayFolder && old.folders.has('')) {
    return { written: 0, kept, removed, replaced: false };
  }

  const parent = dirname(outDir);
  const staging = join(parent, `.${basename(outDir)}.staging-${process.pid}`);
  const retired = join(parent, `.${basename(outDir)}.old-${process.pid}`);
  await mkdir(parent, { recursive: true });
  await rm(staging, { recursive: true, force: true });
  try {
    await mkdir(staging);
    await makeFolders(staging, folders);
    let linking = true;
    await forEachLimit(files, async (file, index) => {
      const target = join(staging, file.path);
      const source = join(outDir, file.path);
      if (!same[index]) {
        await writeFile(target, file.contents);
        onFile();
        return;
      }
      if (linking) {
        try {
          await link(source, target);
          return;
        } catch (error) {
          if (NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) linking = false;
        }
      }
      // The bytes are the old file's, so writing them and restoring its times is as good as a link to a sync tool.
      const stats = await lstat(source).catch(() => undefined);
      await writeFile(target, file.contents);
      if (stats) await utimes(target, seconds(stats.atimeMs), seconds(stats.mtimeMs));
    });
    await keepFolderTimes(outDir, staging, old, folders);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }

  await rm(retired, { recursive: true, force: true });
  const hadOutput = await rename(outDir, retired).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  try {
    await rename(staging, outDir);
  } catch (error) {
    // Put the old output back rather than leave none.
    if (hadOutput) await rename(retired, outDir).catch(() => {});
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  // The kept files' inodes live on through their links in the new output.
  if (hadOutput) await rm(retired, { recursive: true, force: true });
  return { written: files.length - kept, kept, removed, replaced: true };
}

/** Every folder the files need, '' (the output itself) included, → the names in it. */
function foldersOf(files: readonly File[]): Map<string, Set<string>> {
  const folders = new Map<string, Set<string>>([['', new Set()]]);
  for (const file of files) {
    let path = file.path;
    while (path !== '') {
      const slash = path.lastIndexOf('/');
      const folder = slash === -1 ? '' : path.slice(0, slash);
      const names = folders.get(folder);
      if (names) {
        // Its own folders are already listed once one of its names is.
        const known = names.has(path.slice(slash + 1));
        names.add(path.slice(slash + 1));
        if (known) break;
      } else folders.set(folder, new Set([path.slice(slash + 1)]));
      path = folder;
    }
  }
  return folders;
}

/** Parents before children, each level in parallel. */
async function makeFolders(staging: string, folders: ReadonlyMap<string, unknown>): Promise<void> {
  const levels: string[][] = [];
  for (const folder of folders.keys()) {
    if (folder === '') continue;
    const depth = folder.split('/').length;
    (levels[depth] ??= []).push(folder);
  }
  for (const level of levels) if (level) await forEachLimit(level, (folder) => mkdir(join(staging, folder)));
}

/**
 * A folder that holds the same names as before keeps its old times too, as it
 * would have if only its files' bytes had been rewritten in place: `rsync -a`
 * then finds nothing to say about it. Set last, since adding entries touches them.
 */
async function keepFolderTimes(outDir: string, staging: string, old: Listing, folders: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
  const unchanged = [...folders].filter(([folder, names]) => {
    const before = old.folders.get(folder);
    return before !== undefined && before.length === names.size && before.every((name) => names.has(name));
  });
  await forEachLimit(unchanged, async ([folder]) => {
    const stats = await lstat(join(outDir, folder));
    if (stats.isDirectory()) await utimes(join(staging, folder), seconds(stats.atimeMs), seconds(stats.mtimeMs));
  });
}

// Times as fractional seconds: a Date would cut them to whole milliseconds.
function seconds(ms: number): number {
  return ms / 1000;
}
