// The whole pipeline, top to bottom: config → stories → Markdown → site model →
// templates → pages → output. Every problem is collected as a message on its
// file; with one error anywhere, nothing is written and the result says why.
// A rebuild (dev) is this same function with a warm cache and the changed paths.
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { VFile } from 'vfile';
import { createBuildCache, type BuildCache } from './cache/build-cache.js';
import { hash } from './support/hash.js';
import { sameItems } from './support/memo.js';
import { isWithin } from './support/paths.js';
import { codeVersion } from './cache/code-version.js';
import { closeBuildCache, openBuildCache } from './cache/cache-files.js';
import { loadConfig } from './config/config.js';
import { discoverStories, updateStoryList } from './content/discover.js';
import { lastCommitDates } from './content/git-dates.js';
import { loadStories } from './content/load-stories.js';
import { markdownOptions } from './markdown/settings.js';
import { loadMarkdownStage } from './markdown/stage.js';
import { feedFiles, sitemapFiles } from './discovery/discovery-files.js';
import { renderRobots } from './discovery/robots.js';
import { readAssets, type Assets } from './render/assets.js';
import { renderHeaders } from './render/headers.js';
import { createBodySource } from './markdown/story-bodies.js';
import { collectMedia, mediaBytes, MediaChanged } from './render/media.js';
import { createPagePool } from './render/page-pool.js';
import { pageCount, renderPages } from './render/pages.js';
import { loadTemplates } from './render/templates.js';
import { UsageError } from './report/errors.js';
import { fail, hasErrors, warn } from './report/messages.js';
import { checkLinks } from './site/check-links.js';
import { buildSite } from './site/update-site.js';
import { threadCount } from './workers/threads.js';
import { openOutput, type Output, type OutputWrite } from './write/output.js';

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
   * Folder where rendered stories are kept between runs (see cache/story-store.ts), or `false`.
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

export { EnvironmentError, UsageError } from './report/errors.js';

export { closeBuildCache } from './cache/cache-files.js';

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

async function run(options: BuildOptions, paths: ReturnType<typeof resolvePaths>, cache: BuildCache): Promise<BuildResult> {
  const progress = options.onProgress ?? (() => {});
  const reporting = options.onProgress !== undefined;
  const packs = cache.packs as NonNullable<BuildCache['packs']>;

  const { file: configFile, config } = await loadConfig(paths.root);
  // Set again when this build reports; a build that throws leaves the next one no list to trust.
  const messaged = cache.messaged;
  cache.messaged = undefined;

  const known = options.changed && cache.storyPaths ? updateStoryList(paths.content, cache.storyPaths, (path) => cache.stories.has(path), options.changed) : undefined;
  const storyPaths = known ?? (await discoverStories(paths.content));
  cache.storyPaths = storyPaths;
  let storiesRendered = 0;
  const storyFiles = await loadStories(storyPaths, {
    cache,
    packs,
    onRender: () => void storiesRendered++,
    messaged,
    contentDir: paths.content,
    markdown: markdownOptions(config),
    changed: options.changed,
    onProgress: reporting ? (done, total) => progress({ stage: 'read', done, total }) : undefined,
  });

  // Read once per cache: in `dev`, dates from commits made during the session show after a restart.
  if (config?.updated_from_git && !cache.gitDates) cache.gitDates = await lastCommitDates(paths.content);
  if (config?.updated_from_git && cache.gitDates?.shallow) {
    warn(configFile, 'This is a shallow git clone, so stories get no `updated` date from git; fetch the whole history (git fetch --unshallow) or set updated_from_git: false', undefined, 'config/updated_from_git');
  }
  const model =
    config &&
    buildSite(
      config,
      storyFiles,
      {
        drafts: options.drafts ?? false,
        future: options.future ?? false,
        now: (options.now ?? new Date()).getTime(),
        gitDates: cache.gitDates?.dates ?? new Map(),
        cwd: paths.cwd,
        memo: cache.published,
      },
      cache.site,
    );
  const site = model?.site;

  const templatesChanged = !options.changed || [...options.changed].some((path) => !relative(paths.templates, path).startsWith('..'));
  const templates = cache.templates && !templatesChanged && cache.templates.files().length === 0 ? cache.templates : await loadTemplates(paths.templates, paths.cwd);
  cache.templates = templates;
  const problems = () => withMessages([configFile], storyFiles, templates.files());
  let pagePaths: readonly string[] = [];
  let rendered = 0;
  const result = (ok: boolean): BuildResult => {
    const briefs = model?.snapshot.briefs ?? 0;
    const pages = pagePaths.filter((path) => path.endsWith('.html')).length;
    const files = problems();
    cache.messaged = files;
    return { ok, files, stories: site?.stories.length ?? 0, briefs, pages, rendered, storiesRendered, out: paths.out };
  };
  if (options.signal?.aborted) return { ...result(false), aborted: true };
  if (!site || hasErrors(problems())) return result(false);

  // Assets live under templates/: reused, like the templates, while the watcher reports nothing there.
  const assets = cache.assets && !templatesChanged ? cache.assets : await readAssets(paths.templates);
  cache.assets = assets;
  const basePath = new URL(site.config.url).pathname;
  const image = (key: 'logo' | 'share_image') => assetImage(key, site.config[key], assets, configFile, site.config.url);
  const logo = image('logo');
  const shareImage = image('share_image');
  templates.useAssets(assets.byName, basePath);
  const total = pageCount(site, templates);
  let done = 0;
  const onPage = reporting ? () => progress({ stage: 'render', done: ++done, total }) : undefined;

  // Pages go to the output as they are rendered; nothing becomes the site before `commit`.
  const write = options.write === false ? discard() : await (options.output ?? openOutput(paths.out, { layout: site.config.output_layout })).begin({ basePath });
  let outcome;
  try {
    const assetsKey = hash(await codeVersion(), assets.key);
    const bodyOf = createBodySource(cache, packs, paths.content);
    const threads = threadCount();
    const startPool = threads > 1 ? () => createPagePool({ size: threads - 1, templates, dir: paths.templates, cwd: paths.cwd, assets: assets.byName, basePath }) : undefined;
    const pages = await renderPages(site, templates, cache, write, { assetsKey, bodyOf, prepare: loadMarkdownStage, logo, shareImage, startPool, onPage });
    pagePaths = pages.paths;
    rendered = pages.rendered;
    // Media by the hash in their names: read and copied only when the output lacks them.
    const media = collectMedia(site, cache);
    for (const { media: item, file } of media) {
      if (write.has(item.output, item.hash)) write.keep(item.output, item.hash);
      else {
        const bytes = await mediaBytes(item).catch((error: unknown) => {
          if (!(error instanceof MediaChanged)) throw error;
          fail(file, `The image ${relative(paths.cwd, item.source)} changed while the site was being built; build again`, undefined, 'media/changed');
        });
        if (bytes) await write.put(item.output, item.hash, bytes);
      }
    }
    // The feeds and sitemaps are keyed by what they show, and made only when that changed.
    const sitemaps = sitemapFiles(site, cache);
    const keyed = [feedFiles(site, bodyOf, cache.feedBodies), ...sitemaps];
    const made = [...assets.files, ...renderRobots(site, sitemaps.flatMap((files) => files.paths))];
    const written = [...pages.paths, ...media.map(({ media: item }) => item.output), ...keyed.flatMap((files) => files.paths), ...made.map((file) => file.path)];
    const headers = headersFor(basePath, written, site.config.embeds, cache);
    made.push(headers);
    for (const files of keyed) {
      const key = hash(assetsKey, files.key);
      if (files.paths.every((path) => write.has(path, key))) for (const path of files.paths) write.keep(path, key);
      else {
        await loadMarkdownStage();
        for (const file of await files.render()) await write.put(file.path, key, file.contents);
      }
    }
    for (const file of made) {
      const key = hash(file.contents);
      if (write.has(file.path, key)) write.keep(file.path, key);
      else await write.put(file.path, key, file.contents);
    }
    // Links are checked against the pages the site will have: only meaningful once every page rendered.
    const failed = hasErrors(problems()) || checkLinks(site, [...written, headers.path], cache.links) > 0;
    if (failed || options.signal?.aborted) {
      await write.abort();
      return { ...result(false), ...(options.signal?.aborted && !failed ? { aborted: true } : {}) };
    }
    outcome = await write.commit();
  } catch (error) {
    await write.abort();
    throw error;
  }
  // Only a model that built without errors, and was written, is a base for the next build.
  cache.site = model?.snapshot;
  return { ...result(true), changedFiles: options.write === false ? undefined : outcome.written + outcome.removed };
}

/** `_headers`, made again only when the set of files or the settings it depends on changed (12,000 paths cost a dev rebuild 5 ms). */
function headersFor(basePath: string, written: readonly string[], embeds: readonly string[], cache: BuildCache) {
  const last = cache.headers;
  const embedsKey = embeds.join('\n');
  if (last?.basePath === basePath && last.embeds === embedsKey && sameItems(last.written, written)) return last.file;
  const file = renderHeaders(basePath, written.map((path) => ({ path })), embeds);
  cache.headers = { basePath, embeds: embedsKey, written, file };
  return file;
}

/** `check`: every page is rendered, for the errors, and nothing is kept. */
function discard(): OutputWrite {
  return { has: () => false, keep: () => {}, put: async () => {}, commit: async () => ({ written: 0, kept: 0, removed: 0, replaced: false }), abort: async () => {} };
}

/** The `logo` and `share_image` settings name images among the templates' assets; pages need their size. */
function assetImage(key: string, name: string | undefined, assets: Assets, configFile: VFile, siteUrl: string) {
  if (name === undefined) return undefined;
  const asset = assets.byName.get(name);
  if (asset?.width && asset.height) return { url: new URL(asset.path, siteUrl).href, width: asset.width, height: asset.height };
  const line = String(configFile.value ?? '').split('\n').findIndex((text) => text.startsWith(`${key}:`)) + 1;
  const reason = asset ? `${name} is not an image whose size can be read; use a PNG or JPEG` : `No ${name} in templates/assets/ for the \`${key}\` setting; add the file or remove the setting`;
  fail(configFile, reason, line > 0 ? { line, column: 1 } : undefined, `config/${key}`);
  return undefined;
}

function withMessages(...groups: ReadonlyArray<readonly VFile[]>): VFile[] {
  const files: VFile[] = [];
  for (const group of groups) for (const file of group) if (file.messages.length > 0) files.push(file);
  return files;
}

function resolvePaths(options: BuildOptions) {
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = resolve(cwd, options.root ?? '.');
  const paths = {
    cwd,
    root,
    content: resolve(cwd, options.content ?? join(root, 'content')),
    templates: resolve(cwd, options.templates ?? join(root, 'templates')),
    out: resolve(cwd, options.out ?? join(root, 'dist')),
  };
  if (!existsSync(paths.content)) throw new UsageError(`No content folder at ${relative(cwd, paths.content) || '.'}; pass --content DIR or --root DIR`);
  if (!statSync(paths.content).isDirectory()) throw new UsageError(`--content must be a folder, and ${relative(cwd, paths.content)} is a file`);
  // The output folder is replaced whole, so it must not hold anything a writer made.
  for (const [name, kept] of [['site root', root], ['content folder', paths.content], ['templates folder', paths.templates]] as const) {
    if (isWithin(kept, paths.out)) throw new UsageError(`The output folder cannot be or contain the ${name} (${relative(cwd, kept) || '.'}); choose another --out`);
    if (name !== 'site root' && isWithin(paths.out, kept)) throw new UsageError(`The output folder cannot be inside the ${name} (${relative(cwd, kept)}); choose another --out`);
  }
  return paths;
}
