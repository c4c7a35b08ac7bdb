// Stage 7: put the site on disk, atomically, rewriting only what changed.
//
// The output (`dist`) is the current build, an ordinary folder; the build before it
// is kept as the spare, `.dist.builds/spare`. A new build is made by bringing the
// spare up to date — writing the files that changed since it was current,
// hard-linking from the current build the ones that did not, removing the rest —
// and then swapping it in with renames (layouts.ts): whenever the process stops, even
// by SIGKILL, `dist` is the complete old site or the complete new one, and a kill
// between two renames is finished by the next build. A rebuild costs what changed in
// the last two builds, not the size of the site. (`output_layout: releases` keeps the
// builds inside dist/ and swaps a `current` link instead, for servers reading it live.)
//
// Unchanged: a file with the same bytes as in the current build is its very inode (a
// hard link), so its mtime and inode stay and sync-based deploys (rsync, `aws s3
// sync`, netlify deploy) upload only what changed. When nothing changed, nothing is
// touched at all.
//
// Pages are handed over as they are rendered, so a large site is never held in memory
// whole; a page whose key (everything it is made from) is the current build's is not
// rendered again (`has`). Before trusting its manifest, every file of the current
// build is checked with one lstat: a file edited or removed by hand is made again,
// and a stray file forces the swap that removes it. An output folder Broadsheet did
// not make (an older version's, or a copy) is read byte by byte instead, never
// through a symbolic link, and becomes the spare on the first swap.
import { lstat, mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hash } from '../support/hash.js';
import { lock } from './lock.js';
import { layoutOf, readManifest, verify, writeManifest, type FileEntry, type Layout, type LayoutKind, type Manifest, type Side } from './builds.js';
import { locate, recover, type Arrangement, type Manifests } from './layouts.js';
import { listOutput, sameBytes } from './old-output.js';
import { openSpareBuild } from './spare-build.js';

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

export interface Output {
  /** Where the site is read from: the output folder, or its `current` link in the releases layout. */
  readonly dir: string;
  /** Start writing a new build (one at a time); `basePath` is where the site lives on its host (`/`, `/news/`). */
  begin(site: { basePath: string }): Promise<OutputWrite>;
}

export interface OutputOptions {
  /** Applied to each HTML page before it is written (dev inserts its live-reload script). */
  transformHtml?: ((html: string) => string) | undefined;
  /**
   * Keep the manifests on disk for a later process. Default: true. Dev's private folder
   * lives as long as its process, which knows them exactly: writing them would cost a
   * rebuild as much as the rest of it at 10,000 stories.
   */
  persist?: boolean | undefined;
  /** `folder` (default): the output is the site. `releases`: the output holds the builds and a `current` link to the live one, swapped atomically. */
  layout?: LayoutKind | undefined;
}

// Writes in flight: enough to keep the disk busy, few enough that pages are not held up in memory.
const IN_FLIGHT = 32;

export function openOutput(out: string, options: OutputOptions = {}): Output {
  const layout = layoutOf(out, options.layout ?? 'folder');
  const persist = options.persist ?? true;
  // Within one process (dev) the manifests are known exactly and never read back.
  let known: Known | undefined;
  return {
    dir: layout.kind === 'releases' ? join(out, 'current') : out,
    async begin() {
      const made = (await lstat(layout.dir).catch(() => undefined)) === undefined;
      await mkdir(layout.dir, { recursive: true });
      const locked = await lock(layout);
      // A first build that fails leaves nothing behind, not even an empty folder.
      const release = async () => {
        await locked();
        if (made) await rmdir(layout.dir).catch(() => {});
      };
      try {
        const manifests = manifestSource(layout, known, persist);
        await recover(layout, manifests);
        const arrangement = await locate(layout, manifests);
        const { current } = arrangement;
        const mine = known && known.side === current.side ? known : undefined;
        let live: Manifest | undefined;
        let stray = false;
        let refreshed = false;
        // What this process wrote itself it knows exactly (dev's private folder); a manifest read back is checked first.
        if (mine) live = mine.live;
        else if (current.root && current.manifest) ({ manifest: live, stray, refreshed } = verify(current.root, current.manifest));
        const spare = arrangement.spare.manifest;
        const stale = mine && spare ? mine.stale : undefined;
        const state = { layout, arrangement, side: current.side, spareSide: arrangement.spare.side, live, stray, refreshed, spare, stale, transform: options.transformHtml, persist };
        return startWrite(state, release, (next) => (known = next));
      } catch (error) {
        await release();
        throw error;
      }
    },
  };
}

/** Each side's manifest: as this process last left it, or as written on disk; read once. */
function manifestSource(layout: Layout, known: Known | undefined, persist: boolean): Manifests {
  const read = new Map<Side, Promise<Manifest | undefined>>();
  const source = (side: Side) => (known ? Promise.resolve(side === known.side ? known.live : known.spare) : persist ? readManifest(layout, side) : Promise.resolve(undefined));
  return (side) => {
    const manifest = read.get(side) ?? source(side);
    read.set(side, manifest);
    return manifest;
  };
}

interface State {
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
interface Known {
  side: Side;
  live: Manifest;
  spare: Manifest | undefined;
  stale?: ReadonlySet<string> | undefined;
}

function startWrite(state: State, release: () => Promise<void>, remember: (known: Known) => void): Promise<OutputWrite> {
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
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const track = (work: Promise<void>) => {
    const running = work.catch((error: unknown) => void (failure ??= error)).finally(() => inFlight.delete(running));
    inFlight.add(running);
  };
  const drain = async () => {
    await Promise.all(inFlight);
    if (failure) throw failure;
  };

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
      if (failure) throw failure;
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
      while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
      track(spare.write(path, bytes, { key, hash: digest }).then((written) => void next.set(path, written)));
    },
    async commit() {
      try {
        await drain();
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
          track(spare.link(path, entry, liveRoot as string).then((linked) => void next.set(path, linked)));
          while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
        }
        await drain();
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
    await Promise.allSettled(inFlight);
    const left = await spare.afterFailure();
    await arrangement.abandon();
    if (!left || arrangement.reshaped) return;
    if (state.persist) await writeManifest(layout, state.spareSide, left).catch(() => {});
    if (state.side && state.live) remember({ side: state.side, live: state.live, spare: left });
  };
  return Promise.resolve(write);
}
