// Links between stories: a link to a path of this site that no page will have
// is an error at the link itself. External links are not fetched; that needs the
// network and belongs to a separate, slower check.
import { closest } from 'fastest-levenshtein';
import { hash } from '../support/hash.js';
import { sameItems } from '../support/memo.js';
import { safeDecode } from '../support/urls.js';
import { fail } from '../report/messages.js';
import type { StoryLink } from '../markdown/rehype-collect-links.js';
import type { PublishedStory, Site } from './model.js';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

interface Finding {
  reason: string;
  place: { line: number; column: number };
}

/**
 * The build's "check links" step, before any page is rendered. `outputs`: every path the build
 * will write (`index.html`, `slug/index.html`, `assets/style.css`, …), as planned from the model.
 * `memo` keeps each story's findings while neither the story nor the site's set of pages changes.
 * Answers how many broken links it reported.
 */
export function checkLinks(site: Site, outputs: readonly string[], memo: LinkMemo = createLinkMemo()): number {
  const base = new URL(site.config.url);
  const outputsKey = keyOf(memo, site.config.url, outputs);
  let pages: Set<string> | undefined;
  const pagesOf = () => {
    if (pages) return pages;
    pages = new Set<string>();
    for (const path of outputs) {
      pages.add(base.pathname + path);
      if (path === 'index.html' || path.endsWith('/index.html')) pages.add(base.pathname + path.slice(0, -'index.html'.length));
    }
    return pages;
  };
  const findingsOf = (story: PublishedStory): Finding[] => {
    let known = memo.findings.get(story);
    if (known?.key !== outputsKey) {
      known = { key: outputsKey, findings: findBroken(story.slug, story.file.data.links ?? [], { base, pagesOf, site }) };
      memo.findings.set(story, known);
    }
    return known.findings;
  };
  // After an edit the model hands back the same story objects but for the edited ones: against the
  // same pages, only those need looking at (a look at each story costs a dev rebuild ~5 ms at 10,000).
  const last = memo.last;
  let flagged: PublishedStory[];
  if (last && last.key === outputsKey && last.stories.length === site.stories.length) {
    const gone = new Set<PublishedStory>();
    const added: PublishedStory[] = [];
    site.stories.forEach((story, index) => {
      const was = last.stories[index] as PublishedStory;
      if (story === was) return;
      gone.add(was);
      if (findingsOf(story).length > 0) added.push(story);
    });
    flagged = [...last.flagged.filter((story) => !gone.has(story)), ...added];
  } else flagged = site.stories.filter((story) => findingsOf(story).length > 0);
  memo.last = { key: outputsKey, stories: site.stories, flagged };
  let broken = 0;
  for (const story of flagged) {
    for (const { reason, place } of findingsOf(story)) {
      fail(story.file, reason, place, 'links/broken');
      broken++;
    }
  }
  return broken;
}

export interface LinkMemo {
  /** Per published story: its findings and the key of the set of pages they were checked against. */
  findings: WeakMap<PublishedStory, { key: string; findings: Finding[] }>;
  /** The last set of pages and its key, so an unchanged set (the usual rebuild) costs one pass of comparisons. */
  pages: { url: string; outputs: readonly string[]; key: string } | undefined;
  /** The stories of the last check, against the pages of `key`, and those of them with broken links. */
  last?: { key: string; stories: readonly PublishedStory[]; flagged: PublishedStory[] } | undefined;
}

export function createLinkMemo(): LinkMemo {
  return { findings: new WeakMap(), pages: undefined };
}

function keyOf(memo: LinkMemo, url: string, outputs: readonly string[]): string {
  const last = memo.pages;
  if (last && last.url === url && sameItems(last.outputs, outputs)) return last.key;
  memo.pages = { url, outputs, key: hash(url, ...outputs) };
  return memo.pages.key;
}

interface LinkContext {
  base: URL;
  pagesOf: () => Set<string>;
  site: Site;
}

function findBroken(slug: string, links: readonly StoryLink[], { base, pagesOf, site }: LinkContext): Finding[] {
  const findings: Finding[] = [];
  const here = new URL(`${slug}/`, base);
  for (const link of links) {
    // Most links go elsewhere; skip them before paying for URL parsing.
    if (SCHEME.test(link.url) && !link.url.startsWith(base.origin)) continue;
    let url: URL;
    try {
      url = new URL(link.url, here);
    } catch {
      continue;
    }
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) continue;
    const path = safeDecode(url.pathname, decodeURI);
    const pages = pagesOf();
    if (pages.has(path) || pages.has(`${path}/`)) continue;
    const place = { line: link.line, column: link.column };
    const held = site.held.get(path.slice(base.pathname.length).replace(/\/(index\.html)?$/, ''));
    if (held) {
      const why = held.reason === 'draft' ? 'is a draft (`draft: true`); build with --drafts to include it' : 'is dated in the future; build with --future to include it';
      findings.push({ reason: `The link to ${link.url} leads to a story that is not published: it ${why}`, place });
      continue;
    }
    // Suggest another page, never the story's own or the home page.
    const candidates = [...pages].filter((page) => page.endsWith('/') && page !== base.pathname && page !== here.pathname);
    const guess = candidates.length > 0 ? `; did you mean ${closest(path, candidates)}?` : '';
    findings.push({ reason: `The link to ${link.url} leads to no page on this site${guess}`, place });
  }
  return findings;
}
