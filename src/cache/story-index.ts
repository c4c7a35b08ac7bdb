// The persistent half of the build cache: what every story's per-file stages made
// (its frontmatter, links, images, messages, and where its rendered body is kept in
// the body packs), one file for the whole site, so a build in a new process reads
// none of the stories that did not change — a stat of each says so — and renders
// only those that did. It is named by nothing but its folder: an index from another
// version of Broadsheet or for another content folder, or one that fails its
// checksum, is ignored and the build is cold. Deleting it at any time is safe.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { packStory, unpackStory, type PackedStory } from './story-transfer.js';
import type { VFile } from 'vfile';
import { codeVersion } from './code-version.js';
import { sha1 } from '../support/hash.js';
import { makeFolder } from '../support/make-folder.js';

export interface CachedStory {
  /** Hash of the file's bytes. */
  hash: string;
  /** The file's signature when it was read (content/file-signature.ts): matching, it need not be read again. */
  signature?: string | undefined;
  /** The file as the per-file stages (read, frontmatter, Markdown) left it. */
  file: VFile;
  /** How many of `file.messages` those stages made; later ones belong to one build only. */
  ownMessages: number;
}

/** Where the CLI keeps the cache, under the site root, unless told otherwise. */
export const CACHE_FOLDER = '.broadsheet-cache';

export const INDEX_FILE = 'index.v8';
/** Bumped when the shape of an entry changes. */
const FORMAT = 2;

interface Saved {
  format: number;
  version: string;
  contentDir: string;
  /** The Markdown settings the stories were rendered with. */
  settings: string | undefined;
  stories: Array<[path: string, hash: string, signature: string | undefined, packed: PackedStory]>;
}

/** The stories as the last build left them (and its Markdown settings), or none when there is no index this build can trust. */
export async function loadStoryIndex(dir: string, contentDir: string): Promise<{ stories: Map<string, CachedStory>; settings: string | undefined }> {
  const stories = new Map<string, CachedStory>();
  const none = { stories, settings: undefined };
  let saved: Saved;
  try {
    const bytes = await readFile(join(dir, INDEX_FILE));
    const payload = bytes.subarray(20);
    if (!sha1(payload).equals(bytes.subarray(0, 20))) return none;
    saved = deserialize(payload) as Saved;
  } catch {
    return none;
  }
  if (saved?.format !== FORMAT || saved.version !== (await codeVersion()) || saved.contentDir !== contentDir || !Array.isArray(saved.stories)) return none;
  for (const [path, hash, signature, packed] of saved.stories) {
    stories.set(path, { hash, signature, file: unpackStory(path, packed), ownMessages: packed.messages.length });
  }
  return { stories, settings: saved.settings };
}

/** Returns why the index could not be written, if it could not: the build goes on, and the next one starts cold. */
export async function saveStoryIndex(dir: string, contentDir: string, stories: ReadonlyMap<string, CachedStory>, settings: string | undefined): Promise<unknown> {
  const saved: Saved = {
    format: FORMAT,
    version: await codeVersion(),
    contentDir,
    settings,
    // A body held in memory (its pack could not be written) is not saved: that story is rendered again next time.
    stories: [...stories]
      .filter(([, story]) => story.file.data.body?.html === undefined)
      .map(([path, story]) => [path, story.hash, story.signature, packStory(story.file, { messages: story.ownMessages }).packed]),
  };
  const payload = serialize(saved);
  const checksum = sha1(payload);
  const temporary = join(dir, `${INDEX_FILE}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await makeFolder(dir);
    await writeFile(temporary, Buffer.concat([checksum, payload]));
    await rename(temporary, join(dir, INDEX_FILE));
    return undefined;
  } catch (error) {
    // A full or read-only disk costs the next run its head start, not this build.
    await rm(temporary, { force: true }).catch(() => {});
    return error;
  }
}
