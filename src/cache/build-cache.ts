// What one build can hand the next so that a rebuild redoes only what changed:
// each story's parse and Markdown results keyed by the hash of its bytes, and
// each page's HTML keyed by everything it was rendered from. `dev` keeps one
// cache for its whole session; a plain `build` starts with an empty one.
import { createHash } from 'node:crypto';
import type { Data } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { Templates } from '../render/templates.js';
import type { HeadlineView } from '../render/view-model.js';

export interface CachedStory {
  /** Hash of the file's bytes. */
  hash: string;
  text: string;
  /** The story, its HTML and its links, as the per-file stages left them on the VFile. */
  data: Data;
  messages: VFileMessage[];
}

export interface CachedPage {
  key: string;
  contents: string;
}

export interface BuildCache {
  stories: Map<string, CachedStory>;
  pages: Map<string, CachedPage>;
  /** Output path of each asset → hash of its bytes. */
  assets: Map<string, string>;
  /** The parsed templates, reused until a template file changes. */
  templates: Templates | undefined;
  /** Each story's entry in headline lists, and its hash, keyed by story and site settings. */
  headlines: Map<string, { view: HeadlineView; key: string }>;
  /** Last commit date of each story file, read from git once per cache. */
  gitDates: Map<string, string> | undefined;
}

export function createBuildCache(): BuildCache {
  return { stories: new Map(), pages: new Map(), assets: new Map(), templates: undefined, headlines: new Map(), gitDates: undefined };
}

export function hash(...parts: Array<string | Uint8Array>): string {
  const digest = createHash('sha1');
  for (const part of parts) digest.update(part).update('\0');
  return digest.digest('hex');
}
