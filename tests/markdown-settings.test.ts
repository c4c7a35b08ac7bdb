// The Markdown stage depends on two settings, raw_html and embeds: the processor is
// built for them, a change of either builds a new one, and no story rendered under
// the old settings is reused, from the dev session's cache or the store on disk.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { createBuildCache } from '../src/build-cache.js';
import { createMarkdownProcessor, defaults, markdownOptions, processorFor } from '../src/markdown/processor.js';
import { memoryOutput, REPO, scratch } from './helpers.js';

const CONFIG = 'title: Settings\nurl: https://settings.example.org/\n';
const EMBED = '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video: the bridge"></iframe>';

async function makeSite(): Promise<string> {
  const dir = await scratch();
  await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'broadsheet.yaml'), CONFIG);
  await mkdir(join(dir, 'content'));
  await writeFile(join(dir, 'content', 'embed.md'), `---\ntitle: Embed\ndate: 2025-01-02T10:00:00Z\n---\n\nThe video:\n\n${EMBED}\n\n<p onclick="track()">Tracked.</p>\n`);
  await writeFile(join(dir, 'content', 'plain.md'), '---\ntitle: Plain\ndate: 2025-01-01T10:00:00Z\n---\n\nNo HTML here.\n');
  return dir;
}

async function outputOf(dir: string, extra: Parameters<typeof build>[0] = {}) {
  const output = memoryOutput();
  const result = await build({ root: dir, cwd: dir, ...extra, output });
  expect(result.ok).toBe(true);
  const bytes = Object.fromEntries([...output.files].map(([path, contents]) => [path, Buffer.from(contents).toString('utf8')]));
  return { result, bytes, rules: result.files.flatMap((file) => file.messages.map((message) => message.ruleId)) };
}

describe('markdown settings', () => {
  it('should take raw_html and embeds from the config, and the defaults without one', () => {
    expect(markdownOptions({ raw_html: 'trusted', embeds: ['player.vimeo.com'] })).toEqual({ rawHtml: 'trusted', embeds: ['player.vimeo.com'] });
    expect(markdownOptions(undefined)).toEqual({ rawHtml: 'sanitized', embeds: [] });
    expect(defaults).toEqual({ rawHtml: 'sanitized', embeds: [] });
  });

  it('should reuse a processor built with the same settings and build another for new ones', () => {
    const processor = createMarkdownProcessor({ embeds: ['player.vimeo.com'] });
    expect(processorFor(processor, { rawHtml: 'sanitized', embeds: ['player.vimeo.com'] })).toBe(processor);
    const trusted = processorFor(processor, { rawHtml: 'trusted', embeds: ['player.vimeo.com'] });
    expect(trusted).not.toBe(processor);
    expect(processorFor(trusted, { embeds: ['www.youtube-nocookie.com'] })).not.toBe(trusted);
    expect(processorFor(undefined, undefined)).not.toBe(processor);
    // The default settings, however they are spelt, are one processor.
    const plain = processorFor(undefined, undefined);
    expect(processorFor(plain, { rawHtml: 'sanitized', embeds: [] })).toBe(plain);
    const fresh = createMarkdownProcessor();
    expect(processorFor(fresh, {})).toBe(fresh);
    expect(processorFor(plain, { rawHtml: 'trusted' })).not.toBe(plain);
  });

  it('should render every story again when broadsheet.yaml changes a Markdown setting during dev, as a cold build would', async () => {
    const dir = await makeSite();
    const config = join(dir, 'broadsheet.yaml');
    const cache = createBuildCache();
    const first = await outputOf(dir, { cache });
    expect(first.bytes['embed/index.html']).not.toContain('<iframe');
    expect(first.rules).toEqual(['markdown/embed-host']);

    const steps = [`${CONFIG}embeds: [www.youtube-nocookie.com]\n`, `${CONFIG}embeds: [www.youtube-nocookie.com]\nraw_html: trusted\n`, CONFIG];
    const pages: string[] = [];
    for (const text of steps) {
      await writeFile(config, text);
      const warm = await outputOf(dir, { cache, changed: new Set([config]) });
      const cold = await outputOf(dir);
      expect(warm.bytes, text).toEqual(cold.bytes);
      expect(warm.rules, text).toEqual(cold.rules);
      expect(warm.result.storiesRendered, text).toBe(2);
      pages.push(warm.bytes['embed/index.html'] ?? '');
    }
    const [embedded, trusted, back] = pages;
    expect(embedded).toContain('<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video: the bridge" loading="lazy" sandbox=');
    expect(embedded).not.toContain('onclick');
    expect(trusted).toContain(`${EMBED}\n<p onclick="track()">Tracked.</p>`);
    expect(back).not.toContain('<iframe');
  });

  it('should not reuse a story the store on disk kept under other settings', async () => {
    const dir = await makeSite();
    const cacheDir = join(dir, '.broadsheet-cache');
    const first = await outputOf(dir, { cacheDir });
    expect(first.result.storiesRendered).toBe(2);
    expect((await outputOf(dir, { cacheDir })).result.storiesRendered).toBe(0);

    await writeFile(join(dir, 'broadsheet.yaml'), `${CONFIG}embeds: [www.youtube-nocookie.com]\n`);
    const changed = await outputOf(dir, { cacheDir });
    expect(changed.result.storiesRendered).toBe(2);
    expect(changed.bytes['embed/index.html']).toContain('<iframe');
    expect((await outputOf(dir, { cacheDir })).result.storiesRendered).toBe(0);
  });
});
