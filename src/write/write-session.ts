// One build's writing into the output (output.ts opens it): `put` and `keep` say what
// the new build holds, `commit` brings the spare folder to it and swaps it in, `abort`
// leaves the current build as it was and says truthfully what the spare holds now.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { hash } from '../support/hash.js';
import { inFlight } from '../support/limit.js';
import { writeManifest, type FileEntry, type Layout, type Manifest, type Side } from './builds.js';
import type { Arrangement } from './layouts.js';
import { listOutput, sameBytes } from './old-output.js';
import { openSpareBuild } from './spare-build.js';

// Writes in flight: enough to keep the disk busy, few enough that pages are not held up in memory.
const IN_FLIGHT = 32;

export interface WriteResult {
  /** Files new, or with bytes other than the current build's. */
  written: number;
  /** Files identical to the current build's. */
  kept: number;
  /** Files (and stray entries) of the current build the new one does not have. */
  removed: number;
  /** False when the output already was the new build, and was left untouched. */
  replaced: boolean;
}

/** One build's writing: files go in with `put` or `keep`, then all become current at `commit`, or none at `abort`. */
export interface OutputWrite {
  /** Whether the current build holds `path` made from `key`, so `keep` may stand in for rendering it. */
  has(path: string, key: string): boolean;
  /** `path`, as the current build holds it (only after `has` said so). */
  keep(path: string, key: string): void;
  /** `path` made from `key`: written now if neither build holds these bytes. */
  put(path: string, key: string, contents: string | Uint8Array): Promise<void>;
  commit(): Promise<WriteResult>;
  /** The current build stays as it was. */
  abort(): Promise<void>;
}

export interface State {
  layout: Layout;
  arrangement: Arrangement;
  /** The side whose manifest describes the output now, if it is one of ours. */
  side: Side | undefined;
  spareSide: Side;
  /** The current build's files as verified; undefined when they are not ours to trust. */
  live: Manifest | undefined;
  stray: boolean;
  /** The live manifest's times were brought up to date by the check: worth writing back. */
  refreshed: boolean;
  spare: Manifest | undefined;
  /** Known exactly (this process made both): the only paths at which the spare build may differ from the live one. */
  stale: ReadonlySet<string> | undefined;
  transform: ((html: string) => string) | undefined;
  persist: boolean;
}

/** What one process knows of an output it wrote: both manifests, and where they differ (Known.stale). */
export interface Known {
  side: Side;
  live: Manifest;
  spare: Manifest | undefined;
  stale?: ReadonlySet<string> | undefined;
}

export function startWrite(state: State, release: () => Promise<void>, remember: (known: Known) => void): Promise<OutputWrite> {
  const { layout, arrangement } = state;
  const liveRoot = arrangement.current.root;
  const liveFiles = state.live?.files ?? new Map<string, FileEntry>();
  // A folder we did not make: only its regular files, found without following links, are compared.
  const foreign = liveRoot && !state.side ? listOutput(liveRoot) : undefined;

  const next = new Map<string, FileEntry>();
  const fromLive = new Set<string>();
  /** Files this build put in the spare folder (written, or found there already). */
  const placed = new Set<string>();
  const spare = openSpareBuild(layout, arrangement.spare, state.persist);
  const writes = inFlight(IN_FLIGHT);

  let rekeyed = false;
  const write: OutputWrite = {
    has(path, key) {
      return liveFiles.get(path)?.key === key;
    },
    keep(path, key) {
      const entry = liveFiles.get(path) as FileEntry;
      // Entries are never changed once made: the live one itself stands for the kept file.
      next.set(path, entry.key === key ? entry : { ...entry, key });
      fromLive.add(path);
    },
    async put(path, key, contents) {
      writes.check();
      const bytes = typeof contents === 'string' ? Buffer.from(state.transform && path.endsWith('.html') ? state.transform(contents) : contents) : contents;
      const digest = hash(bytes);
      const live = liveFiles.get(path);
      if (live?.hash === digest) {
        // The same bytes from new inputs (a new Broadsheet, a template edit that changes nothing):
        // the manifest must learn the new key, or every later build renders the page again.
        if (live.key !== key) rekeyed = true;
        next.set(path, { ...live, key });
        fromLive.add(path);
        return;
      }
      if (foreign && (await foreign).files.has(path) && (await sameBytes(join(liveRoot as string, path), bytes))) {
        const stats = await lstat(join(liveRoot as string, path));
        next.set(path, { key, hash: digest, size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino });
        fromLive.add(path);
        return;
      }
      placed.add(path);
      const there = spare.files().get(path);
      if (there?.hash === digest) return void next.set(path, { ...there, key });
      await writes.add(spare.write(path, bytes, { key, hash: digest }).then((written) => void next.set(path, written)));
    },
    async commit() {
      try {
        await writes.drain();
        const written = next.size - fromLive.size;
        const old = foreign ? [...(await foreign).files, ...(await foreign).others] : [...liveFiles.keys()];
        const gone = old.filter((path) => !next.has(path));
        const removed = gone.length;
        const same = state.side !== undefined && state.live !== undefined && !state.stray && !arrangement.reshaped && written === 0 && removed === 0;
        if (same) {
          const live = { root: (state.live as Manifest).root, files: next, folders: (state.live as Manifest).folders };
          if ((state.refreshed || rekeyed) && state.persist) await writeManifest(layout, state.side as Side, live);
          remember({ side: state.side as Side, live, spare: state.spare, stale: state.stale });
          return { written: 0, kept: next.size, removed: 0, replaced: false };
        }

        // Bring the spare folder to the new build: what the live build shares, linked from it; what is gone, removed.
        // Where the spare is known to differ from the live build only at `stale`, only those paths (and
        // what this build removed) can need either: at 10,000 stories the passes over every file were
        // a fifth of a dev rebuild.
        const stale = state.stale && state.spare ? state.stale : undefined;
        for (const path of stale ? [...stale].filter((candidate) => fromLive.has(candidate)) : fromLive) {
          const entry = next.get(path) as FileEntry;
          const there = spare.files().get(path);
          if (there !== undefined && there.hash === entry.hash && there.ino === entry.ino) continue;
          await writes.add(spare.link(path, entry, liveRoot as string).then((linked) => void next.set(path, linked)));
        }
        await writes.drain();
        await spare.ready();
        for (const path of stale ? [...new Set([...stale, ...gone])].filter((candidate) => spare.files().has(candidate)) : [...spare.files().keys()]) {
          if (!next.has(path)) spare.remove(path);
        }
        // The new build holding every file the live one does and no other: then every folder holds the same names.
        const sameNames = !foreign && removed === 0 && next.size === liveFiles.size;
        const { root, folders } = spare.finish(liveRoot, sameNames);
        const manifest: Manifest = { root, files: next, folders };
        if (state.persist) await writeManifest(layout, state.spareSide, manifest);
        await arrangement.swap();
        // The old live build is the spare now, exactly as verified (a folder we did not make, or one
        // removed because the output changed shape: unknown). The two builds now differ where this one
        // wrote or removed a file.
        const differ = new Set([...gone, ...placed]);
        const kept = state.live && !state.stray && !arrangement.reshaped ? state.live : undefined;
        remember({ side: state.spareSide, live: manifest, spare: kept, stale: foreign ? undefined : differ });
        return { written, kept: fromLive.size, removed: removed + (state.stray ? 1 : 0), replaced: true };
      } catch (error) {
        await settleFailure();
        throw error;
      } finally {
        await release();
      }
    },
    async abort() {
      try {
        await settleFailure();
      } finally {
        await release();
      }
    },
  };

  /** After a failure: say truthfully what the spare folder holds now, or remove it if this build made it. */
  const settleFailure = async () => {
    await writes.settle();
    const left = await spare.afterFailure();
    await arrangement.abandon();
    if (!left || arrangement.reshaped) return;
    if (state.persist) await writeManifest(layout, state.spareSide, left).catch(() => {});
    if (state.side && state.live) remember({ side: state.side, live: state.live, spare: left });
  };
  return Promise.resolve(write);
}
