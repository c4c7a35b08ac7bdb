// The `more_headlines` setting: which stories an article's More headlines lists,
// and so how many article pages one new story changes.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { REPO, scratch, snapshotTree } from './helpers.js';

const story = (n: number) => `---\ntitle: Story number ${n}\ndate: 2025-03-01T${String(n).padStart(2, '0')}:00:00Z\n---\n\nBody of story ${n}.\n`;

async function site(strategy: 'latest' | 'earlier' | undefined, count: number): Promise<string> {
  const root = await scratch();
  await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(root, 'templates'), { recursive: true });
  await writeFile(join(root, 'broadsheet.yaml'), `title: T\nurl: https://t.example.org/\nheadlines: 3\n${strategy ? `more_headlines: ${strategy}\n` : ''}`);
  await mkdir(join(root, 'content'));
  for (let n = 1; n <= count; n++) await writeFile(join(root, 'content', `story-${n}.md`), story(n));
  return root;
}

async function buildSite(root: string) {
  const result = await build({ root, cwd: root });
  expect(result.files.flatMap((file) => file.messages.map(String))).toEqual([]);
  expect(result.ok).toBe(true);
  return snapshotTree(join(root, 'dist'));
}

const headlinesOf = (html: string | undefined) => [...(html ?? '').split('<h2>More headlines</h2>')[1]!.matchAll(/>(Story number \d+)</g)].map((m) => m[1]);
const articles = (tree: Record<string, string>) => Object.keys(tree).filter((path) => /^story-\d+\/index\.html$/.test(path));

describe('more_headlines', () => {
  it('should list the newest stories by default, so a new story changes every article page', async () => {
    const root = await site(undefined, 6);
    const before = await buildSite(root);
    expect(headlinesOf(before['story-2/index.html'])).toEqual(['Story number 6', 'Story number 5', 'Story number 4']);
    await writeFile(join(root, 'content', 'story-7.md'), story(7));
    const after = await buildSite(root);
    for (const path of articles(before)) expect(after[path], path).not.toBe(before[path]);
  });

  it('should list the stories published just before each one with more_headlines: earlier', async () => {
    const root = await site('earlier', 6);
    const tree = await buildSite(root);
    expect(headlinesOf(tree['story-6/index.html'])).toEqual(['Story number 5', 'Story number 4', 'Story number 3']);
    expect(headlinesOf(tree['story-2/index.html'])).toEqual(['Story number 1']);
    expect(headlinesOf(tree['story-1/index.html'])).toEqual([]);
  });

  it('should leave every older article page unchanged when a story is published, with more_headlines: earlier', async () => {
    const root = await site('earlier', 6);
    const before = await buildSite(root);
    await writeFile(join(root, 'content', 'story-7.md'), story(7));
    const after = await buildSite(root);
    for (const path of articles(before)) expect(after[path], path).toBe(before[path]);
    expect(headlinesOf(after['story-7/index.html'])).toEqual(['Story number 6', 'Story number 5', 'Story number 4']);
    // The home page still leads with the news.
    expect(after['index.html']).toContain('Story number 7');
  });
});
