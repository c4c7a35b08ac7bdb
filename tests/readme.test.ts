// Every number README states about the code is true of it: each claim is found in
// README by its words and compared with what the code or the tests hold, so a count
// that drifts (a fixture added, a limit moved) fails here instead of misleading readers.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const source = (path: string) => readFileSync(join(REPO, path), 'utf8');
const number = (text: string) => Number(text.replaceAll(',', ''));

/** The number a constant `name` is set to in `path`: `NAME = 1_000`, `name: 400`, `NAME = 2 * 2 ** 20`, `Number(process.env.X ?? 16)`. */
function constant(path: string, name: string): number {
  const found = new RegExp(`${name}\\s*[=:]\\s*(?:Number\\([^?]*\\?\\?\\s*)?([\\d_ *]+)`).exec(source(path));
  if (!found) throw new Error(`No ${name} in ${path}`);
  // Only digits, spaces and `*`/`**` were matched: a product of powers, worked out here.
  const factors = (found[1] as string).replaceAll('_', '').trim().split(/\s*(?<!\*)\*(?!\*)\s*/);
  return factors.reduce((product, factor) => product * factor.split(/\s*\*\*\s*/).map(Number).reduceRight((power, base) => base ** power), 1);
}

/** How many entries the array literal `const name … = [` in `path` has: the lines at its first entry's indent that start like `entry`. */
function entries(path: string, name: string, entry: RegExp): number {
  const lines = source(path).split('\n');
  const start = lines.findIndex((line) => line.includes(`const ${name}`));
  if (start === -1) throw new Error(`No ${name} in ${path}`);
  const body = lines.slice(start + 1, lines.findIndex((line, index) => index > start && /^\s*\];/.test(line)));
  const indent = /^\s*/.exec(body[0] ?? '')?.[0].length;
  return body.filter((line) => /^\s*/.exec(line)?.[0].length === indent && entry.test(line)).length;
}

const claims: Array<[string, RegExp, () => number]> = [
  ['broken sites, one folder each', /(\d+) broken sites/, () => readdirSync(join(REPO, 'tests/sites-invalid')).length],
  ['odd but valid sites, one test each', /(\d+) odd but valid sites/, () => (source('tests/sites-odd.test.ts').match(/^\s+it\(/gm) ?? []).length],
  ['XSS payloads', /(\d+) XSS payloads/, () => entries('tests/markdown.test.ts', 'hostile', /^\s+\['/)],
  ['mutation-XSS shapes', /(\d+) mutation-XSS shapes/, () => entries('tests/markdown.test.ts', 'mutations', /^\s+\['/)],
  ['hostile SVG shapes', /svg-scripting\.test\.ts`, (\d+) hostile shapes/, () => entries('tests/svg-scripting.test.ts', 'hostile', /^\s+\['/)],
  ['kills in the crash test', /at (\d+) seeded random moments/, () => constant('tests/crash.test.ts', 'KILLS')],
  ['kinds of random edit', /sequences of (\d+) kinds of edit/, () => entries('tests/incremental-random.test.ts', 'choices', /^\s+\(\) =>/)],
  ['the quiet time of a burst in dev', /waits for (\d+) ms of quiet/, () => constant('src/dev/watch-queue.ts', 'burstQuietMs')],
  ['stories before the Markdown pool starts', /once (\d+) or more stories need rendering/, () => constant('src/markdown/load-stories.ts', 'POOL_FROM')],
  ['pages before the page pool starts', /once more than (\d+) pages are left/, () => constant('src/render/page-renderer.ts', 'POOL_FROM')],
  ['stories before a progress line', /for sites of (\d+) stories or more/, () => constant('src/cli/progress.ts', 'PROGRESS_FROM')],
  ['the nesting limit', /at most (\d+) levels deep/, () => constant('src/markdown/nesting.ts', 'MAX_NESTING')],
  ['the largest story, in MB', /A story may be at most (\d+) MB/, () => constant('src/content/read-story.ts', 'MAX_STORY_BYTES') / 2 ** 20],
  ['saves in the dev storm', /Through ([\d,]+) rapid saves/, () => constant('tests/dev-storms.test.ts', 'SAVES')],
];

describe('README', () => {
  it.each(claims)('should state the true number of %s', (_, claim, truth) => {
    const found = claim.exec(README);
    expect(found, `README no longer says ${claim}`).not.toBeNull();
    expect(number((found as RegExpExecArray)[1] as string)).toBe(truth());
  });
});
