// Stage 2: one story file → a VFile carrying its validated frontmatter and
// Markdown body (`file.data.story`), or carrying the messages that say why not.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import slugify from '@sindresorhus/slugify';
import matter from 'gray-matter';
import { VFile } from 'vfile';
import { fail } from '../report/messages.js';
import { validateYaml } from '../yaml/validate-yaml.js';
import { frontmatterSchema, SLUG, type StoryDate } from './story-schema.js';

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
  /** The body, preceded by one blank line per frontmatter line so Markdown positions are file positions. */
  markdown: string;
  /** A story with no body yet: published as a headline-only brief. */
  isBrief: boolean;
}

declare module 'vfile' {
  interface DataMap {
    story: Story;
    /** The rendered body, set by the markdown stage. */
    html: string;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readStory(path: string): Promise<VFile> {
  const file = new VFile({ path });
  let text: string;
  try {
    text = utf8.decode(await readFile(path));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code
      ? `Cannot read the story: ${(error as Error).message}`
      : 'The file is not valid UTF-8 text; re-save it as UTF-8';
    fail(file, reason, undefined, 'content/encoding');
    return file;
  }
  file.value = text;
  parseStory(file, text);
  return file;
}

// gray-matter would otherwise eval `---js` frontmatter and cache by input; every
// engine just hands the raw text back and we parse YAML ourselves, with positions.
const keepRaw = { parse: () => ({}) };
const MATTER_OPTIONS = { engines: { yaml: keepRaw, yml: keepRaw, json: keepRaw, javascript: keepRaw } };

export function parseStory(file: VFile, text: string): void {
  if (text.includes('\u0000')) {
    fail(file, 'The file contains NUL bytes: it looks binary, not a Markdown story', undefined, 'content/encoding');
    return;
  }
  const parsed = matter(text, MATTER_OPTIONS);
  const language = (parsed as { language?: string }).language ?? 'yaml';
  if (!/^\uFEFF?---/.test(text)) {
    fail(file, 'No frontmatter found; a story starts with a `---` line, then `title:` and `date:`, then another `---`', { line: 1, column: 1 }, 'frontmatter/missing');
    return;
  }
  if (language !== 'yaml' && language !== 'yml') {
    fail(file, `Frontmatter must be YAML, not \`${language}\`; start the file with a plain \`---\` line`, { line: 1, column: 4 }, 'frontmatter/language');
    return;
  }
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
    markdown: '\n'.repeat(headLines) + parsed.content,
    isBrief: parsed.content.trim() === '',
  };
}

function hasClosingFence(text: string): boolean {
  return /\r?\n---[ \t]*(\r?\n|$)/.test(text.slice(3));
}

/** `Mexico’s Reply (Update).md` → `mexicos-reply-update`: letters are transliterated to ASCII. */
export function slugFromFileName(path: string): string {
  return slugify(basename(path, extname(path)), { decamelize: false });
}
