// Random sequences of edits, renames, deletes, date and title changes and
// template edits: after every step a rebuild with one warm cache (as `dev`
// keeps) and the changed paths must give exactly the bytes and the messages of
// a cold build of the same input.
import { appendFile, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { createBuildCache } from '../src/build-cache.js';
import { formatMessages } from '../src/report/messages.js';
import { png, REPO, scratch, snapshotTree } from './helpers.js';

/** A small seeded PRNG, so a failing sequence can be replayed from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Story {
  title: string;
  date: string;
  section?: string | undefined;
  tags: string[];
  author?: string | undefined;
  summary?: string | undefined;
  body: string; // empty: a brief
  draft: boolean;
  aliases: string[];
}

const SECTIONS = ['World', 'City', 'Business', 'Sport'];
const TAGS = ['energy', 'trade', 'harbour', 'schools', 'elections', 'weather'];
const AUTHORS = ['Ana Beltrán', 'Tom Okafor', 'Lena Vogel'];
const WORDS = ['mayor', 'bridge', 'council', 'budget', 'storm', 'market', 'ferry', 'strike', 'vote', 'river', 'school', 'tariff'];

function storyText(story: Story): string {
  const lines = ['---', `title: "${story.title}"`, `date: ${story.date}`];
  if (story.author) lines.push(`author: ${story.author}`);
  if (story.section) lines.push(`section: ${story.section}`);
  if (story.tags.length > 0) lines.push(`tags: [${story.tags.join(', ')}]`);
  if (story.summary) lines.push(`summary: "${story.summary}"`);
  if (story.draft) lines.push('draft: true');
  if (story.aliases.length > 0) lines.push(`aliases: [${story.aliases.join(', ')}]`);
  lines.push('---', '');
  return `${lines.join('\n')}\n${story.body}`;
}

const SEEDS = [1, 2, 3, 5]; // 5 breaks a story's frontmatter on its first step
const STEPS = 30;

describe('random incremental rebuilds', () => {
  for (const seed of SEEDS) {
    it(`should match a cold build after every step of random edits (seed ${seed})`, async () => {
      const random = mulberry32(seed);
      const int = (n: number) => Math.floor(random() * n);
      const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
      const phrase = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
      const two = (n: number) => String(n).padStart(2, '0');
      const randomDate = () => `2025-${two(1 + int(6))}-${two(1 + int(28))}T${two(int(24))}:${two(int(60))}:00Z`;
      let counter = 0;
      const next = () => ++counter;

      const root = await scratch();
      const warmOut = await scratch();
      const coldOut = await scratch();
      await cp(join(REPO, 'templates'), join(root, 'templates'), { recursive: true });
      await writeFile(join(root, 'broadsheet.yaml'), 'title: Random News\nurl: https://random.example.org/\nupdated_from_git: false\npage_size: 4\nheadlines: 3\n');
      await mkdir(join(root, 'content'));

      const stories = new Map<string, Story>(); // file name → story
      const path = (name: string) => join(root, 'content', name);
      const newStory = (): Story => ({
        title: `The ${phrase(3)} ${next()}`,
        date: randomDate(),
        section: random() < 0.8 ? pick(SECTIONS) : undefined,
        tags: [...new Set(Array.from({ length: int(3) }, () => pick(TAGS)))],
        author: random() < 0.7 ? pick(AUTHORS) : undefined,
        summary: random() < 0.5 ? `A ${phrase(5)}.` : undefined,
        body: random() < 0.2 ? '' : `The ${phrase(8)}.\n\nThen the ${phrase(6)}.\n`,
        draft: false,
        aliases: [],
      });
      const save = async (name: string) => writeFile(path(name), storyText(stories.get(name) as Story));
      for (let i = 0; i < 3; i++) await writeFile(path(`photo-${i}.png`), png(4, 3, 40 * i));
      for (let i = 0; i < 15; i++) {
        const name = `story-${next()}.md`;
        stories.set(name, newStory());
        await save(name);
      }

      const cache = createBuildCache();
      const first = await build({ root, cwd: root, cache, out: warmOut });
      expect(first.ok, formatMessages(first.files, root).join('\n')).toBe(true);
      // A failed build writes nothing, so both output folders start from a good build.
      expect((await build({ root, cwd: root, out: coldOut })).ok).toBe(true);

      const footer = join(root, 'templates/partials/footer.liquid');
      const article = join(root, 'templates/article.liquid');
      const style = join(root, 'templates/assets/style.css');
      const articleText = await readFile(article, 'utf8');
      expect(articleText).toContain('has been published so far');
      let broken: string | undefined; // a story whose frontmatter is broken, to fix next step

      type Step = { name: string; run: () => Promise<string[]> };
      const editStory = (name: string, how: string, change: (story: Story) => void): Step => ({
        name: `${how} ${name}`,
        run: async () => {
          change(stories.get(name) as Story);
          await save(name);
          return [path(name)];
        },
      });
      const chooseStep = (): Step => {
        if (broken) {
          const name = broken;
          broken = undefined;
          return { name: `fix ${name}`, run: async () => (await save(name), [path(name)]) };
        }
        const names = [...stories.keys()];
        const name = pick(names);
        const dates = [...stories.values()].map((story) => story.date).sort();
        const choices: Array<() => Step> = [
          () => editStory(name, 'edit body of', (s) => void (s.body = random() < 0.15 ? '' : `Now the ${phrase(7)}.\n`)),
          () => editStory(name, 'retitle', (s) => void (s.title = `The ${phrase(2)} ${next()}`)),
          () => editStory(name, 'redate', (s) => void (s.date = randomDate())),
          () => editStory(name, 'make newest', (s) => void (s.date = new Date(Date.parse(dates.at(-1) as string) + 3_600_000).toISOString().replace('.000Z', 'Z'))),
          () => editStory(name, 'move into the future', (s) => void (s.date = `2099-${two(1 + int(12))}-${two(1 + int(28))}T10:00:00Z`)),
          () => editStory(name, 'change section of', (s) => void (s.section = random() < 0.2 ? undefined : pick(SECTIONS))),
          () => editStory(name, 'change tags of', (s) => void (s.tags = [...new Set(Array.from({ length: int(3) }, () => pick(TAGS)))])),
          () => editStory(name, 'change author of', (s) => void (s.author = random() < 0.2 ? undefined : pick(AUTHORS))),
          () => editStory(name, 'change summary of', (s) => void (s.summary = random() < 0.3 ? undefined : `A ${phrase(4)}.`)),
          () => editStory(name, 'toggle draft of', (s) => void (s.draft = !s.draft)),
          () => editStory(name, 'add alias to', (s) => void s.aliases.push(`old/${next()}-${pick(WORDS)}`)),
          () => editStory(name, 'remove alias from', (s) => void s.aliases.splice(int(s.aliases.length), 1)),
          () => {
            const added = `added-${next()}.md`;
            return { name: `add ${added}`, run: async () => (stories.set(added, newStory()), await save(added), [path(added)]) };
          },
          () => ({
            name: `delete ${name}`,
            run: async () => (stories.delete(name), await rm(path(name)), [path(name)]),
          }),
          () => {
            const renamed = `renamed-${next()}.md`;
            return {
              name: `rename ${name} to ${renamed}`,
              run: async () => {
                stories.set(renamed, stories.get(name) as Story);
                stories.delete(name);
                await rename(path(name), path(renamed));
                return [path(name), path(renamed)];
              },
            };
          },
          // Images beside stories, and links between them: the image list and link findings are kept across rebuilds.
          () => editStory(name, 'show an image in', (s) => void (s.body += `\n![A ${pick(WORDS)}](photo-${int(3)}.png)\n`)),
          () => ({
            name: 'repaint an image',
            run: async () => {
              const image = path(`photo-${int(3)}.png`);
              await writeFile(image, png(4 + int(4), 3, int(256)));
              return [image];
            },
          }),
          () => ({
            name: `break a link in ${name}`,
            run: async () => {
              broken = name;
              await writeFile(path(name), `${storyText(stories.get(name) as Story)}\nSee [the lost story](/${pick(names).replace(/\.md$/, '')}-lost/).\n`);
              return [path(name)];
            },
          }),
          () => ({ name: 'edit footer template', run: async () => (await appendFile(footer, `<!-- edit ${next()} -->\n`), [footer]) }),
          () => ({
            name: 'edit article template',
            run: async () => (await writeFile(article, articleText.replace('has been published so far', `has been published so far (${next()})`)), [article]),
          }),
          () => ({ name: 'edit stylesheet', run: async () => (await appendFile(style, `\n.edit-${next()} { color: red; }\n`), [style]) }),
          () => ({
            name: `break frontmatter of ${name}`,
            run: async () => {
              broken = name;
              await writeFile(path(name), storyText(stories.get(name) as Story).replace(/^title: .*$/m, 'title: [unclosed'));
              return [path(name)];
            },
          }),
        ];
        return pick(choices)();
      };

      const log: string[] = [];
      for (let step = 1; step <= STEPS; step++) {
        const chosen = chooseStep();
        const touched = await chosen.run();
        log.push(`${step}: ${chosen.name}`);
        const where = `seed ${seed}, step ${step} (${chosen.name}); steps so far:\n${log.join('\n')}`;
        const warm = await build({ root, cwd: root, cache, changed: new Set(touched), out: warmOut });
        const cold = await build({ root, cwd: root, out: coldOut });
        expect({ ok: warm.ok, messages: formatMessages(warm.files, root) }, where).toEqual({ ok: cold.ok, messages: formatMessages(cold.files, root) });
        // A broken link in a draft or a story dated in the future is not checked.
        if (chosen.name.startsWith('break frontmatter')) expect(cold.ok, where).toBe(false);
        else if (chosen.name.startsWith('break a link')) {
          const story = stories.get(broken as string) as Story;
          expect(cold.ok, where).toBe(story.draft || story.date > '2098');
        } else expect(cold.ok, `${where}\n${formatMessages(cold.files, root).join('\n')}`).toBe(true);
        const [warmTree, coldTree] = [await snapshotTree(warmOut), await snapshotTree(coldOut)];
        const paths = [...new Set([...Object.keys(warmTree), ...Object.keys(coldTree)])].sort();
        const differing = paths.find((file) => warmTree[file] !== coldTree[file]);
        if (differing !== undefined) expect(warmTree[differing], `${where}\nfirst differing file: ${differing}`).toEqual(coldTree[differing]);
        expect(warmTree, where).toEqual(coldTree);
      }
      await Promise.all([root, warmOut, coldOut].map((dir) => rm(dir, { recursive: true, force: true })));
    });
  }
});
