// Stage 6: the site model → the pages of the site, as output files in memory.
import type { Site } from '../site/model.js';
import { moreHeadlines } from '../site/model.js';
import type { Templates } from './templates.js';
import { createViews } from './view-model.js';

export interface OutputFile {
  /** Path under the output folder, with `/` separators. */
  path: string;
  contents: string | Uint8Array;
}

export async function renderPages(site: Site, templates: Templates, onPage: () => void = () => {}): Promise<OutputFile[]> {
  const views = createViews(site);
  const pages: OutputFile[] = [];
  const add = (path: string, html: string | undefined) => {
    if (html !== undefined) pages.push({ path, contents: html });
    onPage();
  };

  add('index.html', await templates.render('index', views.index(site.stories)));
  for (const story of site.stories) {
    const view = views.article(story, moreHeadlines(site, story));
    add(`${story.slug}/index.html`, await templates.render('article', view));
  }
  return pages;
}
