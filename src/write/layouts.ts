// Where the live build and the spare one are, and the swap that makes the spare live
// (output.ts makes the spare). Two arrangements (builds.ts, LayoutKind):
//
// folder, the default: `dist` is the live build, a plain folder, and the spare is
// `.dist.builds/spare`. The swap is three renames: dist → .dist.builds/retiring,
// spare → dist, retiring → spare. rename(2) cannot put a folder over a non-empty
// one, and Node has no renameat2(RENAME_EXCHANGE) to trade two in one call, so
// between the first two renames there is no `dist` at all: two system calls apart.
// A build killed there leaves `retiring` (the old site, complete) and the spare (the
// new one, complete, its manifest written): the next build finishes the swap before
// anything else (`recover`), so dist/ is never a mix of the two.
//
// releases: `dist/current` is a link to `releases/a` or `releases/b` inside dist, and
// the swap is one rename of a new link over it, atomic: a server reading
// dist/current never sees a missing folder. An output not yet arranged so (missing,
// a plain folder) is staged whole in `.dist.builds/spare` and swapped in the folder
// way, once.
import { lstat, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { forgetManifest, otherSide, type Layout, type Manifest, type Side } from './builds.js';

export interface Current {
  /** The folder the site is in now, if there is one: its files may be reused. */
  root: string | undefined;
  /** Whose manifest describes `root` (its files are trusted once verified); undefined: a folder Broadsheet did not make, compared byte by byte. */
  side: Side | undefined;
  manifest: Manifest | undefined;
}

export interface Arrangement {
  current: Current;
  /** Where the new build is made, and the manifest that still describes that folder, if one does. */
  spare: { side: Side; root: string; manifest: Manifest | undefined };
  /** The output changes shape with this build (to releases): it is swapped even when no file changed, and the old build is not kept. */
  reshaped: boolean;
  /** Make the spare the live build (its manifest already written). */
  swap(): Promise<void>;
  /** After a failed build: remove what was made only to stage it. */
  abandon(): Promise<void>;
}

/** Each side's manifest, read at most once per build. */
export type Manifests = (side: Side) => Promise<Manifest | undefined>;

const stagingOf = (layout: Layout) => join(layout.dir, 'spare');
const retiringOf = (layout: Layout) => join(layout.dir, 'retiring');
const look = (path: string) => lstat(path).catch(() => undefined);
const SIDES: Side[] = ['a', 'b'];

/** Finish or undo a swap a kill interrupted, and remove what it left; under the lock, before anything else. */
export async function recover(layout: Layout, manifests: Manifests): Promise<void> {
  const retiring = retiringOf(layout);
  const retired = await look(retiring);
  if (retired) {
    const staging = stagingOf(layout);
    // Killed between the first two renames: the new build goes in if it was complete, else the old one goes back.
    if (!(await look(layout.out))) await rename((await stagedComplete(staging, manifests)) ? staging : retiring, layout.out);
    if (await look(retiring)) {
      if (layout.kind === 'folder' && retired.isDirectory() && !(await look(staging))) await rename(retiring, staging);
      else await rm(retiring, { recursive: true, force: true });
    }
  }
  // A manifest being written when the build was killed: its temporary file (builds.ts writeManifest).
  for (const name of await readdir(layout.dir)) if (/^[ab]\.json\.\d+\.tmp$/.test(name)) await rm(join(layout.dir, name), { force: true });
  if (layout.kind === 'releases' && (await releaseIn(layout.out))) {
    // A link made for a swap that never happened.
    for (const name of await readdir(layout.out)) if (/^current\.\d+\.link$/.test(name)) await rm(join(layout.out, name), { force: true });
  }
}

export async function locate(layout: Layout, manifests: Manifests): Promise<Arrangement> {
  const arrangement = await arrange(layout, manifests);
  // A manifest naming neither folder describes one that is gone, and a folder made later may
  // be given its inode: it goes now, before this build makes any folder.
  for (const side of SIDES) {
    if (side !== arrangement.current.side && !(side === arrangement.spare.side && arrangement.spare.manifest)) await forgetManifest(layout, side);
  }
  return arrangement;
}

async function arrange(layout: Layout, manifests: Manifests): Promise<Arrangement> {
  if (layout.kind === 'releases') {
    const live = await releaseIn(layout.out);
    if (live) return releases(layout, manifests, live);
  }
  const { current, legacy } = await plainOutput(layout, manifests);
  const staging = stagingOf(layout);
  // Old-version leftovers (`.dist.builds/a`, `b`) go once the swap no longer needs them.
  const tidy = () => (legacy ? Promise.all(SIDES.map((side) => rm(join(layout.dir, side), { recursive: true, force: true }))) : undefined);
  if (layout.kind === 'releases') {
    // Staged whole: releases/<side> and the link to it, in a folder that becomes dist/.
    await rm(staging, { recursive: true, force: true });
    const side = current.side ? otherSide(current.side) : 'a';
    return {
      current,
      spare: { side, root: join(staging, 'releases', side), manifest: undefined },
      reshaped: true,
      async swap() {
        await symlink(join('releases', side), join(staging, 'current'));
        // The old output is removed by the swap: its manifest goes first.
        await forgetManifest(layout, otherSide(side));
        await exchange(layout, staging, false);
        await tidy();
      },
      abandon: () => rm(staging, { recursive: true, force: true }),
    };
  }
  const stats = await look(staging);
  const found = stats?.isDirectory() ? await describing(stats.ino, manifests) : undefined;
  const side = current.side ? otherSide(current.side) : (found?.side ?? 'a');
  return {
    current,
    spare: { side, root: staging, manifest: found?.side === side ? found.manifest : undefined },
    reshaped: false,
    async swap() {
      await exchange(layout, staging, true);
      await tidy();
    },
    abandon: async () => {},
  };
}

/** A releases-shaped output: its spare is the other release beside the live one. */
async function releases(layout: Layout, manifests: Manifests, live: { side: Side; root: string }): Promise<Arrangement> {
  const stats = await look(live.root);
  const manifest = await manifests(live.side);
  const trusted = manifest !== undefined && manifest.root === stats?.ino;
  const side = otherSide(live.side);
  const root = join(layout.out, 'releases', side);
  const spareStats = await look(root);
  const spareManifest = await manifests(side);
  return {
    current: { root: live.root, side: trusted ? live.side : undefined, manifest: trusted ? manifest : undefined },
    spare: { side, root, manifest: spareStats?.isDirectory() && spareManifest?.root === spareStats.ino ? spareManifest : undefined },
    reshaped: false,
    async swap() {
      const temporary = join(layout.out, `current.${process.pid}.link`);
      await rm(temporary, { force: true });
      await symlink(join('releases', side), temporary);
      await rename(temporary, join(layout.out, 'current'));
    },
    abandon: async () => {},
  };
}

/** The output as a plain folder (ours if a manifest names its inode), an older version's link to `.dist.builds/a` or `b`, or nothing. */
async function plainOutput(layout: Layout, manifests: Manifests): Promise<{ current: Current; legacy: boolean }> {
  const stats = await look(layout.out);
  if (stats?.isDirectory()) {
    const ours = await describing(stats.ino, manifests);
    if (ours) return { current: { root: layout.out, ...ours }, legacy: false };
    // A releases-shaped output (the setting was changed back): its live release is what may be reused.
    const release = await releaseIn(layout.out);
    return { current: { root: release?.root ?? layout.out, side: undefined, manifest: undefined }, legacy: false };
  }
  const none = { root: undefined, side: undefined, manifest: undefined };
  if (!stats?.isSymbolicLink()) return { current: none, legacy: false };
  const target = await readlink(layout.out).catch(() => '');
  if (!SIDES.some((side) => target === join(basename(layout.dir), side))) return { current: none, legacy: false };
  const root = join(dirname(layout.out), target);
  return { current: (await look(root))?.isDirectory() ? { ...none, root } : none, legacy: true };
}

/** `dist/current` when it links to one of dist's releases. */
async function releaseIn(out: string): Promise<{ side: Side; root: string } | undefined> {
  const target = await readlink(join(out, 'current')).catch(() => '');
  const side = SIDES.find((candidate) => target === join('releases', candidate));
  if (!side) return undefined;
  const root = join(out, 'releases', side);
  return (await look(root))?.isDirectory() ? { side, root } : undefined;
}

async function describing(ino: number, manifests: Manifests): Promise<{ side: Side; manifest: Manifest } | undefined> {
  for (const side of SIDES) {
    const manifest = await manifests(side);
    if (manifest?.root === ino) return { side, manifest };
  }
  return undefined;
}

/** Whether the staged folder is a whole build: one its manifest describes (folder), or whose `current` links to one (releases). */
async function stagedComplete(staging: string, manifests: Manifests): Promise<boolean> {
  const release = await releaseIn(staging);
  const stats = await look(release?.root ?? staging);
  return stats?.isDirectory() === true && (await describing(stats.ino, manifests)) !== undefined;
}

/** `staged` becomes the output by renames; the old output becomes the spare (`keep`) or is removed. */
async function exchange(layout: Layout, staged: string, keep: boolean): Promise<void> {
  const retiring = retiringOf(layout);
  const old = await look(layout.out);
  if (old) await rename(layout.out, retiring);
  // From here to the next rename there is no output (see the top of this file): a kill here is `recover`'s to finish.
  try {
    await rename(staged, layout.out);
  } catch (error) {
    if (old) await rename(retiring, layout.out).catch(() => {});
    throw error;
  }
  if (!old) return;
  if (keep && old.isDirectory()) await rename(retiring, stagingOf(layout));
  else await rm(retiring, { recursive: true, force: true });
}
