// List pages, built from scratch sites with the repo's own templates: the home
// page and its archive (`/page/2/` on), and the section, tag and author pages.
// Each list is read back from the HTML — the story links in <main>, the rel
// links in <head> and in the pagination — and compared with what the stories
// say, so nothing is lost, repeated or out of order across pages.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { afterEach, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { build } from '../src/build.js';
import { createListings, updateListings, type Listings } from '../src/site/listings.js';
import type { PublishedStory } from '../src/site/model.js';
import { formatMessages } from '../src/report/messages.js';
import { memoryOutput, REPO, run, scratch, snapshotTree } from './helpers.js';

const CONFIG = 'title: The Listings Gazette\nurl: https://news.example.org/\npage_size: 3\nupdated_from_git: false\n';

interface Spec {
  date: string;
  section?: string;
  tags?: string[];
  author?: string;
}

/** Ten stories, `story-01` the oldest; names spelt in ways that slug alike. */
const STORIES: Record<string, Spec> = {
  'story-01': { date: '2025-01-01T08:00:00Z', section: 'World', tags: ['energy'], author: 'Ana Beltrán' },
  'story-02': { date: '2025-01-02T08:00:00Z', section: 'World', tags: ['city hall'], author: 'Ana Beltrán' },
  'story-03': { date: '2025-01-03T08:00:00Z', section: 'São Paulo', tags: ['city hall'], author: 'Ana Beltrán' },
  'story-04': { date: '2025-01-04T08:00:00Z', section: 'World', tags: ['Energy', 'energy'], author: 'Ana Beltrán' },
  'story-05': { date: '2025-01-05T08:00:00Z', section: 'Sao Paulo', author: 'Ana Beltrán' },
  'story-06': { date: '2025-01-06T08:00:00Z', section: 'World', tags: ['Energy'], author: 'Li Wei' },
  'story-07': { date: '2025-01-07T08:00:00Z', author: 'Li Wei' },
  'story-08': { date: '2025-01-08T08:00:00Z', section: 'World', author: 'Ana Beltran' },
  'story-09': { date: '2025-01-09T08:00:00Z', section: 'world' },
  'story-10': { date: '2025-01-10T08:00:00Z', section: 'World', tags: ['Energy'] },
};

/** What each list must hold, newest first, worked out by hand from STORIES. */
const EXPECTED: Record<string, string[]> = {
  '': ['story-10', 'story-09', 'story-08', 'story-07', 'story-06', 'story-05', 'story-04', 'story-03', 'story-02', 'story-01'],
  'section/world/': ['story-10', 'story-09', 'story-08', 'story-06', 'story-04', 'story-02', 'story-01'],
  'section/sao-paulo/': ['story-05', 'story-03'],
  'tag/energy/': ['story-10', 'story-06', 'story-04', 'story-01'],
  'tag/city-hall/': ['story-03', 'story-02'],
  'author/ana-beltran/': ['story-08', 'story-05', 'story-04', 'story-03', 'story-02', 'story-01'],
  'author/li-wei/': ['story-07', 'story-06'],
};

/** How each name is spelt in URLs. */
const SLUGS: Record<string, string> = {
  World: 'world', world: 'world', 'São Paulo': 'sao-paulo', 'Sao Paulo': 'sao-paulo',
  'Ana Beltrán': 'ana-beltran', 'Ana Beltran': 'ana-beltran', 'Li Wei': 'li-wei',
  energy: 'energy', Energy: 'energy', 'city hall': 'city-hall',
};

function storyText(slug: string, spec: Spec): string {
  const lines = [`title: Headline of ${slug}`, `date: ${spec.date}`];
  if (spec.section) lines.push(`section: ${spec.section}`);
  if (spec.tags) lines.push(`tags: [${spec.tags.join(', ')}]`);
  if (spec.author) lines.push(`author: ${spec.author}`);
  return `---\n${lines.join('\n')}\n---\n\nThe body of ${slug}.\n`;
}

const sites: string[] = [];
afterEach(async () => {
  for (const dir of sites.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A site with the repo's templates, `config` as its broadsheet.yaml and `stories` (file name → text) in content/. */
async function makeSite(stories: Record<string, string>, config = CONFIG): Promise<string> {
  const dir = await scratch();
  sites.push(dir);
  await cp(join(REPO, 'templates'), join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'broadsheet.yaml'), config);
  await mkdir(join(dir, 'content'));
  for (const [name, text] of Object.entries(stories)) await writeFile(join(dir, 'content', name), text);
  return dir;
}

const specSite = (config = CONFIG) => makeSite(Object.fromEntries(Object.entries(STORIES).map(([slug, spec]) => [`${slug}.md`, storyText(slug, spec)])), config);

/** Build in memory: every output file by path, and the messages as printed. */
async function buildSite(dir: string) {
  const output = memoryOutput();
  const result = await build({ root: dir, cwd: dir, output });
  const files = new Map([...output.files].map(([path, contents]) => [path, Buffer.from(contents).toString('utf8')]));
  return { ok: result.ok, files, messages: formatMessages(result.files, dir) };
}
type Built = Awaited<ReturnType<typeof buildSite>>;

function select(tree: Root | Element, test: (element: Element) => boolean): Element[] {
  const found: Element[] = [];
  visit(tree, 'element', (node: Element) => void (test(node) && found.push(node)));
  return found;
}
const rel = (element: Element) => (element.properties.rel as string[] | undefined) ?? [];
const href = (element: Element) => String(element.properties.href);
const classes = (element: Element) => (element.properties.className as string[] | undefined) ?? [];

/** What a list page shows and how it links on, read from its HTML. */
function readPage(html: string, base = '/') {
  const tree = fromHtml(html);
  const [head] = select(tree, (e) => e.tagName === 'head');
  const [main] = select(tree, (e) => e.tagName === 'main');
  if (!head || !main) throw new Error('page without <head> or <main>');
  const headLink = (name: string) => select(head, (e) => e.tagName === 'link' && rel(e).includes(name)).map(href);
  const nav = select(main, (e) => e.tagName === 'nav' && classes(e).includes('pagination'));
  const navLink = (name: string) => nav.flatMap((n) => select(n, (e) => e.tagName === 'a' && rel(e).includes(name))).map(href);
  // Stories are the links to `/<slug>/` whose slug is one of ours, in the order the page shows them.
  const stories = select(main, (e) => e.tagName === 'a' && e.properties.href !== undefined)
    .map(href)
    .filter((url) => url.startsWith(base) && /^story-\d+$/.test(url.slice(base.length, -1)) && url.endsWith('/'))
    .map((url) => url.slice(base.length, -1));
  return { canonical: headLink('canonical'), prev: headLink('prev'), next: headLink('next'), navPrev: navLink('prev'), navNext: navLink('next'), hasPagination: nav.length > 0, stories, tree };
}

/**
 * Check a whole list: its pages hold `expected` in order, `pageSize` a page, with
 * its canonical address and rel prev/next in <head> and in the pagination on
 * each, and no page more.
 */
function expectList(built: Built, url: string, expected: string[], pageSize: number, siteUrl = 'https://news.example.org/') {
  const base = new URL(siteUrl).pathname;
  const count = Math.max(1, Math.ceil(expected.length / pageSize));
  const urlOf = (n: number) => (n === 1 ? url : `${url}page/${n}/`);
  const shown: string[] = [];
  for (let n = 1; n <= count; n++) {
    const html = built.files.get(`${urlOf(n)}index.html`);
    expect(html, `${urlOf(n)} exists`).toBeDefined();
    const page = readPage(html ?? '', base);
    const where = `/${urlOf(n)}`;
    expect(page.stories, `${where} lists`).toEqual(expected.slice((n - 1) * pageSize, n * pageSize));
    shown.push(...page.stories);
    const prev = n > 1 ? [base + urlOf(n - 1)] : [];
    const next = n < count ? [base + urlOf(n + 1)] : [];
    expect(page.canonical, `${where} canonical`).toEqual([`${siteUrl}${urlOf(n)}`]);
    expect(page.prev, `${where} <link rel=prev>`).toEqual(prev);
    expect(page.next, `${where} <link rel=next>`).toEqual(next);
    expect(page.navPrev, `${where} pagination rel=prev`).toEqual(prev);
    expect(page.navNext, `${where} pagination rel=next`).toEqual(next);
    expect(page.hasPagination, `${where} pagination shown`).toBe(count > 1);
  }
  // Nothing lost or repeated across the pages, and no page past the last.
  expect(shown).toEqual(expected);
  expect(new Set(shown).size).toBe(shown.length);
  expect(built.files.has(`${url}page/${count + 1}/index.html`), `/${url}page/${count + 1}/ should not exist`).toBe(false);
  expect(built.files.has(`${url}page/1/index.html`), `/${url}page/1/ should not exist`).toBe(false);
}

describe('list pages', () => {
  it('should show the newest page_size stories on the home page and the rest on /page/2/ on, in order', async () => {
    const built = await buildSite(await specSite());
    expect(built.messages).toEqual([]);
    expect(built.ok).toBe(true);
    expectList(built, '', EXPECTED[''] ?? [], 3);
    expect([...built.files.keys()].filter((path) => /^page\/\d+\/index\.html$/.test(path)).sort()).toEqual(['page/2/index.html', 'page/3/index.html', 'page/4/index.html']);
  });

  it('should link first, middle and last pages with rel prev and next in <head> and in the pagination', async () => {
    const built = await buildSite(await specSite());
    const first = readPage(built.files.get('index.html') ?? '');
    const middle = readPage(built.files.get('page/2/index.html') ?? '');
    const last = readPage(built.files.get('page/4/index.html') ?? '');
    expect([first.prev, first.next, first.navPrev, first.navNext]).toEqual([[], ['/page/2/'], [], ['/page/2/']]);
    expect([middle.prev, middle.next, middle.navPrev, middle.navNext]).toEqual([['/'], ['/page/3/'], ['/'], ['/page/3/']]);
    expect([last.prev, last.next, last.navPrev, last.navNext]).toEqual([['/page/3/'], [], ['/page/3/'], []]);
  });

  it('should never write a /page/1/, for any list', async () => {
    const built = await buildSite(await specSite());
    expect([...built.files.keys()].filter((path) => /(^|\/)page\/1\//.test(path))).toEqual([]);
    for (const html of built.files.values()) expect(html).not.toMatch(/\/page\/1\//);
  });

  it('should list exactly each section’s, tag’s and author’s stories, newest first, paginated', async () => {
    const built = await buildSite(await specSite());
    for (const [url, expected] of Object.entries(EXPECTED)) if (url !== '') expectList(built, url, expected, 3);
    // Those lists and no others: names that slug alike share one page.
    const firstPages = [...built.files.keys()].filter((path) => /^(section|tag|author)\/[^/]+\/index\.html$/.test(path)).map((path) => path.slice(0, -'index.html'.length));
    expect(firstPages.sort()).toEqual(Object.keys(EXPECTED).filter((url) => url !== '').sort());
  });

  it('should give names that slug alike one page, “World” with “world” and “São Paulo” with “Sao Paulo”', async () => {
    const built = await buildSite(await specSite());
    expect(readPage(built.files.get('section/world/index.html') ?? '').stories).toContain('story-09');
    expect(readPage(built.files.get('section/sao-paulo/index.html') ?? '').stories).toEqual(['story-05', 'story-03']);
    expect(readPage(built.files.get('author/ana-beltran/index.html') ?? '').stories).toEqual(['story-08', 'story-05', 'story-04']);
    const paths = [...built.files.keys()];
    expect(paths.filter((path) => path.startsWith('section/') && !path.includes('/page/'))).toEqual(expect.arrayContaining(['section/world/index.html', 'section/sao-paulo/index.html']));
    expect(paths.filter((path) => /^section\/[^/]+\/index\.html$/.test(path))).toHaveLength(2);
  });

  it('should list a story tagged twice in spellings that slug alike once', async () => {
    const built = await buildSite(await specSite());
    const energy = [1, 2].flatMap((n) => readPage(built.files.get(n === 1 ? 'tag/energy/index.html' : 'tag/energy/page/2/index.html') ?? '').stories);
    expect(energy.filter((slug) => slug === 'story-04')).toEqual(['story-04']);
  });

  it('should list every section once in the sections navigation of every page', async () => {
    const built = await buildSite(await specSite());
    for (const path of ['index.html', 'page/3/index.html', 'story-07/index.html', 'tag/energy/index.html', 'section/world/page/2/index.html']) {
      const tree = fromHtml(built.files.get(path) ?? '');
      const [nav] = select(tree, (e) => e.tagName === 'nav' && e.properties.ariaLabel === 'Sections');
      expect(nav, `${path} has the sections navigation`).toBeDefined();
      const links = select(nav!, (e) => e.tagName === 'a').map(href).filter((url) => url.startsWith('/section/'));
      expect(links.sort(), path).toEqual(['/section/sao-paulo/', '/section/world/']);
    }
  });

  it('should link each article to its section, author and every tag page, and those pages exist', async () => {
    const built = await buildSite(await specSite());
    for (const [slug, spec] of Object.entries(STORIES)) {
      const tree = fromHtml(built.files.get(`${slug}/index.html`) ?? '');
      const [article] = select(tree, (e) => e.tagName === 'article');
      const links = select(article!, (e) => e.tagName === 'a').map(href);
      const listLinks = links.filter((url) => /^\/(section|tag|author)\//.test(url));
      for (const url of listLinks) expect(built.files.has(`${url.slice(1)}index.html`), `${slug} links ${url}, which should be a page`).toBe(true);
      const expected = [
        ...(spec.section ? [`/section/${SLUGS[spec.section]}/`] : []),
        ...(spec.author ? [`/author/${SLUGS[spec.author]}/`] : []),
        ...(spec.tags ?? []).map((tag) => `/tag/${SLUGS[tag]}/`),
      ];
      expect(listLinks.sort(), slug).toEqual(expected.sort());
      // And each list page links back to the story.
      for (const url of new Set(expected)) {
        const list = Object.entries(EXPECTED).find(([key]) => `/${key}` === url)?.[1] ?? [];
        expect(list, `${url} holds ${slug}`).toContain(slug);
      }
    }
  });

  it('should fill pages exactly without an empty last page', async () => {
    const stories = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`story-0${i + 1}.md`, storyText(`story-0${i + 1}`, { date: `2025-02-0${i + 1}`, section: 'Politics' })]));
    const built = await buildSite(await makeSite(stories));
    expect(built.ok).toBe(true);
    const newest = ['story-06', 'story-05', 'story-04', 'story-03', 'story-02', 'story-01'];
    expectList(built, '', newest, 3);
    expectList(built, 'section/politics/', newest, 3);
    expect(built.files.has('page/3/index.html')).toBe(false);
  });

  it('should show a single page with no pagination when every story fits', async () => {
    const built = await buildSite(await specSite(CONFIG.replace('page_size: 3', 'page_size: 25')));
    expectList(built, '', EXPECTED[''] ?? [], 25);
    expect([...built.files.keys()].filter((path) => path.includes('page/'))).toEqual([]);
  });

  it('should prefix list and rel links with the path of a site published under one', async () => {
    const built = await buildSite(await specSite(CONFIG.replace('url: https://news.example.org/', 'url: https://example.org/news/')));
    expect(built.ok).toBe(true);
    for (const [url, expected] of Object.entries(EXPECTED)) expectList(built, url, expected, 3, 'https://example.org/news/');
    const middle = readPage(built.files.get('page/2/index.html') ?? '', '/news/');
    expect(middle.prev).toEqual(['/news/']);
    expect(middle.next).toEqual(['/news/page/3/']);
  });

  it('should leave drafts and embargoed stories out of every list, and give names only they use no page', async () => {
    const built = await buildSite(
      await makeSite({
        'story-01.md': storyText('story-01', { date: '2025-01-01', section: 'World', tags: ['energy'] }),
        'draft.md': storyText('draft', { date: '2025-01-02', section: 'Secrets', tags: ['energy', 'leaks'], author: 'Deep Throat' }).replace('---\n\n', 'draft: true\n---\n\n'),
        'embargo.md': storyText('embargo', { date: '2999-01-01', section: 'Tomorrow', tags: ['energy'] }),
      }),
    );
    expect(built.ok).toBe(true);
    const paths = [...built.files.keys()];
    expect(paths.filter((path) => /^(section|tag|author)\//.test(path)).sort()).toEqual(['section/world/index.html', 'tag/energy/index.html']);
    for (const path of paths.filter((p) => p.endsWith('.html'))) expect(built.files.get(path), path).not.toMatch(/\/(draft|embargo)\/|Secrets|Tomorrow/);
  });

  it('should give every section, tag and author a page the article links to, or say why not, whatever script its name is in', async () => {
    const story = '---\ntitle: Tokyo tower reopens\ndate: 2025-01-01\nsection: 日本\ntags: [東京]\nauthor: 山田太郎\n---\n\nBody.\n';
    const built = await buildSite(await makeSite({ 'tokyo.md': story }));
    if (!built.ok) {
      // Refusing such a name is an answer too, as long as it is positioned on the story.
      expect(built.messages.length).toBeGreaterThan(0);
      for (const message of built.messages) expect(message).toMatch(/^content\/tokyo\.md:[2-9]:\d+  error  /);
      return;
    }
    const tree = fromHtml(built.files.get('tokyo/index.html') ?? '');
    const [article] = select(tree, (e) => e.tagName === 'article');
    // The byline, the kicker and the tags: every link but the ones in the body.
    const links = select(article!, (e) => e.tagName === 'a').map(href);
    expect(links).toHaveLength(3);
    for (const url of links) {
      expect(url, 'a list page, not the home page or nowhere').toMatch(/^\/(section|tag|author)\/[^/]+\/$/);
      expect(built.files.get(`${url.slice(1)}index.html`) ?? '', `${url} lists the story`).toContain('href="/tokyo/"');
    }
  });

  it('should still build a home page, and no archive or list pages, for a site with no stories', async () => {
    const built = await buildSite(await makeSite({}));
    expect(built.messages).toEqual([]);
    expect(built.ok).toBe(true);
    const home = readPage(built.files.get('index.html') ?? '');
    expect(home.stories).toEqual([]);
    expect([home.prev, home.next, home.hasPagination]).toEqual([[], [], false]);
    expect([...built.files.keys()].filter((path) => /^(page|section|tag|author)\//.test(path))).toEqual([]);
  });

  describe('reserved paths', () => {
    const story = (frontmatter: string) => `---\ntitle: Clash\ndate: 2025-03-01\n${frontmatter}\n---\n\nBody.\n`;

    for (const slug of ['page', 'section', 'tag', 'author', 'media']) {
      it(`should refuse the slug "${slug}", naming it at the slug line`, async () => {
        const built = await buildSite(await makeSite({ 'clash.md': story(`author: Ana\nslug: ${slug}`), 'other.md': storyText('story-01', { date: '2025-01-01' }) }));
        expect(built.ok).toBe(false);
        expect(built.messages).toHaveLength(1);
        expect(built.messages[0]).toMatch(new RegExp(`^content/clash\\.md:5:1  error  .*"${slug}".*reserved.*\\(site/reserved-slug\\)$`));
        expect(built.files.size).toBe(0);
      });
    }

    it('should refuse a story whose file name makes a reserved slug', async () => {
      const built = await buildSite(await makeSite({ 'tag.md': story('author: Ana') }));
      expect(built.ok).toBe(false);
      expect(built.messages).toEqual([expect.stringMatching(/^content\/tag\.md:\d+:\d+  error  .*"tag".*\(site\/reserved-slug\)$/)]);
    });

    for (const alias of ['page', 'page/2', 'section/world', 'tag', 'author/ana', 'media', 'feed.xml', 'sitemap.xml', 'sitemap-3.xml', 'robots.txt', '_headers']) {
      it(`should refuse the alias "${alias}", naming it at the aliases line`, async () => {
        const built = await buildSite(await makeSite({ 'clash.md': story(`aliases: [${alias}]`) }));
        expect(built.ok).toBe(false);
        expect(built.messages).toEqual([expect.stringMatching(new RegExp(`^content/clash\\.md:4:1  error  .*"${alias.replace('.', '\\.')}".*reserved.*\\(site/reserved-alias\\)$`))]);
        expect(built.files.size).toBe(0);
      });
    }
  });

  it('should write the same bytes whatever the story files are called or the order they were written in, and on every rebuild', async () => {
    const texts = Object.entries(STORIES).map(([slug, spec]) => [`${slug}.md`, storyText(slug, spec)] as const);
    // Two stories of the same minute, in files whose names sort the other way round in the second site.
    const tie = (slug: string) => `---\ntitle: Tied ${slug}\ndate: 2025-01-05T08:00:00Z\nslug: ${slug}\nsection: World\n---\n\nTied.\n`;
    const forward = await makeSite(Object.fromEntries([...texts, ['tie-a.md', tie('beta')], ['tie-b.md', tie('alpha')]]));
    const backward = await makeSite(Object.fromEntries([['tie-b.md', tie('beta')], ['tie-a.md', tie('alpha')], ...[...texts].reverse()]));
    const first = await run(['build'], forward);
    expect(first.code, first.stderr).toBe(0);
    const once = await snapshotTree(join(forward, 'dist'));
    expect((await run(['build'], forward)).code).toBe(0);
    expect(await snapshotTree(join(forward, 'dist'))).toEqual(once);
    expect((await run(['build'], backward)).code).toBe(0);
    expect(await snapshotTree(join(backward, 'dist'))).toEqual(once);
    expect(Object.keys(once)).toEqual(expect.arrayContaining(['page/4/index.html', 'section/world/page/3/index.html', 'tag/energy/page/2/index.html']));
  });
});

describe('updateListings', () => {
  const specs = Object.entries(STORIES).reverse();
  const stories = (): PublishedStory[] =>
    specs.map(([slug, spec]) => ({ slug, title: slug, date: { iso: spec.date, time: Date.parse(spec.date) }, updated: undefined, author: spec.author, section: spec.section, tags: spec.tags ?? [], summary: undefined, draft: false, aliases: [], isBrief: true, image: undefined, body: { pack: '', offset: 0, length: 0, hash: '' }, hash: slug, file: new VFile() }));
  const plain = (listings: Listings) => JSON.parse(JSON.stringify({ ...listings, index: [...listings.index] }));

  it('should give what createListings gives after stories are replaced in place, and keep every page that shows none of them', () => {
    const before = stories();
    const previous = createListings(before, 3, 'Home');
    for (const indexes of [[0], [4], [2, 7], [9]]) {
      const replaced = new Map(indexes.map((index) => [before[index]!, { ...before[index]!, title: `Edited ${index}` }]));
      const after = before.map((story) => replaced.get(story) ?? story);
      const updated = updateListings(previous, replaced);
      expect(updated && plain(updated)).toEqual(plain(createListings(after, 3, 'Home')));
      for (const [at, page] of previous.pages.entries()) {
        const shows = page.stories.some((story) => replaced.has(story));
        expect(updated!.pages[at]!.stories === page.stories).toBe(!shows);
      }
    }
  });

  it('should give up when a replaced story changed section, tags or author, so the listings are made in full', () => {
    const before = stories();
    const previous = createListings(before, 3, 'Home');
    for (const change of [{ section: 'Sport' }, { tags: ['energy', 'port'] }, { author: undefined }]) {
      expect(updateListings(previous, new Map([[before[3]!, { ...before[3]!, ...change }]]))).toBeUndefined();
    }
  });
});
