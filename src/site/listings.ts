// The site's list pages: the home page and its archive, and a page run per
// section, tag and author, each cut into pages of `page_size` headlines with
// links to the previous and next page. Worked out from the sorted stories on
// every build (one pass, no rendering), so a story that changes section moves
// lists in a rebuild exactly as in a cold build.
import { slugFromText } from '../content/slug.js';
import type { PublishedStory } from './published-story.js';

export type ListKind = 'home' | 'section' | 'tag' | 'author';

/** A section, tag or author: one run of list pages. */
export interface Listing {
  kind: ListKind;
  /** As written in the stories (the newest story's spelling when several slug alike). */
  name: string;
  /** URL path of its first page under the site, e.g. `section/world/` (`''` for the home page). */
  url: string;
  /** Stories it holds, newest first. */
  stories: PublishedStory[];
}

/** One page of a listing. URLs are paths under the site, without the leading `/`. */
export interface ListPage {
  listing: Listing;
  /** 1-based. */
  number: number;
  /** How many pages the listing has. */
  count: number;
  url: string;
  /** Output path, e.g. `section/world/page/2/index.html`. */
  path: string;
  /** This page's headlines. */
  stories: PublishedStory[];
  prev: string | undefined;
  next: string | undefined;
}

export interface Listings {
  home: Listing;
  sections: Listing[];
  tags: Listing[];
  authors: Listing[];
  /** Every list page, the home page first. */
  pages: ListPage[];
  /** Each listing by `kind/slug`, for `findListing`. */
  index: Map<string, Listing>;
  /** Names that share a listing but are spelt differently beyond case and spacing (`C++` and `C`), for a warning. */
  clashes: SpellingClash[];
}

/** A name whose listing was first made by another spelling: `story` is the earliest to spell it `name`. */
export interface SpellingClash {
  listing: Listing;
  name: string;
  story: PublishedStory;
  /** The spelling of the listing's earliest story, and that story. */
  first: string;
  firstStory: PublishedStory;
}

/** The section, tag or author page run a story's `name` belongs to. */
export function findListing(listings: Listings, kind: 'section' | 'tag' | 'author', name: string): Listing | undefined {
  return listings.index.get(`${kind}/${listingSlug(name)}`);
}

/**
 * The URL segment of a section, tag or author: transliterated to Latin where slugify knows
 * how (`São Paulo` → `sao-paulo`); a name in a script it does not transliterate (`日本`)
 * keeps its own letters rather than losing its page.
 */
function listingSlug(name: string): string {
  let slug = slugs.get(name);
  if (slug === undefined) {
    slug = slugFromText(name) || name.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
    slugs.set(name, slug);
  }
  return slug;
}

// Names repeat across thousands of stories and slugify costs ~10 µs a call: at 10,000 stories
// it was most of a dev rebuild. Bounded by the number of distinct names a site uses.
const slugs = new Map<string, string>();

/** URL folders the listings own; a story or alias there would collide with them. */
export const LISTING_FOLDERS = ['page', 'section', 'tag', 'author'] as const;

export function createListings(stories: readonly PublishedStory[], pageSize: number, homeName: string): Listings {
  const home: Listing = { kind: 'home', name: homeName, url: '', stories: stories as PublishedStory[] };
  const groups = { section: new Map<string, Listing>(), tag: new Map<string, Listing>(), author: new Map<string, Listing>() };
  // Listings named in more than one spelling: few, and only these are looked at again.
  const spelt = new Set<Listing>();
  const add = (kind: 'section' | 'tag' | 'author', name: string | undefined, story: PublishedStory) => {
    if (!name) return;
    const slug = listingSlug(name);
    if (!slug) return;
    let listing = groups[kind].get(slug);
    if (!listing) groups[kind].set(slug, (listing = { kind, name, url: `${kind}/${slug}/`, stories: [] }));
    else if (name !== listing.name) spelt.add(listing);
    // A story tagged twice in spellings that slug alike is listed once.
    if (listing.stories.at(-1) !== story) listing.stories.push(story);
  };
  for (const story of stories) {
    add('section', story.section, story);
    for (const tag of story.tags) add('tag', tag, story);
    add('author', story.author, story);
  }
  const byUrl = (a: Listing, b: Listing) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0);
  const sections = [...groups.section.values()].sort(byUrl);
  const tags = [...groups.tag.values()].sort(byUrl);
  const authors = [...groups.author.values()].sort(byUrl);
  const pages = [home, ...sections, ...tags, ...authors].flatMap((listing) => paginate(listing, pageSize));
  const index = new Map<string, Listing>();
  for (const kind of ['section', 'tag', 'author'] as const) for (const [slug, listing] of groups[kind]) index.set(`${kind}/${slug}`, listing);
  return { home, sections, tags, authors, pages, index, clashes: [...spelt].flatMap(spellingClashes) };
}

/**
 * The spellings of a listing's name beyond its earliest one, each with the earliest story to use
 * it. Case, accents and spacing do not count (`São Paulo`, `sao-paulo`: one name, typed two ways);
 * a symbol the address leaves out does, since it may be what tells two names apart (`C++`, `C#`, `C`).
 */
function spellingClashes(listing: Listing): SpellingClash[] {
  const firsts = new Map<string, { name: string; story: PublishedStory }>();
  // Oldest first: a listing holds its stories newest first.
  for (let index = listing.stories.length - 1; index >= 0; index--) {
    const story = listing.stories[index] as PublishedStory;
    for (const name of namesOf(story, listing)) {
      const key = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[\s_\p{Pd}]+/gu, '-');
      if (!firsts.has(key)) firsts.set(key, { name, story });
    }
  }
  const [first, ...others] = firsts.values();
  if (!first) return [];
  return others.map(({ name, story }) => ({ listing, name, story, first: first.name, firstStory: first.story }));
}

function namesOf(story: PublishedStory, listing: Listing): string[] {
  const names: ReadonlyArray<string | undefined> = listing.kind === 'tag' ? story.tags : listing.kind === 'section' ? [story.section] : listing.kind === 'author' ? [story.author] : [];
  return names.filter((name): name is string => name !== undefined && `${listing.kind}/${listingSlug(name)}/` === listing.url);
}

/**
 * The listings after stories were replaced by new versions of themselves (an edit in `dev`),
 * when every one kept its section, tags and author: each listing then holds the same stories
 * in the same order, and only the listings and pages that show a replaced story are made
 * again. A page that does not keeps its `stories` array, so whatever was worked out from that
 * array (its key) still holds. Otherwise `undefined`: the caller makes the listings in full.
 */
export function updateListings(previous: Listings, replaced: ReadonlyMap<PublishedStory, PublishedStory>): Listings | undefined {
  for (const [old, story] of replaced) {
    if (old.section !== story.section || old.author !== story.author || old.tags.join('\n') !== story.tags.join('\n')) return undefined;
  }
  const swap = (stories: PublishedStory[]) => (stories.some((story) => replaced.has(story)) ? stories.map((story) => replaced.get(story) ?? story) : stories);
  const listings = new Map<Listing, Listing>();
  const listingOf = (listing: Listing) => {
    let updated = listings.get(listing);
    if (!updated) {
      const stories = swap(listing.stories);
      listings.set(listing, (updated = stories === listing.stories ? listing : { ...listing, stories }));
    }
    return updated;
  };
  const pages = previous.pages.map((page) => {
    const listing = listingOf(page.listing);
    const stories = swap(page.stories);
    return listing === page.listing && stories === page.stories ? page : { ...page, listing, stories };
  });
  const index = new Map<string, Listing>();
  for (const [key, listing] of previous.index) index.set(key, listingOf(listing));
  const current = (story: PublishedStory) => replaced.get(story) ?? story;
  return {
    clashes: previous.clashes.map((clash) => ({ ...clash, listing: listingOf(clash.listing), story: current(clash.story), firstStory: current(clash.firstStory) })),
    home: listingOf(previous.home),
    sections: previous.sections.map(listingOf),
    tags: previous.tags.map(listingOf),
    authors: previous.authors.map(listingOf),
    pages,
    index,
  };
}

function paginate(listing: Listing, pageSize: number): ListPage[] {
  // The home page exists even before the first story is published.
  const count = Math.max(1, Math.ceil(listing.stories.length / pageSize));
  const urlOf = (number: number) => (number === 1 ? listing.url : `${listing.url}page/${number}/`);
  const pages: ListPage[] = [];
  for (let number = 1; number <= count; number++) {
    const url = urlOf(number);
    pages.push({
      listing,
      number,
      count,
      url,
      path: `${url}index.html`,
      stories: listing.stories.slice((number - 1) * pageSize, number * pageSize),
      prev: number > 1 ? urlOf(number - 1) : undefined,
      next: number < count ? urlOf(number + 1) : undefined,
    });
  }
  return pages;
}
