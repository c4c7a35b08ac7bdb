// The discovery files — Atom and RSS feeds, sitemaps, the Google News sitemap and
// robots.txt — built from sites made by the real pipeline (story files → loadStories
// → createSite), and read back with a feed parser and an XML parser, never by hand.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLParser } from 'fast-xml-parser';
import { VFile } from 'vfile';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build } from '../src/build.js';
import { createBuildCache } from '../src/build-cache.js';
import { configSchema } from '../src/config/config.js';
import { discoverStories } from '../src/content/discover.js';
import { loadStories } from '../src/markdown/load-stories.js';
import { openBodyPacks, type BodyPacks } from '../src/cache/body-packs.js';
import { renderFeeds } from '../src/discovery/feeds.js';
import { renderRobots } from '../src/discovery/robots.js';
import { renderSitemaps } from '../src/discovery/sitemaps.js';
import { feedFiles, sitemapFiles } from '../src/discovery/discovery-files.js';
import type { OutputFile } from '../src/render/pages.js';
import { createListings } from '../src/site/listings.js';
import { createSite, type PublishedStory, type Site } from '../src/site/model.js';
import { REPO, scratch } from './helpers.js';

const BASE = { title: 'The Harbour Times', url: 'https://news.example.org/', description: 'News from the harbour', updated_from_git: false };
const HOUR = 60 * 60 * 1000;

/** A site made by the pipeline from story files (name → text). */
async function siteFrom(stories: Record<string, string | Uint8Array>, config: Record<string, unknown> = {}): Promise<Site> {
  const dir = await scratch();
  const content = join(dir, 'content');
  await mkdir(content);
  for (const [name, text] of Object.entries(stories)) await writeFile(join(content, name), text);
  const bodies = openBodyPacks(join(dir, 'bodies'));
  const files = await loadStories(await discoverStories(content), { cache: createBuildCache(), contentDir: content, packs: bodies });
  const options = { drafts: false, future: false, now: Date.parse('2100-01-01T00:00:00Z'), gitDates: new Map<string, string>(), cwd: dir };
  const site = createSite(configSchema.parse({ ...BASE, ...config }), files, options);
  packs.set(site, bodies);
  return site;
}

/** Each story's body, as a build reads it back from the body packs its Markdown stage wrote. */
const bodyOf = (site: Site) => (story: PublishedStory) => (packs.get(site) as BodyPacks).get(story.body) ?? '';
const packs = new WeakMap<Site, BodyPacks>();

const story = (fields: Record<string, string>, body = '') =>
  `---\n${Object.entries(fields).map(([key, value]) => `${key}: ${value}`).join('\n')}\n---\n\n${body}`;

/** A site of `count` tiny stories, made directly (the pipeline would take minutes at 50,000). */
function bigSite(count: number, { newest = Date.parse('2025-06-01T12:00:00Z'), step = HOUR, config = {} as Record<string, unknown> } = {}): Site {
  const stories: PublishedStory[] = [];
  for (let index = 0; index < count; index++) {
    const time = newest - index * step;
    const date = { iso: new Date(time).toISOString(), time };
    stories.push({
      slug: `story-${index}`, title: `Story ${index}`, date, updated: undefined, author: undefined, section: undefined, tags: [], summary: undefined,
      draft: false, aliases: [], isBrief: true, image: undefined, body: { pack: '', offset: 0, length: 0, hash: '' }, hash: String(index), file: new VFile(),
    });
  }
  const parsed = configSchema.parse({ ...BASE, page_size: 1000, ...config });
  return { config: parsed, stories, redirects: [], held: new Map(), listings: createListings(stories, parsed.page_size, parsed.title) };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', htmlEntities: true, isArray: (name) => ['url', 'sitemap'].includes(name) });
const file = (files: OutputFile[], path: string) => {
  const found = files.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`No ${path} among ${files.map((f) => f.path).join(', ')}`);
  return String(found.contents);
};
/** loc → lastmod of every entry of a urlset or sitemapindex. */
const entries = (text: string, root = 'urlset') => {
  const doc = xml.parse(text)[root];
  return new Map<string, string | undefined>((doc[root === 'urlset' ? 'url' : 'sitemap'] ?? []).map((entry: { loc: string; lastmod?: string }) => [entry.loc, entry.lastmod]));
};
const iso = (text: string) => new Date(text).toISOString();
/** The body HTML of an item: Atom's `content`, RSS's `description`. */
const body = (item: { content: string | null; description: string | null } | undefined) => item?.content ?? item?.description ?? '';
// A 1×1 PNG, for a story image the Markdown stage publishes under media/.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

afterEach(() => void vi.useRealTimers());

const NEWS = {
  'bridge.md': story(
    { title: 'Harbour bridge opens', date: '2025-03-04T18:15:00+01:00', updated: '2025-03-05T09:00:00Z', author: 'Ana Beltrán', section: 'City', tags: '[transport, city hall]' },
    'The bridge opened ![The bridge](bridge.png) -- see [the ferry](/ferry/) and [below](#more).[^1]\n\n## More\n\n[^1]: Two years late.\n',
  ),
  'ferry.md': story({ title: 'Ferry strike ends', date: '2025-03-03T08:00:00Z', author: 'Li Wei', section: 'City' }, 'Boats run again.\n'),
  'tariff.md': story({ title: 'Tariff vote delayed', date: '2025-03-02T10:00:00Z', summary: 'The vote moves to Thursday.' }),
  'quiet.md': story({ title: 'Nothing happened', date: '2025-03-01T10:00:00Z' }),
  'bridge.png': PNG,
};

describe('feeds', () => {
  it('should key both feeds by the latest stories: an older story or the clock leaves the key, a body edit among the latest changes it', async () => {
    const site = bigSite(5, { config: { feed_size: 2 } });
    const key = (stories: PublishedStory[]) => feedFiles({ ...site, stories }, () => '').key;
    const edit = (index: number, change: object) => site.stories.map((story, at) => (at === index ? { ...story, ...change } : story));
    const body = (index: number) => ({ body: { ...site.stories[index]!.body, hash: 'edited' } });
    expect(feedFiles(site, () => '').paths).toEqual(['feed.xml', 'rss.xml']);
    expect(key(edit(3, { title: 'Older, edited', ...body(3) }))).toBe(key(site.stories));
    for (const change of [body(1), { title: 'Edited' }, { summary: 'New summary' }, { tags: ['port'] }, { author: 'Ana' }]) expect(key(edit(1, change))).not.toBe(key(site.stories));
  });

  it('should carry the latest feed_size stories, newest first, with titles, links, dates and the site', async () => {
    const site = await siteFrom(NEWS, { feed_size: 3, language: 'es-MX' });
    const files = renderFeeds(site, bodyOf(site));
    for (const [path, self] of [['feed.xml', 'https://news.example.org/feed.xml'], ['rss.xml', 'https://news.example.org/rss.xml']] as const) {
      const feed = parseFeed(file(files, path));
      expect([feed.title, feed.description, feed.url, feed.self, feed.language]).toEqual(['The Harbour Times', 'News from the harbour', 'https://news.example.org/', self, 'es-MX']);
      expect(feed.items.map((item) => [item.title, item.url, item.published?.toISOString()])).toEqual([
        ['Harbour bridge opens', 'https://news.example.org/bridge/', iso('2025-03-04T17:15:00Z')],
        ['Ferry strike ends', 'https://news.example.org/ferry/', iso('2025-03-03T08:00:00Z')],
        ['Tariff vote delayed', 'https://news.example.org/tariff/', iso('2025-03-02T10:00:00Z')],
      ]);
    }
  });

  it('should carry the full body with image, link and fragment URLs made absolute against the story page', async () => {
    const site = await siteFrom(NEWS);
    for (const path of ['feed.xml', 'rss.xml']) {
      const content = body(parseFeed(file(renderFeeds(site, bodyOf(site)), path)).items[0]);
      expect(content).toMatch(/<img src="https:\/\/news\.example\.org\/media\/bridge\.[0-9a-f]{8}\.png" alt="The bridge"/);
      expect(content).toContain('<a href="https://news.example.org/ferry/">the ferry</a>');
      expect(content).toContain('<a href="https://news.example.org/bridge/#more">below</a>');
      expect(content).toContain('Two years late.');
      expect(content).not.toMatch(/(href|src)="(?!https:)/);
    }
  });

  it('should make media paths and srcset candidates absolute, and leave absolute URLs as written', async () => {
    const site = await siteFrom({ 'photo.md': story({ title: 'Photo', date: '2025-03-04' }, 'Text.\n') });
    const html = '<p><img src="../media/a.1a2b3c4d.jpg"><img src="https://cdn.example.com/A.jpg" srcset="../media/a.jpg 1x, ../media/a-2x.jpg 2x"><a href="mailto:desk@example.org">desk</a></p>';
    const content = body(parseFeed(file(renderFeeds(site, () => html), 'rss.xml')).items[0]);
    expect(content).toContain('srcset="https://news.example.org/media/a.jpg 1x, https://news.example.org/media/a-2x.jpg 2x"');
    expect(content).toContain('src="https://news.example.org/media/a.1a2b3c4d.jpg"');
    expect(content).toContain('src="https://cdn.example.com/A.jpg"');
    expect(content).toContain('href="mailto:desk@example.org"');
  });

  it('should give a brief its summary, or nothing but its title when it has none', async () => {
    const site = await siteFrom({
      'tariff.md': story({ title: 'Tariff vote delayed', date: '2025-03-02T10:00:00Z', summary: 'Fees < costs & more, says the port.' }),
      'quiet.md': story({ title: 'Nothing happened', date: '2025-03-01T10:00:00Z' }),
    });
    for (const path of ['feed.xml', 'rss.xml']) {
      const [withSummary, bare] = parseFeed(file(renderFeeds(site, bodyOf(site)), path)).items;
      expect(withSummary?.title).toBe('Tariff vote delayed');
      // Atom marks the summary as text; RSS descriptions are HTML, so there it is escaped.
      expect(body(withSummary)).toBe(path === 'feed.xml' ? 'Fees < costs & more, says the port.' : 'Fees &#x3C; costs &#x26; more, says the port.');
      expect([bare?.title, bare?.content, bare?.description, bare?.url]).toEqual(['Nothing happened', null, null, 'https://news.example.org/quiet/']);
    }
  });

  it('should name the author, the section and tags as categories, and when a story was updated', async () => {
    const site = await siteFrom(NEWS);
    const atom = parseFeed(file(renderFeeds(site, bodyOf(site)), 'feed.xml')).items;
    expect(atom[0]?.authors.map((author) => author.name)).toEqual(['Ana Beltrán']);
    expect(atom[0]?.categories.map((category) => category.term)).toEqual(['City', 'transport', 'city hall']);
    expect(atom[0]?.updated?.toISOString()).toBe(iso('2025-03-05T09:00:00Z'));
    expect(atom[1]?.updated?.toISOString()).toBe(iso('2025-03-03T08:00:00Z'));
    // Atom needs an author for every entry: an unsigned story is the publication's.
    expect(atom[2]?.authors.map((author) => author.name)).toEqual(['The Harbour Times']);
    const rss = parseFeed(file(renderFeeds(site, bodyOf(site)), 'rss.xml')).items;
    expect(rss[0]?.authors.map((author) => author.name)).toEqual(['Ana Beltrán']);
    expect(rss[0]?.categories.map((category) => category.term)).toEqual(['City', 'transport', 'city hall']);
    expect(rss[2]?.authors).toEqual([]);
  });

  it('should date the feeds by their latest story, never by the clock', async () => {
    const site = await siteFrom(NEWS);
    vi.useFakeTimers({ now: Date.parse('2031-01-01T00:00:00Z'), toFake: ['Date'] });
    for (const path of ['feed.xml', 'rss.xml']) {
      const text = file(renderFeeds(site, bodyOf(site)), path);
      expect(parseFeed(text).updated?.toISOString()).toBe(iso('2025-03-05T09:00:00Z'));
      expect(text).not.toContain('2031');
    }
  });

  it('should write valid feeds with no entries for a site with no stories', async () => {
    const site = await siteFrom({});
    for (const path of ['feed.xml', 'rss.xml']) {
      const feed = parseFeed(file(renderFeeds(site, bodyOf(site)), path));
      expect([feed.title, feed.items.length]).toEqual(['The Harbour Times', 0]);
    }
  });
});

describe('sitemaps', () => {
  const LISTED = {
    'a.md': story({ title: 'A', date: '2025-03-05T10:00:00Z', section: 'World', author: 'Ana' }),
    'b.md': story({ title: 'B', date: '2025-03-04T10:00:00Z', section: 'World', tags: '[trade]' }),
    'c.md': story({ title: 'C', date: '2025-03-03T10:00:00Z', updated: '2025-03-06T08:00:00Z', section: 'World' }),
    'd.md': story({ title: 'D', date: '2025-03-02T10:00:00Z', tags: '[trade]' }),
    'e.md': story({ title: 'E', date: '2025-03-01T10:00:00Z' }),
  };

  it('should list every page, paginated lists included, with when each last changed', async () => {
    const site = await siteFrom(LISTED, { page_size: 2 });
    const urls = entries(file(renderSitemaps(site), 'sitemap.xml'));
    const at = (time: string) => iso(time);
    expect(Object.fromEntries(urls)).toEqual({
      'https://news.example.org/': at('2025-03-05T10:00:00Z'),
      'https://news.example.org/page/2/': at('2025-03-05T10:00:00Z'),
      'https://news.example.org/page/3/': at('2025-03-05T10:00:00Z'),
      'https://news.example.org/section/world/': at('2025-03-05T10:00:00Z'),
      'https://news.example.org/section/world/page/2/': at('2025-03-05T10:00:00Z'),
      'https://news.example.org/tag/trade/': at('2025-03-04T10:00:00Z'),
      'https://news.example.org/author/ana/': at('2025-03-05T10:00:00Z'),
      'https://news.example.org/a/': at('2025-03-05T10:00:00Z'),
      'https://news.example.org/b/': at('2025-03-04T10:00:00Z'),
      'https://news.example.org/c/': at('2025-03-06T08:00:00Z'),
      'https://news.example.org/d/': at('2025-03-02T10:00:00Z'),
      'https://news.example.org/e/': at('2025-03-01T10:00:00Z'),
    });
  });

  it('should split more than 50,000 URLs into numbered sitemaps under a sitemap index', () => {
    // 49,951 stories and 50 home pages: one URL too many for a file. The second file holding
    // exactly one URL pins the limit at 50,000.
    const files = renderSitemaps(bigSite(49_951));
    const index = entries(file(files, 'sitemap.xml'), 'sitemapindex');
    expect([...index.keys()]).toEqual(['https://news.example.org/sitemap-1.xml', 'https://news.example.org/sitemap-2.xml']);
    expect(index.get('https://news.example.org/sitemap-1.xml')).toBe(iso('2025-06-01T12:00:00Z'));
    // The big file through a parser without options: three times faster at 50,000 entries.
    const first: Array<{ loc: string }> = new XMLParser().parse(file(files, 'sitemap-1.xml')).urlset.url;
    const second = entries(file(files, 'sitemap-2.xml'));
    expect([first.length, second.size]).toEqual([50_000, 1]);
    expect([...second.keys()]).toEqual(['https://news.example.org/story-49950/']);
    expect(index.get('https://news.example.org/sitemap-2.xml')).toBe(second.get('https://news.example.org/story-49950/'));
    expect(first.map((entry) => entry.loc)).toContain('https://news.example.org/page/50/');
  });

  it('should list stories within 48 hours of the newest in the news sitemap, with publication, date and title', async () => {
    const site = await siteFrom(
      {
        'newest.md': story({ title: 'Newest & best', date: '2025-03-10T12:00:00Z' }),
        'edge.md': story({ title: 'Exactly two days', date: '2025-03-08T12:00:00Z' }),
        'old.md': story({ title: 'Too old', date: '2025-03-08T11:59:59Z' }),
      },
      { language: 'pt-BR' },
    );
    const text = file(renderSitemaps(site), 'news-sitemap.xml');
    const doc = xml.parse(text).urlset;
    expect(doc['@xmlns:news']).toBe('http://www.google.com/schemas/sitemap-news/0.9');
    expect(doc.url).toEqual([
      { loc: 'https://news.example.org/newest/', 'news:news': { 'news:publication': { 'news:name': 'The Harbour Times', 'news:language': 'pt' }, 'news:publication_date': '2025-03-10T12:00:00.000Z', 'news:title': 'Newest & best' } },
      { loc: 'https://news.example.org/edge/', 'news:news': { 'news:publication': { 'news:name': 'The Harbour Times', 'news:language': 'pt' }, 'news:publication_date': '2025-03-08T12:00:00.000Z', 'news:title': 'Exactly two days' } },
    ]);
  });

  it('should give Google News the ISO 639 language, keeping zh-cn and zh-tw', async () => {
    const language = (tag: string) => xml.parse(file(renderSitemaps(bigSite(1, { config: { language: tag } })), 'news-sitemap.xml')).urlset.url[0]['news:news']['news:publication']['news:language'];
    expect(['en', 'es-MX', 'zh-CN', 'zh-TW', 'zh-Hant-HK', 'zh-Hans', 'fil'].map(language)).toEqual(['en', 'es', 'zh-cn', 'zh-tw', 'zh-tw', 'zh-cn', 'fil']);
  });

  it('should split a news sitemap of more than 1,000 stories under an index', () => {
    const files = renderSitemaps(bigSite(1_001, { step: 60_000 }));
    const index = entries(file(files, 'news-sitemap.xml'), 'sitemapindex');
    expect([...index.keys()]).toEqual(['https://news.example.org/news-sitemap-1.xml', 'https://news.example.org/news-sitemap-2.xml']);
    expect([entries(file(files, 'news-sitemap-1.xml')).size, entries(file(files, 'news-sitemap-2.xml')).size]).toEqual([1_000, 1]);
    expect(files.map((f) => f.path)).not.toContain('news-sitemap-3.xml');
  });

  it('should name, before making them, exactly the sitemap files it makes, split or not', async () => {
    // The output keeps sitemaps unrendered by these names: a wrong one would keep a stale file or drop a part.
    for (const site of [await siteFrom({}), bigSite(1), bigSite(1_001, { step: 60_000 }), bigSite(49_950), bigSite(49_951), bigSite(100_001)]) {
      for (const files of sitemapFiles(site)) expect((await files.render()).map((file) => file.path)).toEqual(files.paths);
    }
  });

  it('should key the sitemaps by what they list: a body edit keeps both keys, a new date or title changes the right ones', async () => {
    const site = bigSite(3);
    const keys = (changed: typeof site) => sitemapFiles(changed).map((files) => files.key);
    const [main, news] = keys(site);
    const edit = (change: object) => ({ ...site, stories: site.stories.map((story, index) => (index === 1 ? { ...story, ...change } : story)) });
    expect(keys(edit({ hash: 'other', body: { ...site.stories[1]!.body, hash: 'other' } }))).toEqual([main, news]);
    expect(keys(edit({ title: 'Another title' }))).toEqual([main, expect.not.stringMatching(news!)]);
    expect(keys(edit({ updated: { iso: '2030-01-01', time: Date.parse('2030-01-01') } }))).toEqual([expect.not.stringMatching(main!), news]);
  });

  it('should give the same sitemap key through its memo as without one, whatever changed between builds', () => {
    const memo = {};
    const site = bigSite(40, { config: { page_size: 10 } });
    const edits = [
      site,
      { ...site, stories: site.stories.map((story, index) => (index === 3 ? { ...story, title: 'Edited' } : story)) },
      { ...site, stories: site.stories.map((story, index) => (index === 3 ? { ...story, updated: { iso: '2030-01-01', time: Date.parse('2030-01-01') } } : story)) },
      { ...site, stories: site.stories.map((story, index) => (index === 5 ? { ...story, slug: 'renamed' } : story)) },
      { ...site, stories: site.stories.slice(1) },
      { ...site, config: { ...site.config, url: 'https://other.example.org/' } },
      site,
    ];
    for (const edited of edits) expect(sitemapFiles(edited, memo)[0]!.key).toBe(sitemapFiles(edited)[0]!.key);
  });

  it('should write a valid news sitemap with no entries and a sitemap of the home page for a site with no stories', async () => {
    const files = renderSitemaps(await siteFrom({}));
    expect(xml.parse(file(files, 'news-sitemap.xml')).urlset['@xmlns']).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
    expect(entries(file(files, 'news-sitemap.xml')).size).toBe(0);
    expect(Object.fromEntries(entries(file(files, 'sitemap.xml')))).toEqual({ 'https://news.example.org/': undefined });
  });
});

describe('robots.txt', () => {
  it('should allow every crawler and name the sitemaps by absolute URL', async () => {
    const site = await siteFrom(NEWS);
    const robots = file(renderRobots(site, renderSitemaps(site).map((f) => f.path)), 'robots.txt');
    expect(robots).toBe('User-agent: *\nAllow: /\n\nSitemap: https://news.example.org/sitemap.xml\nSitemap: https://news.example.org/news-sitemap.xml\n');
  });

  it('should name only the index files when the sitemaps are split', () => {
    const paths = ['sitemap.xml', 'sitemap-1.xml', 'sitemap-2.xml', 'news-sitemap.xml', 'news-sitemap-1.xml', 'news-sitemap-2.xml'];
    expect(file(renderRobots(bigSite(1), paths), 'robots.txt')).toBe(
      'User-agent: *\nAllow: /\n\nSitemap: https://news.example.org/sitemap.xml\nSitemap: https://news.example.org/news-sitemap.xml\n',
    );
  });
});

describe('discovery files', () => {
  const all = (site: Site) => {
    const sitemaps = renderSitemaps(site);
    return [...renderFeeds(site, bodyOf(site)), ...sitemaps, ...renderRobots(site, sitemaps.map((f) => f.path))];
  };

  it('should give the same bytes for the same site, whatever the clock says', async () => {
    const site = await siteFrom(NEWS);
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    const first = all(site);
    vi.setSystemTime(Date.parse('2027-07-07T07:07:07Z'));
    all(bigSite(3)); // Another site in between: nothing is simply handed back from the last call.
    const second = all(site);
    expect(first.length).toBeGreaterThanOrEqual(5);
    expect(second).toEqual(first);
  });

  it('should put every URL under the path of a site published under one', async () => {
    const site = await siteFrom(NEWS, { url: 'https://x.org/news/' });
    const files = all(site);
    const feed = parseFeed(file(files, 'feed.xml'));
    expect([feed.url, feed.self, feed.items[0]?.url]).toEqual(['https://x.org/news/', 'https://x.org/news/feed.xml', 'https://x.org/news/bridge/']);
    expect(feed.items[0]?.content).toMatch(/src="https:\/\/x\.org\/news\/media\/bridge\.[0-9a-f]{8}\.png"/);
    expect(parseFeed(file(files, 'rss.xml')).self).toBe('https://x.org/news/rss.xml');
    expect([...entries(file(files, 'sitemap.xml')).keys()]).toContain('https://x.org/news/section/city/');
    expect([...entries(file(files, 'sitemap.xml')).keys()].every((url) => url.startsWith('https://x.org/news/'))).toBe(true);
    expect(xml.parse(file(files, 'news-sitemap.xml')).urlset.url[0].loc).toBe('https://x.org/news/bridge/');
    expect(file(files, 'robots.txt')).toContain('Sitemap: https://x.org/news/sitemap.xml\nSitemap: https://x.org/news/news-sitemap.xml\n');
  });

  it('should be written into dist/ by a build', async () => {
    const dir = await scratch();
    await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(dir, 'templates'), { recursive: true });
    await writeFile(join(dir, 'broadsheet.yaml'), 'title: Test\nurl: https://test.example.org/\n');
    await mkdir(join(dir, 'content'));
    await writeFile(join(dir, 'content', 'one.md'), story({ title: 'One', date: '2025-01-01' }, 'Body.\n'));
    expect((await build({ root: dir })).ok).toBe(true);
    const read = (path: string) => readFile(join(dir, 'dist', path), 'utf8');
    expect(parseFeed(await read('feed.xml')).items[0]?.url).toBe('https://test.example.org/one/');
    expect(body(parseFeed(await read('rss.xml')).items[0])).toBe('<p>Body.</p>');
    expect([...entries(await read('sitemap.xml')).keys()]).toEqual(['https://test.example.org/', 'https://test.example.org/one/']);
    expect(entries(await read('news-sitemap.xml')).size).toBe(1);
    expect(await read('robots.txt')).toContain('Sitemap: https://test.example.org/sitemap.xml\n');
  });
});
