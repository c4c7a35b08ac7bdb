// The same corpus built by others, whole process and cold, for the ratios the
// benchmark prints: Eleventy 3 with minimal templates (eleventy/), and the bare
// Markdown pipeline on two worker threads (bare-unified.mjs).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from './run.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export function peers(repo) {
  const eleventy = join(repo, 'node_modules/@11ty/eleventy');
  const list = [];
  if (existsSync(join(eleventy, 'cmd.cjs'))) {
    const { version } = JSON.parse(readFileSync(join(eleventy, 'package.json'), 'utf8'));
    list.push({
      name: `Eleventy ${version}, Nunjucks`,
      // Run from the site folder, as Eleventy expects; its output goes beside the stories.
      run: (site) => {
        rmSync(join(site.root, '_eleventy'), { recursive: true, force: true });
        return runNode(join(eleventy, 'cmd.cjs'), ['--config', here('eleventy/eleventy.config.mjs'), '--input', 'content', '--output', '_eleventy', '--quiet'], { cwd: site.root });
      },
    });
  }
  list.push({
    name: 'bare unified, 2 threads',
    run: (site) => runNode(here('bare-unified.mjs'), ['--content', site.content, '--out', join(site.root, '_bare'), '--threads', '2']),
  });
  return list;
}
