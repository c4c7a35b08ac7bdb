// Atom (`feed.xml`) and RSS 2.0 (`rss.xml`) feeds of the latest `feed_size`
// stories, in full, built as xast trees by xast-util-feed (with the corrections
// in feed-head.ts: dated by the latest story, never the clock).
import { atom, rss, type Channel, type Entry } from 'xast-util-feed';
import type { OutputFile } from '../support/output-file.js';
import type { PublishedStory, Site } from '../site/model.js';
import { settleAtom, settleRss } from './feed-head.js';
import { absoluteUrls, textToHtml } from './feed-html.js';
import { lastChange, siteUrl, storyUrl } from './site-urls.js';
import { newest, toXmlFile } from './xml.js';

import { ATOM_PATH, RSS_PATH } from './discovery-paths.js';

export { ATOM_PATH, RSS_PATH } from './discovery-paths.js';

/** `bodyOf`: each story's rendered body; `memo`: per story, its feed body from an earlier build (DiscoveryMemo.feedBodies in a build). */
export function renderFeeds(site: Site, bodyOf: (story: PublishedStory) => string, memo: FeedBodies = new WeakMap()): OutputFile[] {
  const { config } = site;
  const latest = site.stories.slice(0, config.feed_size);
  const base = { title: config.title, url: config.url, description: config.description, lang: config.language };
  const content = latest.map((story) => feedBody(story, storyUrl(site, story), bodyOf, memo));
  // The latest change of any entry: a correction to a story is news to a feed reader too.
  const updated = newest(latest.map(lastChange));

  const atomFeed = atom(
    { ...base, feedUrl: siteUrl(site, ATOM_PATH) } satisfies Channel,
    latest.map((story, index) => ({
      ...entryOf(site, story),
      // Atom needs an author on every entry (or the feed, which would add a dated copyright
      // line); an unsigned story is the publication's own.
      author: story.author ?? config.title,
      // Atom requires `updated` on every entry: a story never updated was last changed when published.
      modified: new Date(lastChange(story)),
      ...atomContent(content[index]),
    })),
  );
  settleAtom(atomFeed, config.url, updated);

  const rssFeed = rss(
    { ...base, feedUrl: siteUrl(site, RSS_PATH) } satisfies Channel,
    latest.map((story, index) => ({
      ...entryOf(site, story),
      author: story.author,
      modified: story.updated ? new Date(story.updated.time) : undefined,
      // RSS descriptions are read as HTML, so a plain summary goes in escaped.
      descriptionHtml: content[index]?.html ?? content[index]?.escaped,
    })),
  );
  settleRss(rssFeed, updated);

  return [toXmlFile(ATOM_PATH, atomFeed), toXmlFile(RSS_PATH, rssFeed)];
}

/** What Atom and RSS entries share. */
function entryOf(site: Site, story: PublishedStory): Entry {
  const categories = [...new Set([...(story.section ? [story.section] : []), ...story.tags])];
  return { title: story.title, url: storyUrl(site, story), published: new Date(story.date.time), tags: categories };
}

interface Body {
  /** Full body HTML, URLs absolute. */
  html?: string;
  /** A brief's summary as plain text, and the same escaped as HTML. */
  summary?: string;
  escaped?: string;
}

// Per story, its feed body and what it was made from: a dev rebuild re-parses only the
// stories that changed (the site model hands back the same object for an unchanged story).
export type FeedBodies = WeakMap<PublishedStory, KnownBody>;

interface KnownBody {
  /** Hash of the body it was made from. */
  html: string;
  summary: string | undefined;
  url: string;
  body: Body;
}

/** The body in full; a brief has none, so it carries its summary, or nothing beyond its title. */
function feedBody(story: PublishedStory, url: string, bodyOf: (story: PublishedStory) => string, bodies: FeedBodies): Body {
  const known = bodies.get(story);
  if (known && known.html === story.body.hash && known.summary === story.summary && known.url === url) return known.body;
  let body: Body = {};
  const html = story.isBrief ? '' : bodyOf(story);
  if (html.trim() !== '') body = { html: absoluteUrls(html, url) };
  else if (story.summary) body = { summary: story.summary, escaped: textToHtml(story.summary) };
  bodies.set(story, { html: story.body.hash, summary: story.summary, url, body });
  return body;
}

function atomContent(body: Body | undefined): Pick<Entry, 'description' | 'descriptionHtml'> {
  // Atom marks plain text as such (`type="text"`): the summary needs no escaping there.
  return body?.html ? { descriptionHtml: body.html } : body?.summary ? { description: body.summary } : {};
}
