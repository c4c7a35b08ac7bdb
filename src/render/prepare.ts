// The build's "prepare" step: the settings, the templates and their assets. The
// templates and assets are kept in the render memo and reused while the watcher
// reports nothing under templates/ (a build without a watcher reads them again).
import type { VFile } from 'vfile';
import { loadConfig, type SiteConfig } from '../config/config.js';
import { isWithin } from '../support/paths.js';
import { readAssets, type Assets } from './assets.js';
import type { RenderMemo } from './memo.js';
import { loadTemplates, type Templates } from './templates.js';

export interface Prepared {
  configFile: VFile;
  /** Undefined when broadsheet.yaml has errors (they are on `configFile`). */
  config: SiteConfig | undefined;
  templates: Templates;
  /** Read only with a valid config: without one, nothing is written. */
  assets: Assets | undefined;
}

export async function prepare(paths: { root: string; templates: string; cwd: string }, changed: ReadonlySet<string> | undefined, memo: RenderMemo): Promise<Prepared> {
  const { file: configFile, config } = await loadConfig(paths.root);
  const templatesChanged = !changed || [...changed].some((path) => isWithin(path, paths.templates));
  // Templates with errors are parsed again: their messages belong to the build that reports them.
  const reuse = memo.templates && !templatesChanged && memo.templates.files().length === 0;
  const templates = reuse && memo.templates ? memo.templates : await loadTemplates(paths.templates, paths.cwd);
  memo.templates = templates;
  if (!config) return { configFile, config, templates, assets: undefined };
  const assets = memo.assets && !templatesChanged ? memo.assets : await readAssets(paths.templates);
  memo.assets = assets;
  return { configFile, config, templates, assets };
}
