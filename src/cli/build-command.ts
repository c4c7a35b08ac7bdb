// `broadsheet build` and `broadsheet check`: the same pipeline; check writes nothing.
import { join, relative } from 'node:path';
import { CACHE_FOLDER } from '../cache/story-index.js';
import { build, type Progress } from '../build.js';
import { boundHeapFor } from './heap.js';
import { plural, printMessages, tally, type Io } from './io.js';
import type { ParsedOptions } from './options.js';
import { createProgress } from './progress.js';

export async function runBuild(io: Io, options: ParsedOptions): Promise<number> {
  const started = performance.now();
  const progress = createProgress(io);
  const result = await build({ ...siteOptions(io, options), out: options.out, onProgress: watching(progress) });
  progress.clear();

  const { errors, warnings } = printMessages(io, result.files);
  const out = relative(io.cwd, result.out) || '.';
  if (!result.ok) {
    io.stderr(`\n${tally(errors, warnings)}; nothing was written, ${out}/ is as it was.\n`);
    return 1;
  }
  const ms = Math.round(performance.now() - started);
  const briefs = result.briefs ? ` (${plural(result.briefs, 'brief')})` : '';
  io.stdout(`Built ${plural(result.stories, 'story', 'stories')}${briefs} into ${out}/: ${plural(result.pages, 'page')} in ${ms} ms${changes(result.changedFiles)}${warnings ? `, ${plural(warnings, 'warning')}` : ''}.\n`);
  return 0;
}

/** Sync-based deploys upload what changed: say how much that is. */
function changes(count: number | undefined): string {
  if (count === undefined) return '';
  return count === 0 ? ', no file changed' : `, ${plural(count, 'file')} changed`;
}

export async function runCheck(io: Io, options: ParsedOptions): Promise<number> {
  const progress = createProgress(io);
  const result = await build({ ...siteOptions(io, options), write: false, onProgress: watching(progress) });
  progress.clear();
  const { errors, warnings } = printMessages(io, result.files);
  if (!result.ok) {
    io.stderr(`\n${tally(errors, warnings)}.\n`);
    return 1;
  }
  io.stdout(`Checked ${plural(result.stories, 'story', 'stories')} and ${plural(result.pages, 'page')}: ${warnings ? plural(warnings, 'warning') : 'no problems'}.\n`);
  return 0;
}

/** Progress shown, and a large site's heap bounded once its size is known. */
function watching(progress: ReturnType<typeof createProgress>) {
  return (p: Progress) => {
    boundHeapFor(p.total);
    progress.update(p);
  };
}

/** The options every command that builds shares. */
export function siteOptions(io: Io, options: ParsedOptions) {
  const cacheDir: string | false = options['no-cache'] ? false : (options.cache ?? join(options.root ?? '.', CACHE_FOLDER));
  return { root: options.root, content: options.content, cwd: io.cwd, drafts: options.drafts, future: options.future, cacheDir };
}
