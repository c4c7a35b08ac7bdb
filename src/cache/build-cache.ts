// What one build can hand the next so that a rebuild redoes only what changed:
// each story's parse and Markdown results keyed by the hash of its bytes, and the
// memos that make working out page keys cheap. `dev` keeps one cache for its whole
// session; a plain `build` starts with the story index saved by the last one
// (story-index.ts). Pages themselves are never kept: the output knows their keys.
import type { VFile } from 'vfile';
import type { GitDates } from '../content/git-dates.js';
import type { SitemapMemo } from '../discovery/discovery-files.js';
import type { BodyPacks } from './body-packs.js';
import type { MarkdownProcessor } from '../markdown/processor.js';
import type { Assets } from '../render/assets.js';
import type { MediaMemo } from '../render/media.js';
import type { ArticleKey } from '../render/pages.js';
import type { Templates } from '../render/templates.js';
import type { PublishedStory } from '../site/model.js';
import type { LinkMemo } from '../site/check-links.js';
import type { SiteSnapshot } from '../site/update-site.js';

export interface CachedStory {
  /** Hash of the file's bytes. */
  hash: string;
  /** The file's signature when it was read (content/file-signature.ts): matching, it need not be read again. */
  signature?: string | undefined;
  /** The file as the per-file stages (read, frontmatter, Markdown) left it. */
  file: VFile;
  /** How many of `file.messages` those stages made; later ones belong to one build only. */
  ownMessages: number;
}

export interface BuildCache {
  /** The sorted story paths of the last build. */
  storyPaths: readonly string[] | undefined;
  stories: Map<string, CachedStory>;
  /** The last build's story files, in the order of its story list (`storyPaths`). */
  loaded: { paths: readonly string[]; files: readonly VFile[]; index: Map<string, number> | undefined } | undefined;
  /** The files that ended the last build with messages; undefined while a build runs, and after one that threw. */
  messaged: readonly VFile[] | undefined;
  /** Built on first use, then reused while the Markdown settings stay the same: building it costs more than running it once. */
  processor: MarkdownProcessor | undefined;
  /** The Markdown settings `stories` were rendered with (markdownSettings). */
  settings: string | undefined;
  /** Where rendered bodies are kept (cache/body-packs.ts), opened on first use. */
  packs: BodyPacks | undefined;
  /** Stories were read or dropped since the story index was last saved. */
  unsaved: boolean;
  /** Per published story: its feed body, with absolute URLs. */
  feedBodies: WeakMap<object, unknown>;
  /** The templates' assets, read again when a file under templates/ changes. */
  assets: Assets | undefined;
  /** The parsed templates, reused until a template file changes. */
  templates: Templates | undefined;
  /** Per parsed story: its published form, reused while its HTML and dates are unchanged. */
  published: WeakMap<object, unknown>;
  /** Per published story: its entry in headline lists and that entry's hash. */
  headlines: WeakMap<object, unknown>;
  /** Per published story: its article page's key, with the settings and headline list it was worked out for. */
  articles: WeakMap<object, unknown>;
  /** The last list of images to publish and the stories it was made from. */
  media: MediaMemo['media'];
  /** The last `_headers` file and what it was made from. */
  headers: { basePath: string; embeds: string; written: readonly string[]; file: { path: string; contents: string | Uint8Array } } | undefined;
  /** The last sitemap key and what it was made from. */
  sitemap: SitemapMemo['sitemap'];
  /** The last build's article keys, in the order of its stories. */
  articleKeys: { stories: readonly PublishedStory[]; keys: readonly ArticleKey[] } | undefined;
  /** Per list page, and per list of headlines (a list page's stories), kept across rebuilds by updateListings: its key. */
  lists: WeakMap<object, unknown>;
  /** What the link check found per story, while the site's set of pages is the same. */
  links: LinkMemo;
  /** The site model of the last successful build, for updating in place. */
  site: SiteSnapshot | undefined;
  /** Last commit date of each story file, read from git once per cache. */
  gitDates: GitDates | undefined;
}

export function createBuildCache(): BuildCache {
  return {
    storyPaths: undefined,
    stories: new Map(),
    loaded: undefined,
    messaged: undefined,
    processor: undefined,
    settings: undefined,
    packs: undefined,
    unsaved: false,
    feedBodies: new WeakMap(),
    templates: undefined,
    assets: undefined,
    published: new WeakMap(),
    headlines: new WeakMap(),
    articles: new WeakMap(),
    lists: new WeakMap(),
    articleKeys: undefined,
    sitemap: undefined,
    media: undefined,
    headers: undefined,
    links: { findings: new WeakMap(), pages: undefined },
    site: undefined,
    gitDates: undefined,
  };
}
