// The whole pipeline, top to bottom: config → stories → Markdown → site model →
// templates → pages → dist/. Any problem is collected as a message on its file;
// if there is one error anywhere, nothing is written and the result says why.
import { existsSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import type { VFile } from 'vfile';
import { loadConfig } from './config/config.js';
import { discoverStories } from './content/discover.js';
import { readStory } from './content/read-story.js';
import { createMarkdownProcessor, renderMarkdown } from './markdown/processor.js';
import { renderPages } from './render/pages.js';
import { loadTemplates } from './render/templates.js';
import { hasErrors } from './report/messages.js';
import { createSite } from './site/model.js';
import { writeOutput } from './write/write-output.js';

export interface BuildOptions {
  /** Site folder holding `broadsheet.yaml`, `content/` and `templates/`. Default: the working directory. */
  root?: string;
  /** Story folder. Default: `<root>/content`. */
  content?: string;
  /** Template folder. Default: `<root>/templates`. */
  templates?: string;
  /** Output folder, replaced whole on success. Default: `<root>/dist`. */
  out?: string;
  /** Folder that printed paths are relative to. Default: the working directory. */
  cwd?: string;
  /** Called as each stage advances, for progress display. */
  onProgress?: (progress: Progress) => void;
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
  out: string;
}

/** A problem with how Broadsheet was called, rather than with the site. */
export class UsageError extends Error {}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const paths = resolvePaths(options);
  const progress = options.onProgress ?? (() => {});

  const { file: configFile, config } = await loadConfig(paths.root);

  const storyPaths = await discoverStories(paths.content);
  const storyFiles: VFile[] = [];
  for (const path of storyPaths) {
    storyFiles.push(await readStory(path));
    progress({ stage: 'read', done: storyFiles.length, total: storyPaths.length });
  }

  const markdown = createMarkdownProcessor();
  for (const file of storyFiles) renderMarkdown(markdown, file);

  const site = config && createSite(config, storyFiles, paths.cwd);
  const templates = await loadTemplates(paths.templates, paths.cwd);
  const problems = () => [configFile, ...storyFiles, ...templates.files()].filter((file) => file.messages.length > 0);
  const failed = (pages = 0): BuildResult => ({ ok: false, files: problems(), stories: site?.stories.length ?? 0, briefs: 0, pages, out: paths.out });
  if (!site || hasErrors(problems())) return failed();

  const total = site.stories.length + 1;
  let rendered = 0;
  const pages = await renderPages(site, templates, () => progress({ stage: 'render', done: ++rendered, total }));
  if (hasErrors(problems())) return failed();

  let written = 0;
  const assets = join(paths.templates, 'assets');
  await writeOutput(paths.out, pages, {
    copy: existsSync(assets) ? [{ from: assets, to: 'assets' }] : [],
    onFile: () => progress({ stage: 'write', done: ++written, total: pages.length }),
  });

  return {
    ok: true,
    files: problems(),
    stories: site.stories.length,
    briefs: site.stories.filter((story) => story.isBrief).length,
    pages: pages.length,
    out: paths.out,
  };
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
  // The output folder is replaced whole, so it must not hold anything a writer made.
  for (const [name, kept] of [['site root', root], ['content folder', paths.content], ['templates folder', paths.templates]] as const) {
    if (isInside(kept, paths.out)) throw new UsageError(`The output folder cannot be or contain the ${name} (${relative(cwd, kept) || '.'}); choose another --out`);
  }
  return paths;
}

function isInside(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}
