// What a build keeps of its stories while it runs must be what later stages need,
// not their text: at 100,000 stories the texts alone are 600 MB. V8 keeps a string
// cut from a longer one (a date, a title, a link) as a slice of it, so a story whose
// data holds such slices holds its whole text. Measured in a process of its own,
// with the collector run by hand, on this thread alone (workers hand back copies).
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, scratch } from './helpers.js';

const STORIES = 300;
// A long feature: every story's text is about 40 KB.
const PARAGRAPHS = 300;

const PROBE = `
const [lib, content] = process.argv.slice(1);
const { loadStories } = await import(lib + '/markdown/load-stories.js');
const { createBuildCache } = await import(lib + '/build-cache.js');
const { openBodyPacks } = await import(lib + '/cache/body-packs.js');
const { discoverStories } = await import(lib + '/content/discover.js');
const { mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const paths = await discoverStories(content);
const packs = openBodyPacks(mkdtempSync(tmpdir() + '/broadsheet-test-bodies-'));
// Loads the Markdown stage and warms it, so what is measured next is the stories alone.
await loadStories(paths.slice(0, 1), { cache: createBuildCache(), contentDir: content, packs });
gc(); gc();
const before = process.memoryUsage().heapUsed;
const cache = createBuildCache();
const files = await loadStories(paths, { cache, contentDir: content, packs });
gc(); gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ kept: after - before, stories: files.filter((file) => file.data.story).length, cached: cache.stories.byPath.size }));
`;

describe('memory held by loaded stories', () => {
  it('should keep a small part of the stories text once they are loaded on this thread', async () => {
    const dir = await scratch();
    const content = join(dir, 'content');
    await mkdir(content);
    let textBytes = 0;
    for (let n = 0; n < STORIES; n++) {
      const body = Array.from({ length: PARAGRAPHS }, (_, p) => `Paragraph ${p} of story ${n}: the council met again on Tuesday, and ${p === 0 ? `[the minutes](https://example.org/${n})` : 'the minutes'} say so at length, in words that go on and on.`).join('\n\n');
      const text = `---\ntitle: "Story number ${n} about the council"\ndate: 2025-03-01T10:${String(n % 60).padStart(2, '0')}:00Z\nauthor: Ana Beltrán\nsection: world\ntags: [council, minutes]\nsummary: "What the council said on day ${n}."\n---\n\n${body}\n`;
      textBytes += text.length;
      await writeFile(join(content, `story-${n}.md`), text);
    }
    const output = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', PROBE, join(REPO, 'lib'), content], { encoding: 'utf8', env: { ...process.env, BROADSHEET_THREADS: '1' } });
    const { kept, stories, cached } = JSON.parse(output) as { kept: number; stories: number; cached: number };
    expect({ stories, cached }).toEqual({ stories: STORIES, cached: STORIES });
    // Their metadata, links and messages: a few kilobytes a story, against 40 of text.
    expect(kept).toBeLessThan(textBytes / 4);
  }, 120_000);
});
