// Stage 4: the site model. Which stories are published, in what order, and what
// each page lists — decided once here, so templates, feeds and incremental
// builds all read the same answer.
import { relative } from 'node:path';
import type { VFile } from 'vfile';
import type { SiteConfig } from '../config/config.js';
import type { Story } from '../content/read-story.js';
import { fail } from '../report/messages.js';

export interface PublishedStory extends Story {
  html: string;
}

export interface Site {
  config: SiteConfig;
  /** Published stories, newest first; stories with the same date in slug order. */
  stories: PublishedStory[];
}

/** Slugs the site itself writes to; a story there would overwrite them. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(['assets']);

export function createSite(config: SiteConfig, files: readonly VFile[], cwd: string): Site {
  const bySlug = new Map<string, VFile>();
  const stories: PublishedStory[] = [];
  for (const file of files) {
    const { story, html } = file.data;
    if (!story || html === undefined || story.draft) continue;
    const place = { line: lineOf(file, /^slug\s*:/m), column: 1 };
    if (RESERVED_SLUGS.has(story.slug)) {
      fail(file, `The slug "${story.slug}" is reserved for the site's own files; set another with slug: ${story.slug}-story`, place, 'site/reserved-slug');
      continue;
    }
    const first = bySlug.get(story.slug);
    if (first) {
      fail(file, `The slug "${story.slug}" is already used by ${relative(cwd, first.path)}; give this story its own with a line such as slug: ${story.slug}-2`, place, 'site/duplicate-slug');
      continue;
    }
    bySlug.set(story.slug, file);
    stories.push({ ...story, html });
  }
  stories.sort(newestFirst);
  return { config, stories };
}

export function newestFirst(a: Story, b: Story): number {
  return b.date.time - a.date.time || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}

/** The `config.headlines` most recent published stories other than `story`. */
export function moreHeadlines(site: Site, story: Story): PublishedStory[] {
  const count = site.config.headlines;
  return site.stories.slice(0, count + 1).filter((other) => other.slug !== story.slug).slice(0, count);
}

function lineOf(file: VFile, pattern: RegExp): number {
  const text = String(file.value);
  const match = pattern.exec(text);
  return match ? text.slice(0, match.index).split('\n').length : 1;
}
