// The whole pipeline, top to bottom, as its steps: prepare (config, templates,
// assets) → load stories → model → plan outputs → check links → write. Every problem
// is collected as a message on its file; with one error anywhere, nothing is written
// and the result says why. A rebuild (dev, or a build with a warm cache) is this
// same function on fewer inputs: each step keeps its own memo in the cache
// (build-cache.ts) and redoes only what changed. docs/architecture.md tells it whole.
import { resolve } from 'node:path';
import type { VFile } from 'vfile';
import { closeBuildCache, createBuildCache, openBuildCache, type BuildCache } from './build-cache.js';
import { resolvePaths, type BuildOptions, type BuildResult, type SitePaths } from './build-options.js';
import { loadContent, reported } from './markdown/load-content.js';
import { markdownOptions } from './markdown/settings.js';
import { cacheNotes } from './markdown/story-memo.js';
import { planOutputs } from './outputs/plan.js';
import { discard, writeOutputs } from './outputs/write.js';
import { prepare } from './render/prepare.js';
import { hasErrors } from './report/messages.js';
import { checkLinks } from './site/check-links.js';
import { keepModel, modelSite } from './site/update-site.js';
import { openOutput } from './write/output.js';

export type { BuildOptions, BuildResult, Progress } from './build-options.js';
export { EnvironmentError, UsageError } from './report/errors.js';
export { closeBuildCache, createBuildCache, type BuildCache } from './build-cache.js';

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const paths = resolvePaths(options);
  const cache = options.cache ?? createBuildCache();
  const cacheDir = options.cacheDir ? resolve(paths.cwd, options.cacheDir) : undefined;
  // A cache's first build starts from the story index the last run saved.
  await openBuildCache(cache, cacheDir, paths.content);
  try {
    return await run(options, paths, cache);
  } finally {
    // The stories' results hold whatever the site's errors: a failed build leaves the next one its head start too.
    if (!options.cache) await closeBuildCache(cache, { cacheDir, contentDir: paths.content, pruned: !options.changed });
  }
}

async function run(options: BuildOptions, paths: SitePaths, cache: BuildCache): Promise<BuildResult> {
  const progress = options.onProgress;
  const tally = { storiesRendered: 0, pages: 0, rendered: 0, stories: 0, briefs: 0 };

  const prepared = await prepare(paths, options.changed, cache.render);
  const { configFile, config, templates, assets } = prepared;
  const stories = await loadContent(cache.stories, {
    contentDir: paths.content,
    changed: options.changed,
    markdown: markdownOptions(config),
    onRender: () => void tally.storiesRendered++,
    onProgress: progress && ((done, total) => progress({ stage: 'read', done, total })),
  });
  const model = config && (await modelSite(config, configFile, stories, paths.content, modelOptions(options, paths), cache.site));

  const files = () => withMessages([configFile], stories, templates.files(), cacheNotes(cache.stories));
  const result = (ok: boolean, more: Partial<BuildResult> = {}): BuildResult => {
    const reporting = files();
    reported(cache.stories, reporting);
    return { ok, files: reporting, ...tally, out: paths.out, ...more };
  };
  if (model) Object.assign(tally, { stories: model.site.stories.length, briefs: model.snapshot.briefs });
  if (options.signal?.aborted) return result(false, { aborted: true });
  if (!model || !assets || hasErrors(files())) return result(false);

  const plan = await planOutputs(model.site, { configFile, templates, assets, memos: cache, paths });
  tally.pages = plan.outputs.filter((output) => output.page && output.path.endsWith('.html')).length;
  // Against every path the site will have, before any page is rendered.
  if (checkLinks(model.site, plan.paths, cache.links) > 0 || hasErrors(files())) {
    await plan.renderer.close();
    return result(false);
  }

  // Pages go to the output as they are rendered; nothing becomes the site before `commit`.
  const basePath = new URL(model.site.config.url).pathname;
  const write = options.write === false ? discard() : await (options.output ?? openOutput(paths.out, { layout: model.site.config.output_layout })).begin({ basePath });
  let outcome;
  try {
    let done = 0;
    await writeOutputs(plan, write, progress && (() => progress({ stage: 'render', done: ++done, total: plan.pages })));
    tally.rendered = plan.renderer.rendered;
    const failed = hasErrors(files());
    if (failed || options.signal?.aborted) {
      await write.abort();
      return result(false, options.signal?.aborted && !failed ? { aborted: true } : {});
    }
    outcome = await write.commit();
  } catch (error) {
    await write.abort();
    throw error;
  }
  keepModel(cache.site, model);
  return result(true, { changedFiles: options.write === false ? undefined : outcome.written + outcome.removed });
}

function modelOptions(options: BuildOptions, paths: SitePaths) {
  return { drafts: options.drafts ?? false, future: options.future ?? false, now: (options.now ?? new Date()).getTime(), cwd: paths.cwd };
}

function withMessages(...groups: ReadonlyArray<readonly VFile[]>): VFile[] {
  const files: VFile[] = [];
  for (const group of groups) for (const file of group) if (file.messages.length > 0) files.push(file);
  return files;
}
