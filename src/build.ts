// The whole pipeline, top to bottom: config → stories → Markdown → site model →
// templates → pages → output. Every problem is collected as a message on its
// file; with one error anywhere, nothing is written and the result says why.
// A rebuild (dev) is this same function with a warm cache and the changed paths.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { VFile } from 'vfile';
import { createBuildCache, markChanged, type BuildCache } from './cache/build-cache.js';
import { openStoryStore } from './cache/story-store.js';
import { loadConfig } from './config/config.js';
import { discoverStories, updateStoryList } from './content/discover.js';
import { lastCommitDates } from './content/git-dates.js';
import { loadStories } from './content/load-stories.js';
import { markdownOptions } from './markdown/processor.js';
import { renderFeeds } from './discovery/feeds.js';
import { renderRobots } from './discovery/robots.js';
import { renderSitemaps } from './discovery/sitemaps.js';
import { readAssets, type Assets } from './render/assets.js';
import { renderHeaders } from './render/headers.js';
import { collectMedia } from './render/media.js';
import { pageCount, renderPages, type OutputFile } from './render/pages.js';
import { loadTemplates } from './render/templates.js';
import { fail, hasErrors, warn } from './report/messages.js';
import { checkLinks } from './site/check-links.js';
import type { Site } from './site/model.js';
import { buildSite } from './site/update-site.js';
import { writeOutput } from './write/write-output.js';

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
  /** Where the result goes: `out` (atomically, the default), nowhere (`false`, for `check`), or a function (dev). */
  write?: false | ((files: OutputFile[], site: Site) => Promise<void>) | undefined;
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

/** A problem with how Broadsheet was called, rather than with the site. */
export class UsageError extends Error {}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const paths = resolvePaths(options);
  const progress = options.onProgress ?? (() => {});
  const reporting = options.onProgress !== undefined;
  const cache = options.cache ?? createBuildCache();

  const { file: configFile, config } = await loadConfig(paths.root);

  const known = options.changed && cache.storyPaths ? updateStoryList(paths.content, cache.storyPaths, (path) => cache.stories.has(path), options.changed) : undefined;
  const storyPaths = known ?? (await discoverStories(paths.content));
  cache.storyPaths = storyPaths;
  const store = options.cacheDir ? await openStoryStore(resolve(paths.cwd, options.cacheDir), paths.content) : undefined;
  let storiesRendered = 0;
  const storyFiles = await loadStories(storyPaths, {
    cache,
    store,
    onRender: () => void storiesRendered++,
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
  const result = (ok: boolean, pages: OutputFile[] = []): BuildResult => {
    let briefs = 0;
    let html = 0;
    let rendered = 0;
    for (const story of site?.stories ?? []) if (story.isBrief) briefs++;
    for (const page of pages) {
      if (!page.path.endsWith('.html')) continue;
      html++;
      if (page.fresh) rendered++;
    }
    return { ok, files: problems(), stories: site?.stories.length ?? 0, briefs, pages: html, rendered, storiesRendered, out: paths.out };
  };
  if (options.signal?.aborted) return { ...result(false), aborted: true };
  if (!site || hasErrors(problems())) return result(false);

  const assets = await readAssets(paths.templates, cache);
  const basePath = new URL(site.config.url).pathname;
  const image = (key: 'logo' | 'share_image') => assetImage(key, site.config[key], assets, configFile, site.config.url);
  const logo = image('logo');
  const shareImage = image('share_image');
  templates.useAssets(assets.byName, basePath);
  const total = pageCount(site, templates);
  let rendered = 0;
  const onPage = reporting ? () => progress({ stage: 'render', done: ++rendered, total }) : undefined;
  const { pages, commit: commitPages } = await renderPages(site, templates, cache, { assetsKey: assets.key, logo, shareImage }, onPage);
  const sitemaps = renderSitemaps(site, cache);
  const made = [...collectMedia(site), ...renderFeeds(site, cache.feedBodies), ...sitemaps, ...renderRobots(site, sitemaps.map((file) => file.path))];
  const files = [...pages, ...assets.files, ...made];
  const generated = markChanged(cache, [...made, renderHeaders(basePath, files, site.config.embeds)]);
  const output = [...pages, ...assets.files, ...generated.files];
  // Links are checked against the pages the site will have: only meaningful once every page rendered.
  if (!hasErrors(problems())) checkLinks(site, output.map((file) => file.path), cache.links);
  if (hasErrors(problems())) return result(false);
  if (options.signal?.aborted) return { ...result(false), aborted: true };

  let changedFiles: number | undefined;
  if (options.write === undefined) {
    let written = 0;
    const outcome = await writeOutput(paths.out, output, { onFile: () => progress({ stage: 'write', done: ++written, total: output.length }) });
    changedFiles = outcome.written + outcome.removed;
  } else if (options.write) {
    await options.write(output, site);
  }
  // Only what was written, from a model that built without errors, is a base for the next build.
  commitPages();
  assets.commit();
  generated.commit();
  cache.site = model?.snapshot;
  // Only a build that looked every story up knows which entries are still wanted.
  if (store && !options.changed && !options.cache) await store.prune();
  return { ...result(true, output), changedFiles };
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
    if (isInside(kept, paths.out)) throw new UsageError(`The output folder cannot be or contain the ${name} (${relative(cwd, kept) || '.'}); choose another --out`);
    if (name !== 'site root' && isInside(paths.out, kept)) throw new UsageError(`The output folder cannot be inside the ${name} (${relative(cwd, kept)}); choose another --out`);
  }
  return paths;
}

function isInside(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}
