// What a build is asked to do and what it answers, and the folders it works in.
import { join, relative, resolve } from 'node:path';
import type { VFile } from 'vfile';
import type { BuildCache } from './build-cache.js';
import { UsageError } from './report/errors.js';
import { statOf } from './support/files.js';
import { isWithin } from './support/paths.js';
import type { Output } from './write/output.js';

export interface BuildOptions {
  /** Site folder holding `broadsheet.yaml`, `content/` and `templates/`. Default: the working directory. */
  root?: string | undefined;
  /** Story folder. Default: `<root>/content`. */
  content?: string | undefined;
  /** Template folder. Default: `<root>/templates`. */
  templates?: string | undefined;
  /** Output folder, replaced whole on success. Default: `<root>/dist`. */
  out?: string | undefined;
  /** Folder that printed paths are relative to. Default: the working directory. */
  cwd?: string | undefined;
  /** Include `draft: true` stories. Default: false. */
  drafts?: boolean | undefined;
  /** Include stories dated in the future. Default: false. */
  future?: boolean | undefined;
  /** The time that decides what "in the future" means. Default: now. */
  now?: Date | undefined;
  /**
   * Folder where rendered stories are kept between runs (see cache/story-index.ts), or `false`.
   * Default: none (the CLI passes `<root>/.broadsheet-cache` unless told `--no-cache`).
   */
  cacheDir?: string | false | undefined;
  /** Results of earlier builds to reuse. Default: a new, empty cache. */
  cache?: BuildCache | undefined;
  /** Files changed since `cache` was filled; other cached stories are reused unread. Default: check every file. */
  changed?: ReadonlySet<string> | undefined;
  /** Where the site is written: by default `out` (write/output.ts); dev passes its own. */
  output?: Output | undefined;
  /** `false`: render everything, write nothing (`check`). */
  write?: false | undefined;
  /** Called as each stage advances, for progress display. */
  onProgress?: ((progress: Progress) => void) | undefined;
  /** Stop before writing anything when aborted (dev: newer changes arrived); the result says `aborted`. */
  signal?: AbortSignal | undefined;
}

export interface Progress {
  stage: 'read' | 'render' | 'write';
  done: number;
  total: number;
}

export interface BuildResult {
  ok: boolean;
  /** Every file that has messages, errors and warnings alike. */
  files: VFile[];
  stories: number;
  briefs: number;
  pages: number;
  /** Pages rendered by this build rather than reused from the cache. */
  rendered: number;
  /** Stories parsed and rendered by this build rather than reused from the cache or the store on disk. */
  storiesRendered: number;
  out: string;
  /** Files of the output written or removed (`build` only): an unchanged site changes none. */
  changedFiles?: number | undefined;
  /** Stopped through `signal` before writing: nothing was written or reported. */
  aborted?: boolean;
}

export interface SitePaths {
  cwd: string;
  root: string;
  content: string;
  templates: string;
  out: string;
}

/** The build's folders, absolute; a usage error names the option to fix. */
export function resolvePaths(options: BuildOptions): SitePaths {
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = resolve(cwd, options.root ?? '.');
  const paths = {
    cwd,
    root,
    content: resolve(cwd, options.content ?? join(root, 'content')),
    templates: resolve(cwd, options.templates ?? join(root, 'templates')),
    out: resolve(cwd, options.out ?? join(root, 'dist')),
  };
  const content = statOf(paths.content);
  if (!content) throw new UsageError(`No content folder at ${relative(cwd, paths.content) || '.'}; pass --content DIR or --root DIR`);
  if (!content.isDirectory()) throw new UsageError(`--content must be a folder, and ${relative(cwd, paths.content)} is a file`);
  // The output folder is replaced whole, so it must not hold anything a writer made.
  for (const [name, kept] of [['site root', root], ['content folder', paths.content], ['templates folder', paths.templates]] as const) {
    if (isWithin(kept, paths.out)) throw new UsageError(`The output folder cannot be or contain the ${name} (${relative(cwd, kept) || '.'}); choose another --out`);
    if (name !== 'site root' && isWithin(paths.out, kept)) throw new UsageError(`The output folder cannot be inside the ${name} (${relative(cwd, kept)}); choose another --out`);
  }
  return paths;
}
