// Fixture tests for the Markdown stage, in the style of the unified collective:
// each folder under tests/fixtures/markdown/ holds an `input.md` and the exact
// `output.html` the real processor must produce for it; optionally the settings
// it runs with (`options.json`, MarkdownOptions) and the exact messages it gives
// (`messages.txt`, one a line; none when absent).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Element, Nodes } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import type { Story } from '../src/content/read-story.js';
import { createMarkdownProcessor, renderMarkdown, type MarkdownOptions, type MarkdownProcessor } from '../src/markdown/processor.js';

const FIXTURES = new URL('fixtures/markdown/', import.meta.url);

const processors = new Map<string, MarkdownProcessor>();
const processorWith = (options: Partial<MarkdownOptions>): MarkdownProcessor => {
  const key = JSON.stringify(options);
  let processor = processors.get(key);
  if (!processor) processors.set(key, (processor = createMarkdownProcessor(options)));
  return processor;
};

/** Run `markdown` through the Markdown stage the way a build does; each message as `place: reason (rule)`. */
function render(markdown: string, options: Partial<MarkdownOptions> = {}): { html: string | undefined; messages: string[] } {
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
  renderMarkdown(processorWith(options), file);
  return { html: file.data.html, messages: file.messages.map((message) => `${String(message)} (${message.ruleId})`) };
}

const read = (name: string, file: string) => readFileSync(fileURLToPath(new URL(`${name}/${file}`, FIXTURES)), 'utf8');
const readIf = (name: string, file: string) => (existsSync(new URL(`${name}/${file}`, FIXTURES)) ? read(name, file) : undefined);

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
      const options = JSON.parse(readIf(name, 'options.json') ?? '{}') as Partial<MarkdownOptions>;
      const messages = (readIf(name, 'messages.txt') ?? '').split('\n').filter((line) => line !== '');
      expect(render(read(name, 'input.md'), options)).toEqual({ html: read(name, 'output.html'), messages });
    });
  }
});

describe('markdown safety', () => {
  // [what, Markdown, the rules of the messages it gives (none when absent)]. OWASP's XSS
  // filter evasion cheat sheet and the DOMPurify bypasses are where most of these come from.
  const hostile: Array<[string, string, string[]?]> = [
    ['a raw script element', '<script>alert(1)</script>'],
    ['an inline script element', 'Text <script>alert(1)</script> more'],
    // Kept as an image of a file beside the story, which is missing: a writer's error like any other.
    ['an img with onerror', '<img src=x onerror=alert(1)>', ['media/alt', 'media/missing']],
    ['an svg with onload', '<svg onload=alert(1)>'],
    ['an iframe with a javascript: src', '<iframe src="javascript:alert(1)"></iframe>', ['markdown/embed-url']],
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
    ['an img with onerror and an address', '<img src="https://cdn.example.org/a.png" alt="A" onerror="alert(1)">'],
    ['an img with quoted-out onerror', '<img """><script>alert(1)</script>">'],
    ['an img with a javascript: srcset', '<img srcset="javascript:alert(1) 1x" alt="A">'],
    ['an img with dynsrc and lowsrc', '<img dynsrc="javascript:alert(1)" lowsrc="javascript:alert(1)" alt="A">'],
    ['an svg with a script', '<svg><script>alert(1)</script></svg>'],
    ['an svg animation with onbegin', '<svg><animate onbegin=alert(1) attributeName=x dur=1s>'],
    ['an svg link to javascript:', '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>'],
    ['a math element with xlink:href', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>'],
    ['a body with onload', '<body onload=alert(1)>'],
    ['a details element with ontoggle', '<details open ontoggle=alert(1)><summary>x</summary></details>'],
    ['an input with onfocus and autofocus', '<input onfocus=alert(1) autofocus>'],
    ['a marquee with onstart', '<marquee onstart=alert(1)>x</marquee>'],
    ['a mixed-case raw javascript: link', '<a href="jAvAsCrIpT:alert(1)">x</a>'],
    ['an entity-encoded raw javascript: link', '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'],
    ['a raw javascript&colon; link', '<a href="javascript&colon;alert(1)">x</a>'],
    ['a raw javascript: link with a tab inside', '<a href="jav&#x09;ascript:alert(1)">x</a>'],
    ['a raw javascript: link with a leading control character', '<a href="&#x01;javascript:alert(1)">x</a>'],
    ['a raw data: link', '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>'],
    ['a raw javascript: blockquote cite', '<blockquote cite="javascript:alert(1)">x</blockquote>'],
    ['a video with a javascript: poster', '<video poster="javascript:alert(1)" src="javascript:alert(2)"></video>'],
    ['a table with a javascript: background', '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'],
    ['an iframe with srcdoc', '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', ['markdown/embed-url']],
    ['an iframe with a data: src', '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>', ['markdown/embed-url']],
    ['a frameset', '<frameset onload=alert(1)><frame src="javascript:alert(1)"></frameset>'],
    ['a base element', '<base href="https://evil.example/">'],
    ['a meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
    ['a link element', '<link rel="stylesheet" href="https://evil.example/x.css">'],
    ['a form with an action', '<form action="javascript:alert(1)"><button>x</button></form>'],
    ['a button with formaction', '<button formaction="javascript:alert(1)">x</button>'],
    ['an object with data', '<object data="javascript:alert(1)"></object>'],
    ['an embed element', '<embed src="javascript:alert(1)">'],
    ['a style element with @import', "<style>@import 'https://evil.example/x.css';</style>"],
    ['a template element', '<template><img src=x onerror=alert(1)></template>'],
    ['nested script tags', '<<script>script>alert(1)<</script>/script>'],
    ['an unclosed script element', '<script>alert(1)'],
    ['an unclosed img tag', '<img src="https://cdn.example.org/a.png" alt="A" onerror="alert(1)"'],
    ['a comment before a script', '<!-- --><script>alert(1)</script>'],
    ['a script inside a comment', '<!--<script>alert(1)</script>-->'],
    ['a conditional comment', '<!--[if gte IE 4]><script>alert(1)</script><![endif]-->'],
    ['a CDATA section', '<![CDATA[<script>alert(1)</script>]]>'],
    ['a javascript: link in Markdown inside raw HTML', '<div>\n\n[x](javascript:alert(1))\n\n</div>'],
  ];

  // Only the markup is checked: text is always escaped (`<` becomes `&#x3C;`), so a
  // dropped autolink may harmlessly leave `javascript:alert(1)` as the link's text.
  const TAG = /<(?:[^>"']|"[^"]*"|'[^']*')*>/g;
  const ruleOf = (message: string) => /\(([^()]+)\)$/.exec(message)?.[1];

  it.each(hostile)('should neutralise %s', (_, markdown, rules = []) => {
    const { html, messages } = render(markdown);
    expect(messages.map(ruleOf)).toEqual(rules);
    expect(html).toBeTypeOf('string');
    const markup = (html ?? '').match(TAG) ?? [];
    expect(markup.join('')).not.toMatch(/<script|\son\w+=|javascript:|vbscript:/i);
  });

  it.each(hostile)('should leave nothing that runs, loads or navigates, in the parsed output, of %s', (_, markdown) => {
    expect(unsafeParts(render(markdown).html ?? '')).toEqual([]);
  });

  // Mutation XSS: markup that a parser would read differently the second time. What is
  // left may hold markup as the text of an attribute (harmless there), so the output
  // is checked as a browser reads it, and must read the same when parsed again.
  const mutations: Array<[string, string]> = [
    ['a noscript closed inside an attribute', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'],
    ['a style closed inside an attribute in svg', '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'],
    ['a form and mglyph namespace confusion', '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>'],
    ['a textarea closed inside an attribute in math', '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">'],
    ['an svg style holding an img', '<svg><style><img src=x onerror=alert(1)></style></svg>'],
    ['an xmp closed inside an attribute', '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>'],
    ['a textarea closed inside an attribute', '<textarea><p title="</textarea><img src=x onerror=alert(1)>">'],
    ['a template in a select', '<select><template><style><img src=x onerror=alert(1)></style></template></select>'],
    ['a title attribute closing its tag', '<a title="</a><img src=x onerror=alert(1)>">x</a>'],
  ];

  it.each(mutations)('should leave nothing that runs, and nothing that reads differently when parsed again, of %s', (_, markdown) => {
    const html = render(markdown).html ?? '';
    expect(unsafeParts(html)).toEqual([]);
    expect(toHtml(fromHtml(html, { fragment: true }))).toBe(html);
  });
});

// Elements that run, load or submit something, or hold markup a parser reads its own way.
const UNSAFE_ELEMENTS = new Set(['script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'meta', 'link', 'form', 'button', 'textarea', 'select', 'svg', 'math', 'noscript', 'template', 'xmp', 'noembed', 'noframes', 'plaintext', 'marquee', 'body']);
// Properties holding an address: none may be javascript:, vbscript: or data:.
const URL_PROPERTIES = new Set(['href', 'src', 'srcset', 'cite', 'poster', 'action', 'formaction', 'data', 'background', 'longdesc', 'dynsrc', 'lowsrc', 'xlinkhref', 'codebase']);
const UNSAFE_PROPERTIES = new Set(['style', 'srcdoc', 'formaction', 'action', 'xlinkhref', 'autofocus', 'httpequiv']);

/** What, in `html` parsed as a browser would, could run script, load a page or leave it: `<script>`, `onerror`, `href=javascript:…`. */
function unsafeParts(html: string): string[] {
  const found: string[] = [];
  visit(fromHtml(html, { fragment: true }) as Nodes, (node) => {
    if (node.type === 'comment') found.push(`<!--${node.value}-->`);
    if (node.type !== 'element') return;
    const element = node as Element;
    if (UNSAFE_ELEMENTS.has(element.tagName)) found.push(`<${element.tagName}>`);
    if (element.tagName === 'input' && element.properties.type !== 'checkbox') found.push('<input> that is not a checkbox');
    for (const [key, value] of Object.entries(element.properties)) {
      const name = key.toLowerCase();
      const text = (Array.isArray(value) ? value.join(' ') : String(value)).replace(/[\u0000-\u0020]/g, '');
      if (name.startsWith('on') || UNSAFE_PROPERTIES.has(name)) found.push(`${element.tagName}[${key}]`);
      if (URL_PROPERTIES.has(name) && /(?:java|vb|live)script:|(?:^|,)data:/i.test(text)) found.push(`${element.tagName}[${key}=${text}]`);
    }
  });
  return found;
}
