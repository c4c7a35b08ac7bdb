// What the render stage keeps from one build for the next: the parsed templates and
// assets, and what makes working out page keys cheap. Most of it is keyed by the
// objects the site model hands back unchanged for every story but the edited ones,
// so a rebuild after one edit looks at one story's worth of keys. Pages themselves
// are never kept: the output knows their keys.
import type { ListPage } from '../site/listings.js';
import type { PublishedStory } from '../site/model.js';
import type { Assets } from './assets.js';
import type { HeadersMemo } from './headers.js';
import type { MediaMemo } from './media.js';
import type { Templates } from './templates.js';
import type { HeadlineView } from './view-types.js';

/** An article page's key, with the settings and headline list it was worked out for. */
export interface ArticleKey {
  siteKey: string;
  list: string;
  key: string;
  path: string;
}

/** A story's entry in headline lists: the fields it shows (`key`), and the view once a rendered page needed it. */
export interface HeadlineEntry {
  configKey: string;
  view: HeadlineView | undefined;
  key: string;
}

export interface RenderMemo {
  /** The parsed templates, reused until a template file changes. */
  templates: Templates | undefined;
  /** The templates' assets, read again when a file under templates/ changes. */
  assets: Assets | undefined;
  /** Per published story: its entry in headline lists. */
  headlines: WeakMap<PublishedStory, HeadlineEntry>;
  /** Per published story: its article page's key. */
  articles: WeakMap<PublishedStory, ArticleKey>;
  /** The last build's article keys, in the order of its stories: comparing two arrays beats a lookup per story. */
  articleKeys: { stories: readonly PublishedStory[]; keys: readonly ArticleKey[] } | undefined;
  /** Per list page (the same object while it shows no edited story, listings.ts updateListings): its key. */
  listPages: WeakMap<ListPage, { siteKey: string; key: string }>;
  /** Per list of headlines (a list page's stories array): its key. */
  headlineLists: WeakMap<readonly PublishedStory[], { configKey: string; key: string }>;
  /** The last list of images to publish and the stories it was made from. */
  media: MediaMemo;
  /** The last `_headers` file and what it was made from. */
  headers: HeadersMemo;
}

export function createRenderMemo(): RenderMemo {
  return {
    templates: undefined,
    assets: undefined,
    headlines: new WeakMap(),
    articles: new WeakMap(),
    articleKeys: undefined,
    listPages: new WeakMap(),
    headlineLists: new WeakMap(),
    media: {},
    headers: {},
  };
}
