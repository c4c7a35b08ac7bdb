// Stage 2: one story file → a VFile carrying its validated frontmatter and
// Markdown body (`file.data.story`), or carrying the messages that say why not.
import { basename, extname } from 'node:path';
import matter from 'gray-matter';
import { VFile } from 'vfile';
import type { BodyRef } from '../cache/body-packs.js';
import { fail, type Place } from '../report/messages.js';
import { validateYaml } from '../yaml/validate-yaml.js';
import { reportInvisible } from './invisible.js';
import { slugFromText } from './slug.js';
import { describeUnprintable, frontmatterSchema, SLUG, UNPRINTABLE, type StoryDate } from './story-schema.js';

export interface Story {
  slug: string;
  title: string;
  date: StoryDate;
  updated: StoryDate | undefined;
  author: string | undefined;
  section: string | undefined;
  tags: string[];
  summary: string | undefined;
  draft: boolean;
  /** Old URLs of the story (paths under the site, without the leading `/`), each given a redirect page. */
  aliases: string[];
  /** A story with no body yet: published as a headline-only brief. */
  isBrief: boolean;
  /**
   * The lead image (link previews, structured data): `image:` in the frontmatter, else the
   * first image beside the story in its body. Set by the Markdown stage, which reads the file.
   */
  image: StoryImage | undefined;
}

export interface StoryImage {
  /** Path under the output folder, e.g. `media/bridge.1a2b3c4d.jpg`. */
  output: string;
  width: number;
  height: number;
  /** Empty when the writer said the image needs no description (`image_alt: ""`). */
  alt: string;
}

/** The frontmatter's `image:` as written, for the Markdown stage to resolve beside the story. */
export interface DeclaredImage {
  src: string;
  /** `undefined` when there is no `image_alt:` line at all, as opposed to an empty one. */
  alt: string | undefined;
  /** The value of the `image:` line, where problems with the file are reported. */
  place: Place;
}

declare module 'vfile' {
  interface DataMap {
    story: Story;
    /** Hash of the file's bytes, and of the images it shows if any: what page keys are based on. */
    hash: string;
    /** The body, preceded by one blank line per frontmatter line so Markdown positions are file positions; gone once rendered. */
    markdown: string;
    /** The rendered body, set by the markdown stage, until it is put in the body packs. */
    html: string;
    /** Where the rendered body is kept (cache/body-packs.ts). */
    body: BodyRef;
    /** The frontmatter's `image:`, when it has one. */
    declaredImage: DeclaredImage;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The largest story, 2 MB: twenty times a very long feature (about 100 KB), and a
 * few seconds of Markdown work. A bigger file is a paste gone wrong or a data dump,
 * and would hold every build up for minutes.
 */
export const MAX_STORY_BYTES = 2 * 2 ** 20;

/** Decode and parse a story file's bytes; problems are recorded on the returned file. */
export function storyFromBytes(path: string, bytes: Uint8Array): VFile {
  const file = new VFile({ path });
  if (bytes.length > MAX_STORY_BYTES) {
    const size = (bytes.length / 2 ** 20).toFixed(1);
    fail(file, `The story is ${size} MB, and a story may be at most ${MAX_STORY_BYTES / 2 ** 20} MB (a long feature is about 0.1 MB); split it into several stories, or link to large data rather than pasting it in`, undefined, 'content/too-large');
    return file;
  }
  if (bytes.includes(0)) {
    fail(file, 'The file contains NUL bytes: it looks binary, not a Markdown story; move it out of content/', undefined, 'content/encoding');
    return file;
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    fail(file, 'The file is not valid UTF-8 text; re-save it as UTF-8', firstInvalidUtf8(bytes), 'content/encoding');
    return file;
  }
  // Windows line endings would otherwise end up inside titles and the body HTML.
  text = text.replace(/\r\n?/g, '\n');
  file.value = text;
  // Both, so a pasted line with each kind is fixed in one go.
  const unprintable = reportUnprintable(file, text);
  if (reportInvisible(file, text) || unprintable) return file;
  parseStory(file, text);
  return file;
}

/** Each line's first character that no page or feed may hold (see UNPRINTABLE); whether there was one. */
function reportUnprintable(file: VFile, text: string): boolean {
  if (!UNPRINTABLE.test(text)) return false;
  text.split('\n').forEach((line, index) => {
    const found = UNPRINTABLE.exec(line);
    if (!found) return;
    const reason = `This line holds ${describeUnprintable(found[0])}, which no web page or feed may contain; delete it (it is invisible, and often comes with text pasted from another program)`;
    fail(file, reason, { line: index + 1, column: found.index + 1 }, 'content/control-character');
  });
  return true;
}

/** Where decoding first fails, as a place: the lossy decoder marks the spot with U+FFFD. */
function firstInvalidUtf8(bytes: Uint8Array) {
  const lossy = new TextDecoder('utf-8').decode(bytes);
  const before = lossy.slice(0, Math.max(0, lossy.indexOf('\uFFFD'))).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

// gray-matter would otherwise eval `---js` frontmatter and cache by input; every
// engine just hands the raw text back and we parse YAML ourselves, with positions.
const keepRaw = { parse: () => ({}) };
const MATTER_OPTIONS = { engines: { yaml: keepRaw, yml: keepRaw, json: keepRaw, javascript: keepRaw } };

export function parseStory(file: VFile, text: string): void {
  if (!/^\uFEFF?---/.test(text)) {
    fail(file, 'No frontmatter found; a story starts with a `---` line, then `title:` and `date:`, then another `---`', { line: 1, column: 1 }, 'frontmatter/missing');
    return;
  }
  // gray-matter reads anything after the opening `---` as a language name, and throws on one it does not know.
  const language = /^\uFEFF?---([^\n]*)/.exec(text)?.[1]?.trim() ?? '';
  if (language !== '' && language !== 'yaml' && language !== 'yml') {
    const reason = /^[a-z]{2,12}$/i.test(language)
      ? `Frontmatter must be YAML, not \`${language}\`; start the file with a plain \`---\` line`
      : /^-+$/.test(language)
        ? 'The first line must be exactly `---` (three dashes, no more)'
        : `The first line must be exactly \`---\`; move \`${language}\` to the line below it`;
    fail(file, reason, { line: 1, column: 4 }, 'frontmatter/language');
    return;
  }
  const parsed = matter(text, MATTER_OPTIONS);
  if (!hasClosingFence(text)) {
    fail(file, 'The frontmatter is never closed; add a `---` line after the last field', { line: 1, column: 1 }, 'frontmatter/unclosed');
    return;
  }

  const frontmatter = validateYaml(
    { file, text: parsed.matter, firstLine: 1, rulePrefix: 'frontmatter', unknownKeys: 'warn' },
    frontmatterSchema,
  );
  if (!frontmatter) return;

  const slug = frontmatter.slug ?? slugFromFileName(file.path);
  if (!SLUG.test(slug)) {
    fail(file, `Cannot make a URL slug from the file name "${basename(file.path)}"; add a line such as slug: my-story`, { line: 1, column: 1 }, 'frontmatter/slug');
    return;
  }
  const headLines = text.slice(0, text.length - parsed.content.length).split('\n').length - 1;
  file.data.story = {
    slug,
    title: frontmatter.title,
    date: frontmatter.date,
    updated: frontmatter.updated,
    author: frontmatter.author,
    section: frontmatter.section,
    tags: frontmatter.tags,
    summary: frontmatter.summary,
    draft: frontmatter.draft,
    aliases: frontmatter.aliases,
    isBrief: parsed.content.trim() === '',
    image: undefined,
  };
  file.data.markdown = '\n'.repeat(headLines) + parsed.content;
  if (frontmatter.image !== undefined) {
    const head = text.slice(0, text.length - parsed.content.length);
    file.data.declaredImage = { src: frontmatter.image, alt: frontmatter.image_alt, place: valuePlace(head, 'image') };
  }
}

/** Where the value of a top-level frontmatter field starts (the validated data has no positions). */
function valuePlace(head: string, key: string): Place {
  const match = new RegExp(`^${key}[ \\t]*:[ \\t]*`, 'm').exec(head);
  if (!match) return { line: 1, column: 1 };
  const before = head.slice(0, match.index).split('\n');
  return { line: before.length, column: match[0].length + 1 };
}

function hasClosingFence(text: string): boolean {
  return /\r?\n---[ \t]*(\r?\n|$)/.test(text.slice(3));
}

/** `Mexico’s Reply (Update).md` → `mexicos-reply-update`: letters are transliterated to ASCII. */
export function slugFromFileName(path: string): string {
  return slugFromText(basename(path, extname(path)));
}
