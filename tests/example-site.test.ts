// The example site in content/ is the seed story (tests/fixtures/seed/, a copy of the one
// the project was given): the full article and the sixteen headlines beneath it, newest first.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, run, scratch } from './helpers.js';

const SEED_DIR = join(REPO, 'tests/fixtures/seed');
const ARTICLE = 'sheinbaum-rejects-trump-proposal-to-send-u-s-troops-to-mexico-citing-sovereignty';

/** The seed file: article paragraphs, a blank gap, then one headline per line. */
async function readSeed() {
  const { readdir } = await import('node:fs/promises');
  const [name] = (await readdir(SEED_DIR)).filter((file) => file.endsWith('.txt'));
  const text = await readFile(join(SEED_DIR, name!), 'utf8');
  const [article = '', rest = ''] = text.split(/\n\s*\n\s*\n/);
  return {
    paragraphs: article.trim().split('\n').map((line) => line.trim()),
    headlines: rest.split('\n').map((line) => line.trim()).filter(Boolean),
  };
}

const decode = (html: string) => html.replaceAll('&#34;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');

describe('the example site', () => {
  let out: string;
  let seed: Awaited<ReturnType<typeof readSeed>>;

  beforeAll(async () => {
    expect(existsSync(SEED_DIR), `the seed should be at ${SEED_DIR}`).toBe(true);
    seed = await readSeed();
    out = join(await scratch(), 'dist');
    const result = await run(['build', '--out', out], REPO);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('should have the seed’s sixteen headlines', () => {
    expect(seed.headlines).toHaveLength(16);
  });

  it('should carry the seed article’s text on its page', async () => {
    const html = await readFile(join(out, ARTICLE, 'index.html'), 'utf8');
    for (const paragraph of seed.paragraphs) expect(decode(html)).toContain(`<p>${paragraph}</p>`);
  });

  it('should list the article and all sixteen headlines on the home page, in the seed’s order', async () => {
    const html = decode(await readFile(join(out, 'index.html'), 'utf8'));
    const titles = [...html.matchAll(/class="(?:lead-title|headline-link)"[^>]*>(?:<a [^>]*>)?([^<]+)</g)].map((m) => m[1]);
    expect(titles.slice(1)).toEqual(seed.headlines);
    expect(titles).toHaveLength(17);
  });

  it('should give each headline its own page, presented as a brief without invented text', async () => {
    const index = await readFile(join(out, 'index.html'), 'utf8');
    const links = [...index.matchAll(/<a class="headline-link" href="\/([^"]+)\/">/g)].map((m) => m[1]!);
    expect(links).toHaveLength(16);
    for (const slug of links) {
      const html = await readFile(join(out, slug, 'index.html'), 'utf8');
      expect(html).toContain('class="story story--brief"');
      expect(html).not.toContain('class="story-body"');
    }
  });

  it('should end every article with "More headlines" that never lists the story itself', async () => {
    for (const slug of [ARTICLE, 'ukraine-us-and-europe-seek-unified-peace-framework-with-security-guarantees-for-kyiv']) {
      const html = await readFile(join(out, slug, 'index.html'), 'utf8');
      const aside = html.slice(html.indexOf('<aside'));
      expect(aside).toContain('More headlines');
      const listed = [...aside.matchAll(/href="\/([^"]+)\/"/g)].map((m) => m[1]);
      expect(listed).toHaveLength(10);
      expect(listed).not.toContain(slug);
    }
  });

  it('should write a complete HTML5 document for the article', async () => {
    const html = await readFile(join(out, ARTICLE, 'index.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>Sheinbaum Rejects Trump Proposal to Send U.S. Troops to Mexico, Citing Sovereignty · The Daily Broadsheet</title>');
    expect(html).toContain(`<link rel="canonical" href="https://broadsheet.example.org/${ARTICLE}/">`);
    expect(html).toContain('<meta name="description" content="Mexican President Claudia Sheinbaum firmly rejected');
    expect(html).toMatch(/<article class="story">[\s\S]*<h1 class="story-title">[\s\S]*<time datetime="2025-12-13T09:30:00Z">/);
    expect(html.match(/<h1/g)).toHaveLength(1);
  });

  it('should write a 404 page with the latest headlines and no canonical address', async () => {
    const html = await readFile(join(out, '404.html'), 'utf8');
    expect(html).toContain('<h1 class="story-title">Page not found</h1>');
    expect(html).toContain(`href="/${ARTICLE}/"`);
    expect(html).not.toContain('rel="canonical"');
  });
});

