// The benchmark's site: a corpus from ../shared/corpus/generate.mjs with this
// repository's templates, and the edits the rebuild figures are about. Every edit
// can be undone, so each run starts from the same bytes.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PRISTINE = new Set(['content', 'templates', 'broadsheet.yaml']);
const NEW_STORY = 'bench-new-story.md';

export function makeSite(repo, generator, count) {
  const root = mkdtempSync(join(tmpdir(), `broadsheet-bench-${count}-`));
  const content = join(root, 'content');
  execFileSync(process.execPath, [generator, '--count', String(count), '--out', content], { stdio: 'ignore' });
  cpSync(join(repo, 'templates'), join(root, 'templates'), { recursive: true });
  writeFileSync(join(root, 'broadsheet.yaml'), 'title: Bench\nurl: https://bench.example.org/\nupdated_from_git: false\n');

  // Stories by date, oldest first; the generator writes `date:` unquoted, in UTC.
  const stories = readdirSync(content)
    .filter((name) => name.endsWith('.md'))
    .map((name) => {
      const text = readFileSync(join(content, name), 'utf8');
      return { name, text, time: Date.parse(/^date: (.+)$/m.exec(text)[1]) };
    })
    .sort((a, b) => a.time - b.time);
  const middle = stories[Math.floor(stories.length / 2)];
  const newest = stories.at(-1);
  const newTime = newest.time + 60_000;
  const originals = new Map([middle, newest].map((story) => [story.name, story.text]));

  return {
    root,
    content,
    count,
    /** Stories dated after now are left out unless `--future`: the generator spaces them 37 minutes apart from 2025. */
    needsFuture: newTime > Date.now(),
    /** The newest story's file name: its headline is on every article page. */
    newestName: () => newest.name,
    /** Each run's edits and what it published, undone; anything the builds left in the site folder besides `keep`, removed. */
    reset(keep = []) {
      for (const [name, text] of originals) writeFileSync(join(content, name), text);
      rmSync(join(content, NEW_STORY), { force: true });
      for (const name of readdirSync(root)) if (!PRISTINE.has(name) && !keep.includes(name)) rmSync(join(root, name), { recursive: true, force: true });
    },
    /** Anything a build left in the site folder other than the output: a cache, for instance. */
    leftovers(keep = []) {
      return readdirSync(root).filter((name) => !PRISTINE.has(name) && !keep.includes(name));
    },
    /** A story in the middle of the archive gets one more paragraph: its page changes, no list does. */
    editBody() {
      writeFileSync(join(content, middle.name), `${middle.text.trimEnd()}\n\nAn editor added this paragraph after publication.\n`);
    },
    /** The newest story's headline is corrected: it is listed under More headlines on every article. */
    editNewestTitle() {
      writeFileSync(join(content, newest.name), newest.text.replace(/^title: "(.*)"$/m, 'title: "$1, officials confirm"'));
    },
    /** One more story, dated a minute after the newest, with a body like the others. */
    publish() {
      const body = newest.text.slice(newest.text.indexOf('\n---\n') + 5);
      const front = ['---', 'title: "Breaking: benchmark story published"', `date: ${new Date(newTime).toISOString().replace('.000Z', 'Z')}`, 'author: Ana Beltrán', 'section: world', 'tags: [trade]', 'summary: "A story published between two builds."', '---', ''];
      writeFileSync(join(content, NEW_STORY), front.join('\n') + body);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
