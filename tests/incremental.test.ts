// A rebuild is the full pipeline on fewer inputs: after every kind of edit, a
// build with a warm cache and the changed paths must give exactly the bytes of
// a cold build, while rendering only the pages the edit affects.
import { appendFile, cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { createBuildCache } from '../src/build-cache.js';
import { openOutput } from '../src/write/output.js';
import { memoryOutput, REPO, scratch, snapshotTree } from './helpers.js';

async function makeSite(count: number): Promise<string> {
  const dir = await scratch();
  await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'broadsheet.yaml'), 'title: Incremental\nurl: https://inc.example.org/\nheadlines: 3\n');
  await mkdir(join(dir, 'content'));
  for (let i = 0; i < count; i++) {
    const day = String(1 + i).padStart(2, '0');
    await writeFile(join(dir, 'content', `story-${i}.md`), `---\ntitle: Story ${i}\ndate: 2025-01-${day}T10:00:00Z\n---\n\nBody of story ${i}.\n`);
  }
  return dir;
}

/** A site on the repo's own templates (sections navigation, tag and author links, pagination, hashed assets, a lead image). */
async function makeNewsSite(): Promise<string> {
  const dir = await scratch();
  await cp(join(REPO, 'templates'), join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'broadsheet.yaml'), 'title: Incremental News\nurl: https://inc.example.org/\nheadlines: 2\npage_size: 3\nlogo: logo.png\nupdated_from_git: false\n');
  await mkdir(join(dir, 'content'));
  await cp(join(REPO, 'templates/assets/share.png'), join(dir, 'content/photo.png'));
  for (let i = 1; i <= 4; i++) await writeFile(join(dir, 'content', `news-${i}.md`), newsStory(i, { section: i % 2 ? 'World' : 'City', tags: i === 2 ? ['energy'] : [] }));
  return dir;
}

function newsStory(i: number, { section = 'World', tags = [] as string[], day = i } = {}): string {
  const image = i === 2 ? 'image: photo.png\nimage_alt: The harbour\n' : '';
  return `---\ntitle: News ${i}\ndate: 2025-04-${String(day).padStart(2, '0')}T10:00:00Z\nauthor: Ana Beltrán\nsection: ${section}\ntags: [${tags.join(', ')}]\n${image}---\n\nBody of news ${i}.\n`;
}

/** The output path of asset `stem.ext`, hashed. */
function hashedAsset(bytes: Record<string, string>, stem: string, ext: string): string {
  const paths = Object.keys(bytes).filter((path) => new RegExp(`^assets/${stem}\\.[0-9a-f]{8}\\.${ext}$`).test(path));
  expect(paths, `one hashed ${stem}.${ext}`).toHaveLength(1);
  return paths[0] ?? '';
}

/** Build into `output` (by default a new one: a cold build), and read back every file it holds. */
async function outputOf(dir: string, extra: Parameters<typeof build>[0] = {}) {
  const output = extra.output ?? memoryOutput();
  const result = await build({ root: dir, cwd: dir, ...extra, output });
  expect(result.ok).toBe(true);
  const bytes = Object.fromEntries([...(output as ReturnType<typeof memoryOutput>).files].map(([path, contents]) => [path, Buffer.from(contents).toString('latin1')]));
  return { result, bytes };
}

describe('incremental rebuilds', () => {
  it('should match a cold build after every kind of edit, rendering only what changed', async () => {
    const dir = await makeSite(8);
    const cache = createBuildCache();
    const warm = memoryOutput();
    await outputOf(dir, { cache, output: warm });
    const story = (i: number) => join(dir, 'content', `story-${i}.md`);

    const steps: Array<{ name: string; touched: string[]; edit: () => Promise<void>; rendered?: number }> = [
      { name: 'nothing changed', touched: [], edit: async () => {}, rendered: 0 },
      // Story 0 is the oldest: only its own page and the home page show it.
      { name: 'old story body', touched: [story(0)], edit: () => writeFile(story(0), '---\ntitle: Story 0\ndate: 2025-01-01T10:00:00Z\n---\n\nNew body.\n'), rendered: 1 },
      { name: 'old story title', touched: [story(0)], edit: () => writeFile(story(0), '---\ntitle: Story zero\ndate: 2025-01-01T10:00:00Z\n---\n\nNew body.\n'), rendered: 2 },
      // Story 7 is the newest: it is in the headlines of every other page (3 shown).
      { name: 'recent story title', touched: [story(7)], edit: () => writeFile(story(7), '---\ntitle: Story seven\ndate: 2025-01-08T10:00:00Z\n---\n\nBody.\n'), rendered: 9 },
      { name: 'aliases added', touched: [story(3)], edit: () => writeFile(story(3), '---\ntitle: Story 3\ndate: 2025-01-04T10:00:00Z\naliases: [old-three]\n---\n\nBody.\n') },
      // Same slug, date and aliases: the site model is updated in place, redirect included.
      { name: 'aliased story retitled', touched: [story(3)], edit: () => writeFile(story(3), '---\ntitle: Story three\ndate: 2025-01-04T10:00:00Z\naliases: [old-three]\n---\n\nBody.\n') },
      { name: 'updated declared', touched: [story(2)], edit: () => writeFile(story(2), '---\ntitle: Story 2\ndate: 2025-01-03T10:00:00Z\nupdated: 2025-01-09\n---\n\nBody of story 2.\n'), rendered: 1 },
      { name: 'updated removed again', touched: [story(2)], edit: () => writeFile(story(2), '---\ntitle: Story 2\ndate: 2025-01-03T10:00:00Z\n---\n\nBody of story 2.\n'), rendered: 1 },
      { name: 'date change reorders', touched: [story(1)], edit: () => writeFile(story(1), '---\ntitle: Story 1\ndate: 2025-02-01T10:00:00Z\n---\n\nBody.\n') },
      { name: 'delete', touched: [story(6)], edit: () => rm(story(6)) },
      { name: 'rename', touched: [story(5), join(dir, 'content', 'renamed.md')], edit: () => rename(story(5), join(dir, 'content', 'renamed.md')) },
      { name: 'new story in a new folder', touched: [join(dir, 'content/new/fresh.md')], edit: async () => {
        await mkdir(join(dir, 'content/new'));
        await writeFile(join(dir, 'content/new/fresh.md'), '---\ntitle: Fresh\ndate: 2025-03-01\n---\n');
      } },
      { name: 'template edit', touched: [join(dir, 'templates/article.liquid')], edit: async () => {
        await writeFile(join(dir, 'templates/article.liquid'), '{% layout "base" %}{% block content %}<h1>{{ story.title }}</h1>{{ story.body_html | raw }}{% endblock %}');
      } },
      { name: 'config edit', touched: [join(dir, 'broadsheet.yaml')], edit: () => writeFile(join(dir, 'broadsheet.yaml'), 'title: Renamed site\nurl: https://inc.example.org/\nheadlines: 2\n') },
    ];

    for (const step of steps) {
      await step.edit();
      const rebuilt = await outputOf(dir, { cache, output: warm, changed: new Set(step.touched) });
      const cold = await outputOf(dir);
      expect(rebuilt.bytes, step.name).toEqual(cold.bytes);
      if (step.rendered !== undefined) expect(rebuilt.result.rendered, step.name).toBe(step.rendered);
    }
  });

  it('should match a cold build after edits that move listings and change assets', async () => {
    const dir = await makeNewsSite();
    const cache = createBuildCache();
    const warm = memoryOutput();
    const first = await outputOf(dir, { cache, output: warm });
    const story = (i: number) => join(dir, 'content', `news-${i}.md`);
    const style = join(dir, 'templates/assets/style.css');
    const listed = (bytes: Record<string, string>, path: string) => [...(bytes[path] ?? '').matchAll(/class="headline-link" href="\/(news-\d+)\/"/g)].map((m) => m[1]);
    const pages = (bytes: Record<string, string>) => Object.keys(bytes).filter((path) => path.endsWith('.html'));
    const oldStyle = hashedAsset(first.bytes, 'style', 'css');
    const oldMedia = Object.keys(first.bytes).filter((path) => path.startsWith('media/'));
    const oldLogo = hashedAsset(first.bytes, 'logo', 'png');
    expect(first.bytes['page/2/index.html'], 'four stories, three a page').toBeDefined();

    const steps: Array<{ name: string; touched: string[]; edit: () => Promise<void>; check: (bytes: Record<string, string>) => void }> = [
      { name: 'story changes section', touched: [story(3)], edit: () => writeFile(story(3), newsStory(3, { section: 'Business' })), check: (bytes) => {
        expect(listed(bytes, 'section/business/index.html')).toEqual(['news-3']);
        expect(listed(bytes, 'section/world/index.html')).toEqual(['news-1']);
        expect(bytes['index.html']).toContain('href="/section/business/"');
      } },
      { name: 'section respelt alike by its newest story', touched: [story(3)], edit: () => writeFile(story(3), newsStory(3, { section: 'business' })), check: (bytes) => {
        expect(bytes['news-1/index.html']).toContain('<a href="/section/business/">business</a>');
      } },
      { name: 'story gains a tag', touched: [story(1)], edit: () => writeFile(story(1), newsStory(1, { tags: ['energy'] })), check: (bytes) => {
        expect(listed(bytes, 'tag/energy/index.html')).toEqual(['news-2', 'news-1']);
        expect(bytes['news-1/index.html']).toContain('href="/tag/energy/"');
      } },
      { name: 'story loses a tag', touched: [story(2)], edit: () => writeFile(story(2), newsStory(2, { section: 'City' })), check: (bytes) => {
        expect(listed(bytes, 'tag/energy/index.html')).toEqual(['news-1']);
        expect(bytes['news-2/index.html']).not.toContain('href="/tag/energy/"');
      } },
      { name: 'story loses its last tag, and the tag its page', touched: [story(1)], edit: () => writeFile(story(1), newsStory(1)), check: (bytes) => {
        expect(Object.keys(bytes).filter((path) => path.startsWith('tag/'))).toEqual([]);
      } },
      { name: 'new stories push older ones to /page/2/ and /page/3/', touched: [5, 6, 7].map(story), edit: async () => {
        for (const i of [5, 6, 7]) await writeFile(story(i), newsStory(i, { tags: ['energy'] }));
      }, check: (bytes) => {
        expect(listed(bytes, 'index.html')).toEqual(['news-6', 'news-5']); // news-7 is the lead
        expect(listed(bytes, 'page/2/index.html')).toEqual(['news-4', 'news-3', 'news-2']);
        expect(listed(bytes, 'page/3/index.html')).toEqual(['news-1']);
        expect(listed(bytes, 'section/world/page/2/index.html')).toEqual(['news-1']);
      } },
      { name: 'story deleted, and the archive shrinks a page', touched: [story(4)], edit: () => rm(story(4)), check: (bytes) => {
        expect(listed(bytes, 'page/2/index.html')).toEqual(['news-3', 'news-2', 'news-1']);
        expect(bytes['page/3/index.html']).toBeUndefined();
        expect(bytes['page/2/index.html']).not.toContain('rel="next"');
      } },
      { name: 'stylesheet edited', touched: [style], edit: () => appendFile(style, '\n.incremental { color: red; }\n'), check: (bytes) => {
        const hashed = hashedAsset(bytes, 'style', 'css');
        expect(hashed).not.toBe(oldStyle);
        expect(bytes[oldStyle]).toBeUndefined();
        for (const page of pages(bytes)) expect(bytes[page], page).toContain(`<link rel="stylesheet" href="/${hashed}">`);
      } },
      { name: 'image beside a story replaced', touched: [join(dir, 'content/photo.png')], edit: () => cp(join(REPO, 'templates/assets/logo.png'), join(dir, 'content/photo.png')), check: (bytes) => {
        const media = Object.keys(bytes).filter((path) => path.startsWith('media/'));
        expect(media).toHaveLength(1);
        expect(media).not.toEqual(oldMedia);
        expect(bytes['news-2/index.html']).toContain(`<img src="/${media[0]}" width="600" height="60"`);
      } },
      { name: 'logo replaced', touched: [join(dir, 'templates/assets/logo.png')], edit: () => cp(join(REPO, 'templates/assets/share.png'), join(dir, 'templates/assets/logo.png')), check: (bytes) => {
        const logo = hashedAsset(bytes, 'logo', 'png');
        expect(logo).not.toBe(oldLogo);
        expect(bytes['news-1/index.html']).toContain(`https://inc.example.org/${logo}`);
      } },
    ];

    for (const step of steps) {
      await step.edit();
      const rebuilt = await outputOf(dir, { cache, output: warm, changed: new Set(step.touched) });
      const cold = await outputOf(dir);
      expect(rebuilt.bytes, step.name).toEqual(cold.bytes);
      step.check(rebuilt.bytes);
    }
  });

  it('should notice a changed file without being told, by its content hash', async () => {
    const dir = await makeSite(3);
    const cache = createBuildCache();
    const warm = memoryOutput();
    await outputOf(dir, { cache, output: warm });
    await writeFile(join(dir, 'content/story-0.md'), '---\ntitle: Changed quietly\ndate: 2025-01-01T10:00:00Z\n---\n');
    const rebuilt = await outputOf(dir, { cache, output: warm });
    expect(rebuilt.bytes['story-0/index.html']).toContain('Changed quietly');
  });

  it('should not carry one build’s site errors into the next', async () => {
    const dir = await makeSite(2);
    const cache = createBuildCache();
    await writeFile(join(dir, 'content/dupe.md'), '---\ntitle: Dupe\ndate: 2025-01-05\nslug: story-0\n---\n');
    const broken = await build({ root: dir, cwd: dir, cache, write: false });
    expect(broken.ok).toBe(false);
    await rm(join(dir, 'content/dupe.md'));
    const fixed = await build({ root: dir, cwd: dir, cache, changed: new Set([join(dir, 'content/dupe.md')]), write: false });
    expect(fixed.ok).toBe(true);
    expect(fixed.files).toEqual([]);
  });

  it('should write every changed page after a failed rebuild, as dev does', async () => {
    const dir = await makeSite(3);
    const cache = createBuildCache();
    const devOut = openOutput(join(dir, 'dev-out'));
    const dev = (changed?: string[]) => build({ root: dir, cwd: dir, cache, changed: changed && new Set(changed), output: devOut });
    expect((await dev()).ok).toBe(true);
    const story0 = join(dir, 'content/story-0.md');
    const story2 = join(dir, 'content/story-2.md');
    // A retitled story and a broken link: the pages render, the link check fails, nothing is written.
    await writeFile(story2, '---\ntitle: Retitled\ndate: 2025-01-03T10:00:00Z\n---\n\n[gone](/nowhere/)\n');
    expect((await dev([story2])).ok).toBe(false);
    await writeFile(story0, '---\ntitle: Story 0\ndate: 2025-01-01T10:00:00Z\n---\n\nFixed elsewhere.\n');
    await writeFile(story2, '---\ntitle: Retitled\ndate: 2025-01-03T10:00:00Z\n---\n\nNo link.\n');
    expect((await dev([story0, story2])).ok).toBe(true);
    expect((await build({ root: dir, cwd: dir })).ok).toBe(true);
    expect(await snapshotTree(join(dir, 'dev-out'))).toEqual(await snapshotTree(join(dir, 'dist')));
  });

  it('should publish what a burst of changes holds, even what the watcher failed to report', async () => {
    // On a busy machine chokidar can miss one event among many: a story added during a storm
    // of saves was never reported. A batch of several paths is checked whole.
    const dir = await makeSite(4);
    const cache = createBuildCache();
    const warm = memoryOutput();
    expect((await outputOf(dir, { cache, output: warm })).result.ok).toBe(true);
    const reported = [join(dir, 'content/story-0.md'), join(dir, 'content/story-1.md')];
    for (const [index, path] of reported.entries()) await appendFile(path, `\nSaved again, ${index}.\n`);
    await writeFile(join(dir, 'content/unreported.md'), '---\ntitle: Added in the storm\ndate: 2025-02-01T10:00:00Z\n---\n\nNew.\n');
    await appendFile(join(dir, 'content/story-3.md'), '\nEdited in the storm, unreported.\n');
    const { bytes } = await outputOf(dir, { cache, output: warm, changed: new Set(reported) });
    expect(bytes).toEqual((await outputOf(dir)).bytes);
    expect(bytes['unreported/index.html']).toContain('Added in the storm');
    expect(bytes['story-3/index.html']).toContain('Edited in the storm, unreported.');
  });
});
