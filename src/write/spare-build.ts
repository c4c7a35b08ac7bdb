// The spare build (output.ts): the folder beside the live build in which the next
// build is made, file by file, before the swap. What it holds is known from its
// manifest; before its first change the manifest goes (it is about to stop telling
// the truth), and a folder without one is emptied, since nothing says what is in it.
// Every entry is put in place under a temporary name and renamed over the old one,
// which may be a hard link shared with the live build.
//
// A file's folder, its bytes or link, its rename and its lstat are sync calls: the
// promise API costs each a trip through libuv's thread pool, which on two cores took
// as much CPU as the calls themselves (a cold build of 12,000 files, or the first
// rebuild after it linking them all).
import { linkSync, lstatSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { lstat, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemFailure } from '../report/system-errors.js';
import { makeFolder, makeFolderSync } from '../support/make-folder.js';
import { forgetManifest, type FileEntry, type Layout, type Manifest, type Side } from './builds.js';
import { attempt, keepFolderTimes, parentOf, readNoFollow, recordFolderTimes, tidyFolders } from './folders.js';

// Errors that say this file system has no hard links: copy the bytes instead, with the old times.
const NO_LINKS = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

type Made = Omit<FileEntry, 'size' | 'mtimeMs' | 'ino'>;

export interface SpareBuild {
  readonly root: string;
  /** What it holds, as far as this build has changed it. */
  files(): Map<string, FileEntry>;
  folders(): Map<string, number>;
  /** Folders a file was put in or taken from: the only ones that can need tidying or dating. */
  readonly touched: Set<string>;
  /** Called before the first change (and by every change). */
  ready(): Promise<void>;
  /** `bytes` at `path`; the entry as written. */
  write(path: string, bytes: Uint8Array, made: Made): Promise<FileEntry>;
  /** The live build's file at `path` (a hard link, or a copy with its times); the entry as placed. */
  link(path: string, entry: FileEntry, liveRoot: string): Promise<FileEntry>;
  remove(path: string): void;
  /** After the last change: empty folders go, unchanged ones take the live build's times, and every touched folder's time is recorded. */
  finish(liveRoot: string | undefined, sameNames: boolean): Manifest;
  /** After a failure: the manifest that tells the truth about the folder now, or undefined when there is none to write (untouched, or removed since this build made it). */
  afterFailure(): Promise<Manifest | undefined>;
}

export function openSpareBuild(layout: Layout, spare: { side: Side; root: string; manifest: Manifest | undefined }, persist: boolean): SpareBuild {
  const { side, root, manifest } = spare;
  let files = new Map(manifest?.files ?? []);
  let folders = new Map(manifest?.folders ?? []);
  let readied: Promise<void> | undefined;
  let existed = true;
  let linking = true;
  const touched = new Set<string>();

  const ready = () =>
    (readied ??= (async () => {
      if (manifest) return persist ? forgetManifest(layout, side) : undefined;
      existed = (await lstat(root).catch(() => undefined)) !== undefined;
      await rm(root, { recursive: true, force: true });
      await makeFolder(root);
      files = new Map();
      folders = new Map([['', 0]]);
    })());
  const folderFor = (path: string) => {
    const folder = parentOf(path);
    for (let at = folder; at !== ''; at = parentOf(at)) touched.add(at);
    touched.add('');
    if (folder !== '' && !folders.has(folder)) {
      makeFolderSync(join(root, folder));
      for (let at = folder; at !== '' && !folders.has(at); at = parentOf(at)) folders.set(at, 0);
    }
  };
  const place = async (path: string, made: Made, fill: (temporary: string) => void | Promise<void>): Promise<FileEntry> => {
    await ready();
    folderFor(path);
    const temporary = join(root, `${path}.${process.pid}.tmp`);
    try {
      await fill(temporary);
      renameSync(temporary, join(root, path));
    } catch (error) {
      attempt(() => rmSync(temporary, { force: true }));
      // A failed write names no file (and a failed open, the temporary one): the file being made is named.
      throw systemFailure(error, { path: join(root, path), doing: 'write' }) ?? error;
    }
    const stats = lstatSync(join(root, path));
    const written = { ...made, size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
    files.set(path, written);
    return written;
  };

  return {
    root,
    files: () => files,
    folders: () => folders,
    touched,
    ready,
    write: (path, bytes, made) => place(path, made, (temporary) => writeFileSync(temporary, bytes)),
    link: (path, entry, liveRoot) =>
      place(path, { key: entry.key, hash: entry.hash }, async (temporary) => {
        const source = join(liveRoot, path);
        if (linking) {
          try {
            return linkSync(source, temporary);
          } catch (error) {
            if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
            linking = false;
          }
        }
        // The bytes are the live file's: copied with its times, that is as good as a link to a sync tool.
        const stats = await lstat(source);
        await writeFile(temporary, await readNoFollow(source));
        await utimes(temporary, stats.atimeMs / 1000, stats.mtimeMs / 1000);
      }),
    remove(path) {
      attempt(() => unlinkSync(join(root, path)));
      files.delete(path);
      touched.add(parentOf(path));
    },
    finish(liveRoot, sameNames) {
      tidyFolders(root, folders, touched);
      keepFolderTimes(root, liveRoot, folders, touched, sameNames);
      recordFolderTimes(root, folders, touched);
      return { root: lstatSync(root).ino, files, folders };
    },
    async afterFailure() {
      if (!readied || !(await readied.then(() => true, () => false))) return undefined;
      if (!existed) return void (await rm(root, { recursive: true, force: true }));
      tidyFolders(root, folders, touched);
      recordFolderTimes(root, folders, touched);
      const stats = attempt(() => lstatSync(root));
      return stats ? { root: stats.ino, files, folders } : undefined;
    },
  };
}
