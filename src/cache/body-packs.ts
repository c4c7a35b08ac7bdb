// Where rendered story bodies wait until their page is rendered, and between runs:
// append-only pack files, one per thread per build, each body at an offset. The
// story index keeps only a reference (pack, offset, length, hash), so a site of
// 100,000 stories holds their metadata in memory and none of their HTML, a cold
// build writes its bodies as a few long files instead of a small file a story, and
// a page whose story did not change reads its body back in one positioned read.
// A body that cannot be read back whole and with its hash — a pack deleted, cut
// short, overwritten — is a miss: the caller renders the story again. A pack that
// cannot be written (a full disk, a read-only or permission-denied folder) costs
// only the cache: from then on this thread keeps its bodies in memory, each on its
// reference, and the first says why (`unwritten`), for the build to warn once.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { whatFailed } from '../report/system-errors.js';
import { sha1Hex as sha1 } from '../support/hash.js';
import { makeFolderSync } from '../support/make-folder.js';

export interface BodyRef {
  /** File name of the pack in the bodies folder. */
  pack: string;
  offset: number;
  /** Bytes, UTF-8. */
  length: number;
  /** sha1 of the bytes, checked on every read. */
  hash: string;
  /** The body itself, when no pack could take it: held in memory, never saved. */
  html?: string | undefined;
  /** Why the pack could not be written, on the first body held in memory for that reason: what the build warns of. */
  unwritten?: string | undefined;
}

export interface BodyPacks {
  readonly dir: string;
  /** Append `html` to this thread's pack (or keep it in memory, when the pack cannot be written). */
  put(html: string): BodyRef;
  /** Whether a pack write failed: the bodies since are in memory. */
  failed(): boolean;
  /** The body, or undefined when it cannot be read back as written. */
  get(ref: BodyRef): string | undefined;
  /** The pack this thread appends to, once it has one. */
  writing(): string | undefined;
  /** Close every file this thread opened. */
  close(): void;
}

export function openBodyPacks(dir: string): BodyPacks {
  const reading = new Map<string, number | null>();
  let writing: { name: string; fd: number; size: number } | undefined;
  let failed = false;
  const append = (bytes: Buffer, hash: string): BodyRef => {
    if (!writing) {
      makeFolderSync(dir);
      // Threads and processes sharing the folder never share a pack.
      const name = `${process.pid}-${threadId}-${randomBytes(4).toString('hex')}.pack`;
      writing = { name, fd: openSync(join(dir, name), 'a'), size: 0 };
    }
    let written = 0;
    while (written < bytes.length) written += writeSync(writing.fd, bytes, written);
    const ref = { pack: writing.name, offset: writing.size, length: bytes.length, hash };
    writing.size += bytes.length;
    return ref;
  };
  const readFd = (pack: string): number | undefined => {
    if (!reading.has(pack)) {
      try {
        reading.set(pack, openSync(join(dir, pack), 'r'));
      } catch {
        reading.set(pack, null);
      }
    }
    return reading.get(pack) ?? undefined;
  };
  return {
    dir,
    put(html) {
      const bytes = Buffer.from(html);
      const hash = sha1(bytes);
      if (!failed) {
        try {
          return append(bytes, hash);
        } catch (error) {
          failed = true;
          // A failed write names no path: the pack it was for is named instead.
          const path = writing ? join(dir, writing.name) : dir;
          return { pack: '', offset: 0, length: bytes.length, hash, html, unwritten: whatFailed(error, { path: (error as NodeJS.ErrnoException).path ?? path }) };
        }
      }
      return { pack: '', offset: 0, length: bytes.length, hash, html };
    },
    failed: () => failed,
    get(ref) {
      if (ref.html !== undefined) return ref.html;
      const fd = readFd(ref.pack);
      if (fd === undefined) return undefined;
      const bytes = Buffer.allocUnsafe(ref.length);
      try {
        let read = 0;
        while (read < ref.length) {
          const got = readSync(fd, bytes, read, ref.length - read, ref.offset + read);
          if (got === 0) return undefined;
          read += got;
        }
      } catch {
        return undefined;
      }
      return sha1(bytes) === ref.hash ? bytes.toString('utf8') : undefined;
    },
    writing: () => writing?.name,
    close() {
      for (const fd of reading.values()) if (fd !== null) closeSync(fd);
      reading.clear();
      if (writing) closeSync(writing.fd);
      writing = undefined;
    },
  };
}

/**
 * After a build that looked at every story: remove the packs no body in use lives in,
 * and, once most of the packs' bytes are bodies nothing uses any more, copy the live
 * ones into a fresh pack (`rewrite` points each reference at its new place).
 */
export async function prunePacks(packs: BodyPacks, live: Iterable<BodyRef>, rewrite: (from: BodyRef, to: BodyRef) => void): Promise<void> {
  const used = new Map<string, BodyRef[]>();
  for (const ref of live) {
    const refs = used.get(ref.pack) ?? [];
    refs.push(ref);
    used.set(ref.pack, refs);
  }
  const names = await readdir(packs.dir).catch(() => [] as string[]);
  let total = 0;
  let kept = 0;
  for (const name of names) {
    if (!name.endsWith('.pack')) continue;
    const refs = used.get(name);
    if (!refs) {
      await rm(join(packs.dir, name), { force: true });
      continue;
    }
    total += (await stat(join(packs.dir, name)).catch(() => ({ size: 0 }))).size;
    for (const ref of refs) kept += ref.length;
  }
  // Compacting costs a read and a write of every live body: worth it only when most bytes are garbage,
  // and only while the packs can be written.
  if (total < 16 * 1024 * 1024 || kept * 2 > total || packs.failed()) return;
  const old = new Set<string>();
  const stuck = new Set<string>();
  for (const [name, refs] of used) {
    // The pack being written is the one they are copied into.
    if (name === packs.writing()) continue;
    for (const ref of refs) {
      const html = packs.get(ref);
      if (html === undefined) continue;
      const moved = packs.put(html);
      // The disk filled up meanwhile: what is not copied yet stays where it is.
      if (moved.html !== undefined) stuck.add(name);
      else rewrite(ref, moved);
      old.add(name);
    }
  }
  for (const name of stuck) old.delete(name);
  for (const name of old) await rm(join(packs.dir, name), { force: true });
}

