// remark-typography.ts is remark-smartypants with retext skipped where it cannot
// change anything: the two must give the same tree for any Markdown. Compared on
// the Markdown fixtures, on stories from the shared corpus generator, and on a
// table of punctuation that exercises each rule of retext-smartypants.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkSmartypants from 'remark-smartypants';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import remarkTypography from '../src/markdown/remark-typography.js';
import { REPO, scratch } from './helpers.js';

const reference = unified().use(remarkParse).use(remarkGfm).use(remarkSmartypants, { dashes: 'oldschool' });
const typography = unified().use(remarkParse).use(remarkGfm).use(remarkTypography, { dashes: 'oldschool' });
const ours = (markdown: string) => typography.runSync(typography.parse(markdown));
const theirs = (markdown: string) => reference.runSync(reference.parse(markdown));

const PUNCTUATION = [
  'plain words, no punctuation to change',
  '"It\'s over," she said -- then paused --- and added \'for now\'...',
  'Dots . . . spaced, and.. two, and.... four; an ellipsis… already',
  'Dashes: a--b, a---b, a----b, -- alone, –- mixed, — em, – en, 1990--95',
  "``Backticks'' and 'single' and \"double\" and '80s and rock 'n' roll",
  'He said, "\'Quoted\' words in a larger quote."',
  'A quote around *emphasis*: "*really*" and **"strong"** and [“linked”](https://example.org "t\'s")',
  'Code keeps its quotes: `"x" -- y...` but "around `code`" curls',
  '| "cell" | it\'s -- |\n|---|---|\n| a...b | ``c\'\' |',
  '# "Heading" -- with dashes\n\n> "Quoted" block...\n\n- "item" one\n- it\'s two',
  'Line one "\nline two" and a trailing \'',
  "Nested: 'a \"b\" c' and \"a 'b' c\"",
  'URLs https://example.org/a--b...c and emails x--y@example.org',
  '"\'"\'"\' ...--- \'\'``',
];

describe('typography', () => {
  it('should match remark-smartypants on punctuation of every kind', () => {
    for (const markdown of PUNCTUATION) expect(ours(markdown), markdown).toEqual(theirs(markdown));
  });

  it('should match remark-smartypants on every Markdown fixture', () => {
    const fixtures = join(REPO, 'tests/fixtures/markdown');
    for (const name of readdirSync(fixtures)) {
      const markdown = readFileSync(join(fixtures, name, 'input.md'), 'utf8');
      expect(ours(markdown), name).toEqual(theirs(markdown));
    }
  });

  it('should match remark-smartypants on generated news stories', async () => {
    const dir = await scratch();
    execFileSync(process.execPath, [join(REPO, 'tests/corpus/generate.mjs'), '--count', '150', '--out', dir], { stdio: 'ignore' });
    for (const name of readdirSync(dir)) {
      const markdown = readFileSync(join(dir, name), 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '');
      expect(ours(markdown), name).toEqual(theirs(markdown));
    }
  });
});
