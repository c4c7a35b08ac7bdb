// The build's "plan outputs" step: every file the site will have — pages, media,
// feeds, sitemaps, assets, robots.txt, `_headers` — as a path, a key standing for
// everything the file is made from, and a way to make it. Nothing is made here:
// keys are cheap (memoized by the stages), so the links can be checked against the
// whole list, and the writer keeps every file whose key it already holds.
import { relative } from 'node:path';
import type { VFile } from 'vfile';
import { codeVersion } from '../cache/code-version.js';
import type { SiteConfig } from '../config/config.js';
import { feedFiles, sitemapFiles } from '../discovery/discovery-files.js';
import type { DiscoveryMemo } from '../discovery/memo.js';
import { renderRobots } from '../discovery/robots.js';
import { loadMarkdownStage } from '../markdown/stage.js';
import type { StoryMemo } from '../markdown/story-memo.js';
import { fail } from '../report/messages.js';
import type { Assets } from '../render/assets.js';
import { headersFile } from '../render/headers.js';
import { collectMedia, mediaBytes, MediaChanged } from '../render/media.js';
import type { RenderMemo } from '../render/memo.js';
import { createPagePool } from '../render/page-pool.js';
import { createPageRenderer, type PageRenderer } from '../render/page-renderer.js';
import { planPages } from '../render/pages.js';
import { createBodySource } from '../render/story-bodies.js';
import type { Templates } from '../render/templates.js';
import type { Site } from '../site/model.js';
import { hash } from '../support/hash.js';
import type { OutputFile } from '../support/output-file.js';
import { threadCount } from '../workers/threads.js';

export interface PlannedOutput {
  /** Path under the output folder. */
  path: string;
  key: string;
  /** The file's bytes, when the output lacks them; undefined: nothing to write (the problem is on its file). */
  make: () => Promise<string | Uint8Array | undefined>;
  /** A page, counted in the build's progress. */
  page: boolean;
}

export interface OutputPlan {
  outputs: PlannedOutput[];
  /** Every output's path, in order. */
  paths: string[];
  /** How many are pages. */
  pages: number;
  /** Renders the pages the output lacks; closed by the write step. */
  renderer: PageRenderer;
}

export interface PlanContext {
  configFile: VFile;
  templates: Templates;
  assets: Assets;
  memos: { render: RenderMemo; discovery: DiscoveryMemo; stories: StoryMemo };
  paths: { content: string; templates: string; cwd: string };
}

export async function planOutputs(site: Site, { configFile, templates, assets, memos, paths }: PlanContext): Promise<OutputPlan> {
  const basePath = new URL(site.config.url).pathname;
  const image = (key: 'logo' | 'share_image') => assetImage(key, site.config, assets, configFile);
  templates.useAssets(assets.byName, basePath);
  const assetsKey = hash(await codeVersion(), assets.key);
  const bodyOf = createBodySource(memos.stories, paths.content);
  const pages = planPages(site, templates, memos.render, { assetsKey, bodyOf, logo: image('logo'), shareImage: image('share_image') });
  const threads = threadCount();
  const renderer = createPageRenderer({
    templates,
    total: pages.length,
    prepare: loadMarkdownStage,
    startPool: threads > 1 ? () => createPagePool({ size: threads - 1, templates, dir: paths.templates, cwd: paths.cwd, assets: assets.byName, basePath }) : undefined,
  });
  const outputs: PlannedOutput[] = pages.map((page, index) => ({ path: page.path, key: page.key, make: () => renderer.render(page, index), page: true }));

  // Media by the hash in their names: read and copied only when the output lacks them.
  for (const { media, file } of collectMedia(site, memos.render.media)) {
    const make = () =>
      mediaBytes(media).catch((error: unknown) => {
        if (!(error instanceof MediaChanged)) throw error;
        fail(file, `The image ${relative(paths.cwd, media.source)} changed while the site was being built; build again`, undefined, 'media/changed');
        return undefined;
      });
    outputs.push({ path: media.output, key: media.hash, make, page: false });
  }
  // The feeds and sitemaps are keyed by what they show, and made (all of a group at once) only when that changed.
  const sitemaps = sitemapFiles(site, memos.discovery);
  for (const files of [feedFiles(site, bodyOf, memos.discovery.feedBodies), ...sitemaps]) {
    const key = hash(assetsKey, files.key);
    let made: Promise<OutputFile[]> | undefined;
    for (const path of files.paths) {
      const make = async () => (await (made ??= loadMarkdownStage().then(files.render))).find((file) => file.path === path)?.contents;
      outputs.push({ path, key, make, page: false });
    }
  }
  const fixed = (file: OutputFile) => outputs.push({ path: file.path, key: hash(file.contents), make: async () => file.contents, page: false });
  for (const file of assets.files) fixed(file);
  for (const file of renderRobots(site, sitemaps.flatMap((files) => files.paths))) fixed(file);
  // Made from every other path: the rules depend on which pages and feeds exist.
  fixed(headersFile(basePath, outputs.map((output) => output.path), site.config.embeds, memos.render.headers));
  return { outputs, paths: outputs.map((output) => output.path), pages: pages.length, renderer };
}

/** The `logo` and `share_image` settings name images among the templates' assets; pages need their size. */
function assetImage(key: 'logo' | 'share_image', config: SiteConfig, assets: Assets, configFile: VFile) {
  const name = config[key];
  if (name === undefined) return undefined;
  const asset = assets.byName.get(name);
  if (asset?.width && asset.height) return { url: new URL(asset.path, config.url).href, width: asset.width, height: asset.height };
  const line = String(configFile.value ?? '').split('\n').findIndex((text) => text.startsWith(`${key}:`)) + 1;
  const reason = asset ? `${name} is not an image whose size can be read; use a PNG or JPEG` : `No ${name} in templates/assets/ for the \`${key}\` setting; add the file or remove the setting`;
  fail(configFile, reason, line > 0 ? { line, column: 1 } : undefined, `config/${key}`);
  return undefined;
}
