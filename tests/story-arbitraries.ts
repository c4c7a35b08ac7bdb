// fast-check generators of hostile stories, for tests/properties.test.ts: frontmatter
// that is valid YAML or broken, with every field given any type and random keys
// beside them, and Markdown mixing every construct with raw HTML, script URLs,
// unicode and control characters. Stories stay small (a few KB), so a run is quick.
import fc from 'fast-check';

/** Text of any code point: control characters, noncharacters, emoji, right-to-left. */
const anyText = fc.string({ unit: 'binary', maxLength: 12 });
/** Text a writer might type, with a few odd characters. */
const words = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('Harbour bridge', 'Mayor', 'Zürich', 'Ελλάδα', '東京', 'مرحبا', 'naïve café', '🌉 bridge', 'AC/DC: “Farewell”', "it's", 'x') },
  { weight: 1, arbitrary: anyText },
);

/** Link targets: hostile schemes (which must come out harmless) and ordinary ones, and now and then one that is broken. */
const url = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      '&#106;avascript:alert(1)',
      'jav&#x09;ascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'https://example.org/a?b=<c>&d="e"',
      '/',
      '#section',
      'mailto:desk@example.org',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('/no-such-story/', 'photo.png', '../../etc/passwd', '"onmouseover="alert(1)') },
);

/** Raw HTML a story might try to smuggle in; it must all be dropped or escaped. */
const rawHtml = fc.constantFrom(
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">click</a>',
  '<svg onload=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<style>body{display:none}</style>',
  '<div onclick="alert(1)">x</div>',
  '<!-- comment --> <!DOCTYPE html>',
  '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '</div></article></body></html>',
  '<textarea><script>alert(1)</script></textarea>',
  '<plaintext>',
);

const inline: fc.Arbitrary<string> = fc.letrec<{ inline: string }>((tie) => ({
  inline: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    words,
    words.map((text) => `*${text}*`),
    words.map((text) => `**${text}**`),
    words.map((text) => `~~${text}~~`),
    words.map((text) => `\`${text}\``),
    fc.tuple(tie('inline'), url).map(([text, target]) => `[${text}](${target})`),
    fc.tuple(words, url, fc.integer({ min: 0, max: 3 })).map(([text, target, chance]) => (chance === 0 ? `![${text}](${target})` : `[${text}]`)),
    url.map((target) => `<${target}>`),
    fc.constantFrom('https://example.org', 'www.example.org', 'desk@example.org'),
    rawHtml,
    fc.constantFrom('&amp;', '&lt;script&gt;', '&#0;', '&#x110000;', '&#106;', '&nbsp;', '&bogus;', '\\*', '\\', '<', '>', '"', "'", '{{ 7 * 7 }}', '{% raw %}'),
    fc.constantFrom('[^1]', '[^note]', '[ref]', '[ref][]'),
    fc.tuple(tie('inline'), tie('inline')).map(([a, b]) => `${a} ${b}`),
  ),
})).inline;

const line = fc.array(inline, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(' '));

const block: fc.Arbitrary<string> = fc.oneof(
  line,
  fc.tuple(fc.integer({ min: 1, max: 7 }), line).map(([level, text]) => `${'#'.repeat(level)} ${text}`),
  fc.tuple(line, fc.constantFrom('===', '---')).map(([text, underline]) => `${text}\n${underline}`),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom('- ', '* ', '+ ', '1. ', '2) ', '- [ ] ', '- [x] '), line), { minLength: 1, maxLength: 6 }).map((items) =>
    items.map(([depth, marker, text]) => `${'  '.repeat(depth)}${marker}${text}`).join('\n'),
  ),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.array(line, { minLength: 1, maxLength: 3 })).map(([depth, lines]) => lines.map((text) => `${'> '.repeat(depth)}${text}`).join('\n')),
  fc.tuple(fc.constantFrom('```', '~~~', '````'), fc.constantFrom('', 'js', 'html', '<script>', 'x" onload="alert(1)'), fc.array(fc.oneof(words, rawHtml), { maxLength: 3 })).map(([fence, lang, lines]) => `${fence}${lang}\n${lines.join('\n')}\n${fence}`),
  fc.array(words, { minLength: 1, maxLength: 3 }).map((lines) => lines.map((text) => `    ${text}`).join('\n')),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), inline).map(([columns, rows, cell]) => {
    const row = `| ${Array.from({ length: columns }, () => cell).join(' | ')} |`;
    const rule = `| ${Array.from({ length: columns }, (_, index) => [':--', '--:', ':-:', '---'][index % 4]).join(' | ')} |`;
    return [row, rule, ...Array.from({ length: rows }, () => row)].join('\n');
  }),
  rawHtml,
  fc.constantFrom('***', '---', '___', '* * *'),
  fc.tuple(fc.constantFrom('1', 'note', 'x'), line).map(([name, text]) => `[^${name}]: ${text}`),
  fc.tuple(fc.constantFrom('ref', 'x'), url).map(([name, target]) => `[${name}]: ${target}`),
);

export const markdown = fc.array(block, { maxLength: 8 }).map((blocks) => blocks.join('\n\n'));

/** A field's value as YAML text: any type, or text that is not YAML at all. */
const scalar = fc.oneof(
  words.map((text) => JSON.stringify(text)),
  words,
  fc.constantFrom('2025-05-02', '2025-05-02T09:30:00Z', '2025-02-30', '1999-12-31T23:59:59+14:00', '0025-01-01', '99999-01-01', 'yesterday', '2025-05-02T25:00:00Z'),
  fc.constantFrom('true', 'false', 'yes', 'null', '~', '', '0', '-1', '1e999', '.nan', '0x1F', '12345'),
  fc.constantFrom('[a, b]', '[]', '{a: 1}', '{}', '[unclosed', '{unclosed', '"unclosed', "'unclosed", '*alias', '&anchor x', '!!binary aGVsbG8=', '!!js/function "f"', '!!timestamp 2025-05-02', '|\n  block text', '>-\n  folded text', '\n  - a\n  - b', '\n  nested: map', '\n\tTabbed: 1'),
  fc.constantFrom('harbour-bridge', 'a', '---', 'Not A Slug', '../etc', '2025', 'index', 'assets', 'tag'),
  anyText.map((text) => JSON.stringify(text)),
);

const quoted = words.map((text) => JSON.stringify(text));
const list = fc.array(words, { minLength: 1, maxLength: 3 }).map((items) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`);
/** A well-typed value for each optional field (title and date come first, from the head). */
const GOOD: Record<string, fc.Arbitrary<string>> = {
  updated: fc.constantFrom('2025-05-03', '2025-05-03T10:00:00+02:00'),
  author: quoted,
  section: quoted,
  tags: list,
  summary: quoted,
  image_alt: quoted,
  draft: fc.constantFrom('false', 'true'),
  aliases: fc.constantFrom('[old-harbour-story]', '[/2019/05/old.html]'),
};

const KEYS = ['title', 'date', 'updated', 'author', 'section', 'tags', 'summary', 'slug', 'draft', 'image', 'image_alt', 'aliases'] as const;
const key = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.constantFrom('titel', '__proto__', 'constructor', '<<', '? [a]', '- x', 'a b', '"quoted"', '') }, { weight: 1, arbitrary: anyText });
const goodField = fc.constantFrom(...Object.keys(GOOD)).chain((name) => (GOOD[name] as fc.Arbitrary<string>).map((value): [string, string] => [name, value]));
const field = fc.oneof({ weight: 6, arbitrary: goodField }, { weight: 1, arbitrary: fc.tuple(key, scalar) });

/** Frontmatter lines: usually a title and a date first (so many stories get to the Markdown), then fields good or bad. */
export const frontmatter = fc
  .tuple(
    fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    fc.uniqueArray(field, { maxLength: 4, selector: ([name]) => name }),
    fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: anyText }, { weight: 1, arbitrary: fc.constantFrom('...', '---', '\t', ' bad: indent', '- list item', '%YAML 1.2') }),
  )
  .map(([valid, fields, noise]) => {
    const head = valid ? ['title: "Harbour bridge opens"', 'date: 2025-05-02'] : [];
    return [...head, ...fields.map(([name, value]) => `${name}: ${value}`), noise].join('\n');
  });

/** A whole story file: frontmatter and Markdown, sometimes with a BOM, CRLF line ends, a missing fence. */
export const storyFile = fc
  .tuple(frontmatter, markdown, fc.oneof({ weight: 10, arbitrary: fc.constant('plain') }, { weight: 1, arbitrary: fc.constantFrom('bom', 'crlf') }, { weight: 1, arbitrary: fc.constantFrom('no-closing-fence', 'no-frontmatter') }))
  .map(([head, body, shape]) => {
    if (shape === 'no-frontmatter') return body;
    if (shape === 'no-closing-fence') return `---\n${head}\n${body}`;
    const text = `---\n${head}\n---\n\n${body}\n`;
    return shape === 'bom' ? `\uFEFF${text}` : shape === 'crlf' ? text.replaceAll('\n', '\r\n') : text;
  });

/** File names: plain, unicode, with spaces, a leading dash, uppercase extension. */
export const storyName = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('harbour-bridge.md', 'Zürich Report.md', '-dash.md', 'UPPER.MD', 'world/nested story.md', 'a.markdown', '2025.md') }, { weight: 1, arbitrary: fc.constantFrom('東京.md', '---.md') });

/** Markdown nested 1 to 3,000 levels deep in one of the ways that once stalled the parser or overflowed the stack; with its depth and kind. */
export const NESTING_KINDS = ['list', 'quote', 'indent', 'brackets', 'emphasis', 'mixed', 'links'];
export const nested = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(...NESTING_KINDS)).map(([depth, kind]) => ({ depth, kind, body: nestedBody(depth, kind) }));

export function nestedBody(depth: number, kind: string): string {
  switch (kind) {
    case 'list':
      return `${'- '.repeat(depth)}x`;
    case 'quote':
      return `${'>'.repeat(depth)} x`;
    case 'indent':
      return Array.from({ length: Math.min(depth, 400) }, (_, level) => `${'  '.repeat(level)}- x`).join('\n');
    case 'brackets':
      return `${'['.repeat(depth)}x${']'.repeat(depth)}`;
    case 'emphasis':
      return `${'*'.repeat(Math.min(depth, 1500))}x${'*'.repeat(Math.min(depth, 1500))}`;
    case 'mixed':
      return `${'> - '.repeat(depth)}x`;
    default:
      return `${'[a '.repeat(Math.min(depth, 1500))}x${'](/)'.repeat(Math.min(depth, 1500))}`;
  }
}
