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
import { lstat, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemFailure } from '../report/system-errors.js';
import { makeFolder } from '../support/make-folder.js';
import { lock } from './lock.js';
import { layoutOf, readManifest, verify, type Layout, type LayoutKind, type Manifest, type Side } from './builds.js';
import { locate, recover, type Manifests } from './layouts.js';
import { startWrite, type Known, type OutputWrite } from './write-session.js';

export type { OutputWrite, WriteResult } from './write-session.js';

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

export function openOutput(out: string, options: OutputOptions = {}): Output {
  const layout = layoutOf(out, options.layout ?? 'folder');
  const persist = options.persist ?? true;
  // Within one process (dev) the manifests are known exactly and never read back.
  let known: Known | undefined;
  const output: Output = {
    dir: layout.kind === 'releases' ? join(out, 'current') : out,
    async begin() {
      try {
        return told(await start());
      } catch (error) {
        throw writeFailure(error);
      }
    },
  };

  async function start(): Promise<OutputWrite> {
    const made = (await lstat(layout.dir).catch(() => undefined)) === undefined;
    await makeFolder(layout.dir);
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
      return await startWrite(state, release, (next) => (known = next));
    } catch (error) {
      await release();
      throw error;
    }
  }
  return output;
}

/**
 * A full disk, a read-only or permission-denied folder, said plainly with its path (exit 1)
 * rather than as Broadsheet's bug: what the calls below (renames, folders, links) did not
 * say themselves, as writing a file does (spare-build.ts, builds.ts, lock.ts).
 */
function writeFailure(error: unknown): unknown {
  return systemFailure(error, { doing: 'write' }) ?? error;
}

/** The same write, its failures told by writeFailure. */
function told(write: OutputWrite): OutputWrite {
  const guarded = <R>(call: () => Promise<R>) => call().catch((error: unknown) => Promise.reject(writeFailure(error)));
  return {
    has: (path, key) => write.has(path, key),
    keep: (path, key) => write.keep(path, key),
    put: (path, key, contents) => guarded(() => write.put(path, key, contents)),
    commit: () => guarded(() => write.commit()),
    abort: () => guarded(() => write.abort()),
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
