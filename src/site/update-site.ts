// The build's "model" step, with its memo. A rebuild in which no story moved
// updates the last model rather than making it again: when every changed
// story kept its slug, date, draft flag and aliases, the order, the URLs and
// the redirects are as they were, and only the changed stories' entries need
// replacing. This turns the model stage of a one-story edit from a pass over
// every story (claims, sort) into a pointer comparison per story. Any other
// change (a story added, removed or re-dated, an embargo falling due, other
// settings) answers `undefined`, and the caller builds the model in full.
import type { VFile } from 'vfile';
import type { SiteConfig } from '../config/config.js';
import { lastCommitDates, type GitDates } from '../content/git-dates.js';
import type { Story } from '../content/read-story.js';
import { warn } from '../report/messages.js';
import { createListings, updateListings } from './listings.js';
import { createSite, publish, warnSpellingClashes, type PublishedStory, type PublishOptions, type Site } from './model.js';

/** What the model step keeps from one build for the next. */
export interface SiteMemo {
  /** Per parsed story: its published form, reused while its HTML and dates are unchanged. */
  published: WeakMap<Story, PublishedStory>;
  /** The model of the last build that was written, for updating in place. */
  last: SiteSnapshot | undefined;
  /** Last commit date of each story file, read from git once per memo: in `dev`, commits made during the session show after a restart. */
  gitDates: GitDates | undefined;
}

export function createSiteMemo(): SiteMemo {
  return { published: new WeakMap(), last: undefined, gitDates: undefined };
}

export type ModelOptions = Pick<PublishOptions, 'drafts' | 'future' | 'now' | 'cwd'>;

/** The build's "model" step: which stories are published, where, and on which list pages. */
export async function modelSite(config: SiteConfig, configFile: VFile, files: readonly VFile[], contentDir: string, options: ModelOptions, memo: SiteMemo) {
  if (config.updated_from_git && !memo.gitDates) memo.gitDates = await lastCommitDates(contentDir);
  if (config.updated_from_git && memo.gitDates?.shallow) {
    warn(configFile, 'This is a shallow git clone, so stories get no `updated` date from git; fetch the whole history (git fetch --unshallow) or set updated_from_git: false', undefined, 'config/updated_from_git');
  }
  return buildSite(config, files, { ...options, gitDates: memo.gitDates?.dates ?? new Map(), memo: memo.published }, memo.last);
}

/** Only a model that built without errors, and was written, is a base for the next build. */
export function keepModel(memo: SiteMemo, model: { snapshot: SiteSnapshot }): void {
  memo.last = model.snapshot;
}

/** What a successful model build leaves for the next one; the arrays run parallel to `files`. */
export interface SiteSnapshot {
  site: Site;
  files: readonly VFile[];
  /** `files[i].data.story` as it was. */
  stories: ReadonlyArray<Story | undefined>;
  /** The published entry made from `files[i]`, if it was published. */
  published: ReadonlyArray<PublishedStory | undefined>;
  settings: string;
  /** The earliest date of a story held back as in the future: the model must be rebuilt from then on. */
  nextRelease: number;
  /** How many of the published stories are briefs (no body). */
  briefs: number;
}

export function buildSite(config: SiteConfig, files: readonly VFile[], options: PublishOptions, previous: SiteSnapshot | undefined) {
  const settings = JSON.stringify([config, options.drafts, options.future]);
  const updated = previous && update(previous, config, files, options, settings);
  if (updated) warnSpellingClashes(updated.site, options.cwd);
  const snapshot = updated ?? build(config, files, options, settings);
  return { site: snapshot.site, snapshot };
}

function build(config: SiteConfig, files: readonly VFile[], options: PublishOptions, settings: string): SiteSnapshot {
  const site = createSite(config, files, options);
  const byFile = new Map(site.stories.map((story) => [story.file, story]));
  return {
    site,
    files,
    stories: files.map((file) => file.data.story),
    published: files.map((file) => byFile.get(file)),
    settings,
    nextRelease: options.future ? Infinity : earliestAfter(files, options.now),
    briefs: site.stories.filter((story) => story.isBrief).length,
  };
}

function update(previous: SiteSnapshot, config: SiteConfig, files: readonly VFile[], options: PublishOptions, settings: string): SiteSnapshot | undefined {
  if (previous.settings !== settings || options.now >= previous.nextRelease || files.length !== previous.files.length) return undefined;
  let snapshot: { stories: Array<Story | undefined>; published: Array<PublishedStory | undefined>; list: PublishedStory[] } | undefined;
  const replaced = new Map<PublishedStory, PublishedStory>();
  let briefs = previous.briefs;
  for (let index = 0; index < files.length; index++) {
    const file = files[index] as VFile;
    // An unchanged story comes back as the very same file object (a file read again is a new one,
    // and its story is never replaced): one comparison, without reaching into the file.
    if (file === previous.files[index]) continue;
    const story = file.data.story;
    const before = previous.stories[index];
    const old = previous.published[index];
    const { body, hash } = file.data;
    if (file.path !== previous.files[index]?.path || !story || !before || !old || body === undefined || hash === undefined) return undefined;
    if (!samePlace(story, before) || file.messages.some((message) => message.fatal)) return undefined;
    snapshot ??= { stories: previous.stories.slice(), published: previous.published.slice(), list: previous.site.stories.slice() };
    const entry = publish(story, file, config, options);
    snapshot.stories[index] = story;
    snapshot.published[index] = entry;
    snapshot.list[snapshot.list.indexOf(old)] = entry;
    replaced.set(old, entry);
    briefs += Number(entry.isBrief) - Number(old.isBrief);
  }
  if (!snapshot) return { ...previous, files };
  const redirects = previous.site.redirects.map((redirect) => ({ ...redirect, story: replaced.get(redirect.story) ?? redirect.story }));
  return {
    ...previous,
    files,
    briefs,
    stories: snapshot.stories,
    published: snapshot.published,
    // No draft flag or date changed, so the same stories are held back.
    site: {
      config: previous.site.config,
      stories: snapshot.list,
      redirects,
      held: previous.site.held,
      // A story may have changed section, tags or author without moving: then list them again.
      listings: updateListings(previous.site.listings, replaced) ?? createListings(snapshot.list, config.page_size, config.title),
    },
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
