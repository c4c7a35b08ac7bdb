// Property-based tests: sites of a few random stories (tests/story-arbitraries.ts:
// frontmatter valid or broken, any type in any field, random keys, Markdown mixing
// every construct with raw HTML, script URLs, unicode and control characters),
// built in-process. Whatever the input, Broadsheet must answer like a compiler —
// exit 0 or 1, one `path:line:column  severity  message  (rule)` line a problem,
// never a stack trace or an internal error — and what it publishes must be safe:
// pages that parse as HTML without errors, no script but the JSON-LD block, no
// event-handler attribute, no javascript: URL, feeds and sitemaps XML can hold.
//
// Seeded and bounded so it takes seconds; run it longer with, e.g.,
//   PROPERTY_RUNS=2000 npx vitest run tests/properties.test.ts
// and another seed with PROPERTY_SEED=…; a failure prints the seed and path that
// replay it, and the shrunk site. Each crash it found is kept as a fixture case in
// tests/sites-invalid/ or tests/sites-odd.test.ts.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { REPO, run, scratch, snapshotTree } from './helpers.js';
import { nested, nestedBody, NESTING_KINDS, storyFile, storyName } from './story-arbitraries.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const NESTING_RUNS = Math.ceil(RUNS / 2);
const SEED = Number(process.env.PROPERTY_SEED ?? 20_250_502);

const MESSAGE = /^(.+):(\d+):(\d+) {2}(error|warning) {2}(\S.*) {2}\(([\w-]+\/[\w-]+)\)$/;
const BUILD_SUMMARY = /^\d+ errors?(, \d+ warnings?)?; nothing was written, dist\/ is as it was\.$/;
const CHECK_SUMMARY = /^\d+ errors?(, \d+ warnings?)?\.$/;
// XML 1.0 holds tab, line breaks and U+0020 on, but not surrogates, U+FFFE or U+FFFF.
const NOT_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formAction', 'xLinkHref', 'poster', 'cite', 'data', 'srcSet']);

const site = fc.uniqueArray(fc.tuple(storyName, storyFile), { minLength: 1, maxLength: 2, selector: ([name]) => name.toLowerCase() });

/** Every problem with the run's output, as text, so a failure shows all of them at once; and the message lines. */
async function problems(dir: string, command: 'build' | 'check'): Promise<{ found: string[]; messages: string[] }> {
  const found: string[] = [];
  const result = await run([command, '--no-cache'], dir);
  const messages = result.stderr.split('\n').filter((line) => MESSAGE.test(line));
  if (result.code !== 0 && result.code !== 1) found.push(`exit code ${result.code}`);
  for (const output of [result.stdout, result.stderr]) {
    if (/^\s+at /m.test(output)) found.push(`stack trace in\n${output}`);
    if (/internal error/i.test(output)) found.push(`internal error:\n${output}`);
  }
  const lines = result.stderr.split('\n');
  if (lines.pop() !== '') found.push('stderr does not end with a line break');
  const summary = result.code === 1 ? lines.splice(-2) : [];
  if (result.code === 1 && (summary[0] !== '' || !(command === 'build' ? BUILD_SUMMARY : CHECK_SUMMARY).test(summary[1] ?? ''))) found.push(`summary: ${JSON.stringify(summary)}`);
  for (const line of lines) if (!MESSAGE.test(line)) found.push(`not a message line: ${JSON.stringify(line)}`);
  if (result.code === 1 && !lines.some((line) => MESSAGE.exec(line)?.[4] === 'error')) found.push('exit 1 without an error');
  if (command === 'check' || result.code !== 0) return { found, messages };

  const dist = join(dir, 'dist');
  for (const [path, text] of Object.entries(await snapshotTree(dist))) {
    const content = Buffer.from(text, 'latin1').toString('utf8');
    if (path.endsWith('.html')) found.push(...unsafeHtml(path, content));
    if (/\.(xml|txt)$/.test(path) && NOT_XML.test(content)) found.push(`${path} holds a character XML cannot: U+${content.codePointAt(content.search(NOT_XML))?.toString(16)}`);
  }
  return { found, messages };
}

function unsafeHtml(path: string, html: string): string[] {
  const found: string[] = [];
  fromHtml(html, { onerror: (error) => void found.push(`${path}:${error.line}:${error.column} HTML parse error: ${error.reason}`) });
  visit(fromHtml(html), 'element', (node: Element) => {
    if (node.tagName === 'script' && node.properties.type !== 'application/ld+json') found.push(`${path}: <script ${JSON.stringify(node.properties)}>`);
    for (const [name, value] of Object.entries(node.properties)) {
      if (/^on/i.test(name)) found.push(`${path}: <${node.tagName} ${name}>`);
      const text = (Array.isArray(value) ? value.join(' ') : String(value)).replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
      if (URL_ATTRIBUTES.has(name) && /^(javascript|vbscript|data):/.test(text)) found.push(`${path}: <${node.tagName} ${name}="${String(value)}">`);
    }
  });
  return found;
}

describe('any site of random stories', () => {
  it(`should exit 0 or 1 with positioned messages, and publish only safe pages (${RUNS} runs, seed ${SEED})`, async () => {
    const root = await scratch();
    let count = 0;
    let built = 0;
    try {
      await fc.assert(
        fc.asyncProperty(site, async (stories) => {
          const dir = join(root, `site-${count++}`);
          await cp(join(REPO, 'templates'), join(dir, 'templates'), { recursive: true });
          await cp(join(REPO, 'broadsheet.yaml'), join(dir, 'broadsheet.yaml'));
          for (const [name, text] of stories) {
            await mkdir(dirname(join(dir, 'content', name)), { recursive: true });
            await writeFile(join(dir, 'content', name), text);
          }
          try {
            const checked = await problems(dir, 'check');
            const made = await problems(dir, 'build');
            expect([...checked.found, ...made.found]).toEqual([]);
            expect(checked.messages, 'check prints what build prints').toEqual(made.messages);
            if (existsSync(join(dir, 'dist'))) built++;
            else expect((await readdir(dir)).filter((entry) => entry.startsWith('.dist.')), 'staging folders').toEqual([]);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    // The generators must let enough sites build for the page properties to be tested at all.
    expect(built, 'sites that built').toBeGreaterThanOrEqual(Math.ceil(RUNS / 5));
  }, Math.max(60_000, RUNS * 1_000));

  const EDGES = NESTING_KINDS.flatMap((kind) => [40, 101].map((depth): [{ depth: number; kind: string; body: string }] => [{ depth, kind, body: nestedBody(depth, kind) }]));
  it(`should render Markdown nested to any depth, or refuse it as markdown/nesting (${NESTING_RUNS} runs and ${EDGES.length} at the edges)`, async () => {
    const root = await scratch();
    let count = 0;
    try {
      await fc.assert(
        fc.asyncProperty(nested, async ({ depth, kind, body }) => {
          const dir = join(root, `site-${count++}`);
          await cp(join(REPO, 'templates'), join(dir, 'templates'), { recursive: true });
          await cp(join(REPO, 'broadsheet.yaml'), join(dir, 'broadsheet.yaml'));
          await mkdir(join(dir, 'content'));
          await writeFile(join(dir, 'content', 'deep.md'), `---\ntitle: "Deep"\ndate: 2025-05-02\n---\n\n${body}\n`);
          try {
            const result = await run(['check', '--no-cache'], dir);
            const rules = [...result.stderr.matchAll(/ {2}\(([\w-]+\/[\w-]+)\)$/gm)].map((match) => match[1]);
            const outcome = { code: result.code, rules: [...new Set(rules)] };
            const rendered = { code: 0, rules: [] };
            const refused = { code: 1, rules: ['markdown/nesting'] };
            // Shallow enough in every kind (a mixed level is two): rendered. Lists, quotes and
            // brackets deeper than MAX_NESTING (100): refused. In between, and emphasis, which
            // nests by pairs of markers, may go either way, but only these two.
            if (depth <= 40) expect(outcome).toEqual(rendered);
            else if (depth > 100 && kind !== 'emphasis') expect(outcome).toEqual(refused);
            else expect([rendered, refused]).toContainEqual(outcome);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        }),
        // Before the random ones (examples count among the runs), each kind at the depths either side of the line.
        { seed: SEED, numRuns: NESTING_RUNS + EDGES.length, examples: EDGES },
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, Math.max(60_000, NESTING_RUNS * 10_000));
});
