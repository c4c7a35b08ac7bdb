// What search engines and social sites read from an article page: schema.org
// NewsArticle in JSON-LD, OpenGraph and Twitter card tags. Each page passes the
// Google, Twitter and Facebook checks of structured-data-testing-tool, and the
// values it extracts are the story's own; and no headline can break out of the
// JSON-LD <script> to run code or swallow the page.
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Element, ElementContent, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { imageSize } from 'image-size';
import { visit } from 'unist-util-visit';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildExampleSite, REPO, run, scratch, png } from './helpers.js';

// structured-data-testing-tool is CommonJS and untyped: the parts used here.
type Json = Record<string, unknown>;
interface ToolTest {
  test: string;
  description?: string;
  group?: string;
  groups?: string[];
  error?: { message: string };
}
interface ToolResult {
  failed: ToolTest[];
  schemas: string[];
  structuredData: { jsonld: Record<string, Json[]>; metatags: Record<string, (string | undefined)[]> };
}
interface Preset {
  name: string;
}
const require = createRequire(import.meta.url);
const { structuredDataTest } = require('structured-data-testing-tool') as { structuredDataTest: (html: string, options: { presets: Preset[] }) => Promise<ToolResult> };
const { Google, Twitter, Facebook } = require('structured-data-testing-tool/presets') as Record<'Google' | 'Twitter' | 'Facebook', Preset>;

const SITE_URL = 'https://broadsheet.example.org/';
const SITE_TITLE = 'The Daily Broadsheet';
const ARTICLE = 'sheinbaum-rejects-trump-proposal-to-send-u-s-troops-to-mexico-citing-sovereignty';
const BRIEF = 'ukraine-us-and-europe-seek-unified-peace-framework-with-security-guarantees-for-kyiv';
const SCRIPT_TITLE = '</script><script>alert(1)</script>';
const COMMENT_TITLE = 'Parser trap <!--<script> in a headline';

/** Run the tool with the three presets; its result whether or not checks failed, and the failures, one line each. */
async function testPage(html: string): Promise<{ result: ToolResult; failures: string[] }> {
  let result: ToolResult;
  try {
    result = await structuredDataTest(html, { presets: [Google, Twitter, Facebook] });
  } catch (error) {
    const res = (error as { res?: ToolResult }).res;
    if (!res) throw error;
    result = res;
  }
  // Read now: the presets' own test objects are reused (and rewritten) by the next run.
  const failures = result.failed.map((test) => `${(test.groups ?? [test.group]).join(' > ')}: ${test.description ?? test.test} (${test.error?.message ?? 'failed'})`);
  return { result, failures };
}

function elements(tree: Root, tagName: string): Element[] {
  const found: Element[] = [];
  visit(tree, 'element', (node: Element) => void (node.tagName === tagName && found.push(node)));
  return found;
}

function textOf(node: Element | ElementContent): string {
  if (node.type === 'text') return node.value;
  return node.type === 'element' ? node.children.map(textOf).join('') : '';
}

function canonicalOf(tree: Root): string | undefined {
  const link = elements(tree, 'link').find((node) => {
    const rel = node.properties['rel'];
    return Array.isArray(rel) && rel.includes('canonical');
  });
  return link ? String(link.properties['href']) : undefined;
}

/** One value or a list of them, as schema.org allows, as a list. */
const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const object = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : { '@id': value });

/** The file in `dist` an absolute URL of the site points at; fails when it is elsewhere or missing. */
function fileOf(dist: string, url: unknown): string {
  expect(typeof url, `${String(url)} should be a URL`).toBe('string');
  expect(String(url), 'should be an absolute URL on the site').toMatch(new RegExp(`^${SITE_URL.replaceAll('.', '\\.')}`));
  const file = join(dist, decodeURIComponent(new URL(String(url)).pathname));
  expect(existsSync(file), `${String(url)} should be a file in dist (${file})`).toBe(true);
  return file;
}

async function expectImage(dist: string, image: Json, size?: { width: number; height: number }) {
  const file = fileOf(dist, image['url'] ?? image['@id']);
  const actual = imageSize(await readFile(file));
  if (size) expect({ width: actual.width, height: actual.height }).toEqual(size);
  if (image['width'] !== undefined || image['height'] !== undefined) expect({ width: Number(image['width']), height: Number(image['height']) }).toEqual({ width: actual.width, height: actual.height });
}

interface Expected {
  slug: string;
  title: string;
  /** As written in the frontmatter. */
  date: string;
  updated?: string;
  author: { type: 'Person' | 'Organization'; name: string };
  description: string;
  section?: string;
  tags?: string[];
  image?: { alt: string; width: number; height: number };
}

/** Check one article page against the story it was made from. */
async function expectArticle(dist: string, expected: Expected) {
  const html = await readFile(join(dist, expected.slug, 'index.html'), 'utf8');
  const { result, failures } = await testPage(html);
  expect(failures, 'structured-data-testing-tool with the Google, Twitter and Facebook presets').toEqual([]);
  expect(result.schemas).toContain('NewsArticle');
  const found = result.structuredData.jsonld['NewsArticle'] ?? [];
  expect(found).toHaveLength(1);
  const article = found[0]!;
  const meta = (name: string) => result.structuredData.metatags[name] ?? [];

  const canonical = canonicalOf(fromHtml(html));
  expect(canonical).toBe(`${SITE_URL}${expected.slug}/`);

  expect(article['headline']).toBe(expected.title);
  expect(article['description']).toBe(expected.description);
  expect(meta('description')).toEqual([expected.description]);
  // The same instant as the frontmatter, with its time zone (Google asks for one).
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
  const modified = expected.updated ?? expected.date;
  expect(article['datePublished']).toMatch(zoned);
  expect(Date.parse(String(article['datePublished']))).toBe(Date.parse(expected.date));
  expect(article['dateModified']).toMatch(zoned);
  expect(Date.parse(String(article['dateModified']))).toBe(Date.parse(modified));

  const authors = list(article['author']).map(object);
  expect(authors.map((author) => ({ type: author['@type'], name: author['name'] }))).toEqual([expected.author]);

  const publisher = object(article['publisher']);
  expect(publisher['@type']).toBe('Organization');
  expect(publisher['name']).toBe(SITE_TITLE);
  expect(publisher['url']).toBe(SITE_URL);
  const logo = object(publisher['logo']);
  expect(logo['@type']).toBe('ImageObject');
  expect(typeof logo['width'] === 'number' && typeof logo['height'] === 'number', 'the logo should have a width and height').toBe(true);
  await expectImage(dist, logo);

  expect(object(article['mainEntityOfPage'])['@id']).toBe(canonical);
  if (expected.section) expect(article['articleSection']).toBe(expected.section);
  if (expected.tags) {
    const keywords = list(article['keywords']).flatMap((value) => String(value).split(/\s*,\s*/));
    expect(keywords).toEqual(expected.tags);
  }

  expect(meta('og:url')).toEqual([canonical]);
  expect(meta('og:type')).toEqual(['article']);
  expect(meta('og:title')).toEqual([expected.title]);
  expect(meta('og:description')).toEqual([expected.description]);
  expect(meta('og:site_name')).toEqual([SITE_TITLE]);
  expect(meta('article:published_time').map((value) => Date.parse(String(value)))).toEqual([Date.parse(expected.date)]);
  expect(meta('article:modified_time').map((value) => Date.parse(String(value)))).toEqual([Date.parse(modified)]);
  if (expected.section) expect(meta('article:section')).toEqual([expected.section]);
  if (expected.tags) expect(meta('article:tag')).toEqual(expected.tags);

  const images = list(article['image']).map((image) => (typeof image === 'string' ? { url: image } : object(image)));
  if (expected.image) {
    expect(images).toHaveLength(1);
    await expectImage(dist, images[0]!, { width: expected.image.width, height: expected.image.height });
    const url = images[0]!['url'];
    expect(meta('og:image')).toEqual([url]);
    fileOf(dist, meta('og:image')[0]);
    expect(meta('og:image:width')).toEqual([String(expected.image.width)]);
    expect(meta('og:image:height')).toEqual([String(expected.image.height)]);
    expect(meta('og:image:alt')).toEqual([expected.image.alt]);
    expect(meta('twitter:card')).toEqual(['summary_large_image']);
  } else {
    // No image of its own: the site's share image (the `share_image` setting, 1200×630) stands in.
    expect(images).toHaveLength(1);
    await expectImage(dist, images[0]!, { width: 1200, height: 630 });
    expect(String(images[0]!['url'])).toMatch(new RegExp(`^${SITE_URL}assets/share\\.[0-9a-f]{8}\\.png$`));
    expect(meta('og:image')).toEqual([images[0]!['url']]);
    expect(meta('og:image:alt')).toEqual([SITE_TITLE]);
    expect(meta('twitter:card')).toEqual(['summary_large_image']);
  }
}


const yamlString = (text: string) => JSON.stringify(text);

describe('structured data: the example site', () => {
  let example: string;

  beforeAll(async () => {
    example = await buildExampleSite();
  });

  it('should describe the lead article, which has a summary and a section but no author or image', async () => {
    await expectArticle(example, {
      slug: ARTICLE,
      title: 'Sheinbaum Rejects Trump Proposal to Send U.S. Troops to Mexico, Citing Sovereignty',
      date: '2025-12-13T09:30:00Z',
      // No byline: the newsroom itself is the author.
      author: { type: 'Organization', name: SITE_TITLE },
      description:
        'Mexican President Claudia Sheinbaum firmly rejected a proposal from U.S. President Donald Trump to deploy American troops to Mexico to combat drug cartels, citing national sovereignty.',
      section: 'World',
    });
  });

  it('should describe a brief, which has only a headline and a date', async () => {
    await expectArticle(example, {
      slug: BRIEF,
      title: 'Ukraine, US and Europe Seek Unified Peace Framework With Security Guarantees for Kyiv',
      date: '2025-12-13T09:05:00Z',
      author: { type: 'Organization', name: SITE_TITLE },
      // No summary: the site's description stands in, as for the meta description.
      description: 'World news, as it breaks',
    });
  });
});

/** A scratch site with this repository's templates and settings and the given files under content/; built. */
async function buildSite(files: Record<string, string | Buffer>): Promise<string> {
  const site = await scratch();
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await cp(join(REPO, 'broadsheet.yaml'), join(site, 'broadsheet.yaml'));
  for (const [name, contents] of Object.entries(files)) {
    await mkdir(dirname(join(site, 'content', name)), { recursive: true });
    await writeFile(join(site, 'content', name), contents);
  }
  const built = await run(['build', '--root', site], site);
  expect(built.stderr).toBe('');
  expect(built.code).toBe(0);
  return join(site, 'dist');
}

describe('structured data: a story with a byline and an image', () => {
  let dist: string;

  beforeAll(async () => {
    dist = await buildSite({
      'city/photo.png': png(8, 6),
      'city/harbour-bridge.md': `---
title: "Mayor opens the harbour bridge"
date: 2025-03-04T18:15:00+01:00
updated: 2025-03-05T08:00:00Z
author: Ana Beltrán
section: City
tags: [transport, city hall]
summary: The bridge opened to traffic on Tuesday, two years late.
image: photo.png
image_alt: "Traffic crossing the new harbour bridge at dusk"
---

The bridge opened to traffic on Tuesday -- two years late.
`,
    });
  });

  it('should describe a story with a byline, tags, an update and an image beside it', async () => {
    await expectArticle(dist, {
      slug: 'harbour-bridge',
      title: 'Mayor opens the harbour bridge',
      date: '2025-03-04T18:15:00+01:00',
      updated: '2025-03-05T08:00:00Z',
      author: { type: 'Person', name: 'Ana Beltrán' },
      description: 'The bridge opened to traffic on Tuesday, two years late.',
      section: 'City',
      tags: ['transport', 'city hall'],
      image: { alt: 'Traffic crossing the new harbour bridge at dusk', width: 8, height: 6 },
    });
  });
});

describe('structured data: headlines that try to end the script', () => {
  let dist: string;

  beforeAll(async () => {
    dist = await buildSite({
      'script-title.md': `---\ntitle: ${yamlString(SCRIPT_TITLE)}\ndate: 2025-03-03T12:00:00Z\nsummary: ${yamlString(`Summary ${SCRIPT_TITLE}`)}\ntags: [${yamlString(SCRIPT_TITLE)}]\n---\n\nBody.\n`,
      'comment-title.md': `---\ntitle: ${yamlString(COMMENT_TITLE)}\ndate: 2025-03-02T12:00:00Z\nsummary: ${yamlString(`Summary ${COMMENT_TITLE} -->`)}\nauthor: ${yamlString('<!--<script>')}\n---\n\nBody.\n`,
    });
  });

  for (const [slug, title] of [
    ['script-title', SCRIPT_TITLE],
    ['comment-title', COMMENT_TITLE],
  ] as const) {
    it(`should keep a headline such as ${JSON.stringify(title)} inside the JSON-LD`, async () => {
      const html = await readFile(join(dist, slug, 'index.html'), 'utf8');

      // The tool (cheerio) still finds and parses the one NewsArticle, headline intact.
      const { result } = await testPage(html);
      expect(result.schemas).toContain('NewsArticle');
      expect(result.structuredData.jsonld['NewsArticle']?.map((article) => article['headline'])).toEqual([title]);

      // A browser's parser (parse5 follows the HTML spec's script states, `<!--<script>` included)
      // sees one script, data only, whose text is the JSON, and the rest of the page after it.
      const tree = fromHtml(html);
      const scripts = elements(tree, 'script');
      expect(scripts.map((script) => script.properties['type'])).toEqual(['application/ld+json']);
      const json = JSON.parse(textOf(scripts[0]!)) as Json;
      expect(json['headline']).toBe(title);
      expect(elements(tree, 'h1').map(textOf)).toEqual([title]);
      expect(canonicalOf(tree)).toBe(`${SITE_URL}${slug}/`);
      expect(elements(tree, 'footer').length).toBeGreaterThan(0);
      // Nor any inline event handler anywhere.
      const handlers: string[] = [];
      visit(tree, 'element', (node: Element) => {
        for (const name of Object.keys(node.properties)) if (/^on/i.test(name)) handlers.push(`<${node.tagName} ${name}>`);
      });
      expect(handlers).toEqual([]);
    });
  }
});
