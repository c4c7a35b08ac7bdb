// The persistent half of the build cache: each story's parse and Markdown result,
// kept on disk between runs so a `build` after a small change renders only the
// stories that changed. Entries are content-addressed — the name is a hash of
// Broadsheet's own code, the content folder, the story's path and its bytes — so
// an entry is never updated in place, a changed story or a new Broadsheet simply
// misses, and a corrupt or half-written entry is a miss too (it is deleted and the
// story rendered again). Deleting the whole folder at any time is always safe.
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { VFile } from 'vfile';
import { packStory, unpackStory, type PackedStory } from '../markdown/story-transfer.js';
import { hash } from './build-cache.js';
import { codeVersion } from './code-version.js';

/** Where the CLI keeps the store, under the site root, unless told otherwise. */
export const CACHE_FOLDER = '.broadsheet-cache';

/** Bumped when the shape of an entry changes. */
const FORMAT = 1;

export interface StoryStore {
  /** The story as rendered before from these very bytes, or undefined. */
  get(path: string, bytesHash: string): Promise<VFile | undefined>;
  /** Keep `file` for the next run (stories that show images are not kept: see `put`). */
  put(path: string, bytesHash: string, file: VFile): Promise<void>;
  /** After a build that looked at every story: drop the entries no story used. */
  prune(): Promise<void>;
}

export async function openStoryStore(dir: string, contentDir: string): Promise<StoryStore> {
  const version = await codeVersion();
  const folder = join(dir, 'stories');
  const used = new Set<string>();
  const entry = (path: string, bytesHash: string) => {
    const name = hash(String(FORMAT), version, contentDir, path, bytesHash);
    used.add(name);
    return join(folder, name.slice(0, 2), `${name.slice(2)}.v8`);
  };
  return {
    async get(path, bytesHash) {
      const file = entry(path, bytesHash);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch {
        return undefined;
      }
      try {
        return unpackStory(path, deserialize(bytes) as PackedStory);
      } catch {
        await unlink(file).catch(() => {});
        return undefined;
      }
    },
    async put(path, bytesHash, story) {
      // A story's images are checked against their files on every build, and their bytes
      // would make the store a second copy of the photo archive: such stories render again.
      if ((story.data.imageSources?.length ?? 0) > 0) return;
      const file = entry(path, bytesHash);
      // Builds in one process (tests, a dev session) share the pid: the random part keeps their writes apart.
      const temporary = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
      try {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(temporary, serialize(packStory(story).packed));
        await rename(temporary, file);
      } catch {
        // A full or read-only disk costs the next run its head start, not this build.
        await rm(temporary, { force: true }).catch(() => {});
      }
    },
    async prune() {
      const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const item of entries) {
        if (!item.isFile()) continue;
        const path = join(item.parentPath, item.name);
        const name = relative(folder, path).split(sep).join('').replace(/\.v8$/, '');
        if (!used.has(name)) await unlink(path).catch(() => {});
      }
    },
  };
}
