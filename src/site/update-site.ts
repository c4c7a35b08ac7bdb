// The site model after a rebuild in which no story moved: when every changed
// story kept its slug, date, draft flag and aliases, the order, the URLs and
// the redirects are as they were, and only the changed stories' entries need
// replacing. This turns the model stage of a one-story edit from a pass over
// every story (claims, sort) into a pointer comparison per story. Any other
// change (a story added, removed or re-dated, an embargo falling due, other
// settings) answers `undefined`, and the caller builds the model in full.
import type { VFile } from 'vfile';
import type { SiteConfig } from '../config/config.js';
import type { Story } from '../content/read-story.js';
import { createSite, updatedOf, type PublishedStory, type PublishOptions, type Site } from './model.js';

/** What a successful model build leaves for the next one. */
export interface SiteSnapshot {
  site: Site;
  files: readonly VFile[];
  /** `files[i].data.story` as it was. */
  stories: ReadonlyArray<Story | undefined>;
  settings: string;
  /** The earliest date of a story held back as in the future: the model must be rebuilt from then on. */
  nextRelease: number;
}

export function buildSite(config: SiteConfig, files: readonly VFile[], options: PublishOptions, previous: SiteSnapshot | undefined) {
  const settings = JSON.stringify([config, options.drafts, options.future]);
  const updated = previous && update(previous, config, files, options, settings);
  const site = updated ?? createSite(config, files, options);
  // No date changed on the fast path, so the next embargo to fall due is the same.
  const nextRelease = updated ? previous.nextRelease : options.future ? Infinity : earliestAfter(files, options.now);
  const snapshot: SiteSnapshot = { site, files, stories: files.map((file) => file.data.story), settings, nextRelease };
  return { site, snapshot };
}

function update(previous: SiteSnapshot, config: SiteConfig, files: readonly VFile[], options: PublishOptions, settings: string): Site | undefined {
  if (previous.settings !== settings || options.now >= previous.nextRelease || files.length !== previous.files.length) return undefined;
  const replaced = new Map<PublishedStory, PublishedStory>();
  const byPath = new Map<string, PublishedStory>();
  for (let index = 0; index < files.length; index++) {
    const file = files[index] as VFile;
    const before = previous.stories[index];
    const story = file.data.story;
    // An unchanged story comes back as the very same file object: one comparison, no path getters.
    if (file === previous.files[index]) {
      if (story === before) continue;
    } else if (file.path !== previous.files[index]?.path) return undefined;
    if (!story || !before || !samePlace(story, before) || file.messages.some((message) => message.fatal)) return undefined;
    if (byPath.size === 0) for (const entry of previous.site.stories) byPath.set(entry.file.path, entry);
    const old = byPath.get(file.path);
    if (!old) return undefined; // a draft or an embargoed story: leave it to the full build
    const { html, hash } = file.data;
    if (html === undefined || hash === undefined) return undefined;
    replaced.set(old, { ...story, updated: updatedOf(story, file, config, options), html, hash, file });
  }
  if (replaced.size === 0) return previous.site;
  const swap = (story: PublishedStory) => replaced.get(story) ?? story;
  return {
    config: previous.site.config,
    stories: previous.site.stories.map(swap),
    redirects: previous.site.redirects.map((redirect) => ({ ...redirect, story: swap(redirect.story) })),
  };
}

function samePlace(a: Story, b: Story): boolean {
  return a.slug === b.slug && a.date.iso === b.date.iso && a.draft === b.draft && a.aliases.join('\n') === b.aliases.join('\n');
}

function earliestAfter(files: readonly VFile[], now: number): number {
  let earliest = Infinity;
  for (const file of files) {
    const time = file.data.story?.date.time;
    if (time !== undefined && time > now && time < earliest) earliest = time;
  }
  return earliest;
}
