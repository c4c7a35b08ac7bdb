// Fixture tests for the Markdown stage, in the style of the unified collective:
// each folder under tests/fixtures/markdown/ holds an `input.md` and the exact
// `output.html` the real processor must produce for it.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import type { Story } from '../src/content/read-story.js';
import { createMarkdownProcessor, renderMarkdown } from '../src/markdown/processor.js';

const FIXTURES = new URL('fixtures/markdown/', import.meta.url);

const processor = createMarkdownProcessor();

/** Run `markdown` through the Markdown stage the way a build does. */
function render(markdown: string): { html: string | undefined; messages: string[] } {
  const story: Story = {
    slug: 'fixture',
    title: 'Fixture',
    date: { iso: '2025-05-02T00:00:00Z', time: Date.UTC(2025, 4, 2) },
    updated: undefined,
    author: undefined,
    section: undefined,
    tags: [],
    summary: undefined,
    draft: false,
    aliases: [],
    isBrief: markdown.trim() === '',
    image: undefined,
  };
  const file = new VFile({ path: 'fixture.md', value: markdown });
  file.data.story = story;
  file.data.markdown = markdown;
  renderMarkdown(processor, file);
  return { html: file.data.html, messages: file.messages.map(String) };
}

const read = (name: string, file: string) => readFileSync(fileURLToPath(new URL(`${name}/${file}`, FIXTURES)), 'utf8');

describe('markdown fixtures', () => {
  const names = readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  it('should find the fixtures', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  for (const name of names) {
    it(`should handle ${name.replaceAll('-', ' ')}`, () => {
      expect(render(read(name, 'input.md'))).toEqual({ html: read(name, 'output.html'), messages: [] });
    });
  }
});

describe('markdown safety', () => {
  const hostile: Array<[string, string]> = [
    ['a raw script element', '<script>alert(1)</script>'],
    ['an inline script element', 'Text <script>alert(1)</script> more'],
    ['an img with onerror', '<img src=x onerror=alert(1)>'],
    ['an svg with onload', '<svg onload=alert(1)>'],
    ['an iframe with a javascript: src', '<iframe src="javascript:alert(1)"></iframe>'],
    ['a raw link to vbscript:', '<a href="vbscript:msgbox(1)">x</a>'],
    ['a mixed-case javascript: link', '[x](JaVaScRiPt:alert(1))'],
    ['an entity-encoded javascript: link', '[x](&#106;avascript:alert(1))'],
    ['a hex-entity javascript: link', '[x](&#x6A;&#x61;vascript&#x3A;alert(1))'],
    ['a javascript&colon; link', '[x](javascript&colon;alert(1))'],
    ['a vbscript: link', '[x](vbscript:msgbox(1))'],
    ['a javascript: image', '![x](javascript:alert(1))'],
    ['a javascript: reference definition', '[x]\n\n[x]: javascript:alert(1)'],
    ['a javascript: autolink', '<javascript:alert(1)>'],
    ['a vbscript: autolink', '<vbscript:msgbox(1)>'],
    ['a javascript: link with a title', '[x](javascript:alert(1) "title")'],
    ['a style attribute with a javascript: url', '<div style="background:url(javascript:alert(1))">x</div>'],
    ['nested mXSS-style markup', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
  ];

  // Only the markup is checked: text is always escaped (`<` becomes `&#x3C;`), so a
  // dropped autolink may harmlessly leave `javascript:alert(1)` as the link's text.
  const TAG = /<(?:[^>"']|"[^"]*"|'[^']*')*>/g;

  it.each(hostile)('should neutralise %s', (_, markdown) => {
    const { html, messages } = render(markdown);
    expect(messages).toEqual([]);
    expect(html).toBeTypeOf('string');
    const markup = (html ?? '').match(TAG) ?? [];
    expect(markup.join('')).not.toMatch(/<script|\son\w+=|javascript:|vbscript:/i);
  });
});
