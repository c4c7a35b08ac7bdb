#!/usr/bin/env node
// A copy of the shared benchmark corpus generator, so the tests need nothing outside
// the repository; benchmarks use the shared one (scripts/bench).
// Writes N synthetic news stories (Markdown with YAML frontmatter) into a folder,
// the same bytes every time for the same N and seed, so that builds of this
// project and of other generators can be timed on identical input.
//
//   node generate.mjs --count 4000 --out /tmp/corpus-4000 [--seed 1] [--words 600]
//
// Each story: title, date, author, section, tags, summary in frontmatter; a body
// of paragraphs with a heading, a quote, a list, links, emphasis, now and then a
// GFM table, and non-ASCII text. File names are slugs: <slug>.md.
import { mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => {
    if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const count = Number(args.count ?? 1000);
const out = args.out;
const words = Number(args.words ?? 600);
let state = Number(args.seed ?? 1) >>> 0 || 1;
if (!out || !Number.isInteger(count) || count < 1) {
  console.error('usage: node generate.mjs --count N --out DIR [--seed S] [--words W]');
  process.exit(2);
}

function rand() {
  // xorshift32: small, fast, reproducible
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 0x100000000;
}
const pick = (list) => list[Math.floor(rand() * list.length)];
const between = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

const nouns = ['ministry', 'council', 'border', 'tariff', 'budget', 'court', 'harbour', 'reform',
  'election', 'treaty', 'pipeline', 'ceasefire', 'senate', 'coalition', 'market', 'province',
  'agency', 'summit', 'refinery', 'airport', 'railway', 'museum', 'vaccine', 'satellite',
  'currency', 'drought', 'harvest', 'strike', 'parliament', 'inquiry', 'embassy', 'festival'];
const verbs = ['approves', 'rejects', 'delays', 'expands', 'questions', 'unveils', 'weighs',
  'blocks', 'backs', 'reviews', 'signals', 'halts', 'extends', 'proposes', 'defends', 'cuts'];
const adjectives = ['national', 'regional', 'federal', 'coastal', 'northern', 'southern',
  'interim', 'landmark', 'disputed', 'temporary', 'joint', 'emergency', 'long-awaited', 'modest'];
const places = ['México', 'São Paulo', 'Kraków', 'Reykjavík', 'Zürich', 'Montréal', 'Bogotá',
  'Dakar', 'Osaka', 'Tromsø', 'Córdoba', 'Nairobi', 'Hanoi', 'Izmir', 'Valparaíso', 'Gdańsk'];
const people = ['Ana Beltrán', 'Tomasz Wójcik', 'Léa Moreau', 'Kwame Mensah', 'Yuki Tanaka',
  'Sofía Ibáñez', 'Lars Øberg', 'Priya Raman', 'Jonas Müller', 'Chloé Dubois', 'Ömer Aydın'];
const sections = ['world', 'politics', 'business', 'science', 'culture', 'sport'];
const tagPool = ['trade', 'security', 'energy', 'climate', 'health', 'courts', 'elections',
  'diplomacy', 'transport', 'technology', 'labour', 'housing', 'agriculture', 'finance'];
const filler = ['the', 'officials', 'said', 'on', 'that', 'a', 'plan', 'would', 'be', 'in',
  'its', 'first', 'week', 'after', 'talks', 'with', 'local', 'leaders', 'and', 'several',
  'groups', 'over', 'costs', 'while', 'critics', 'argued', 'for', 'more', 'time', 'to',
  'study', 'effects', 'on', 'residents', 'as', 'well', 'as', 'new', 'rules', 'this', 'year'];

const cap = (s) => s[0].toUpperCase() + s.slice(1);
function sentence() {
  const n = between(9, 22);
  const w = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    w.push(r < 0.12 ? pick(nouns) : r < 0.18 ? pick(adjectives) : r < 0.21 ? pick(places) : pick(filler));
  }
  let s = cap(w.join(' '));
  if (rand() < 0.15) s = s.replace(/ (\S+) /, ' *$1* ');
  if (rand() < 0.08) s += ' — ' + pick(filler) + ' ' + pick(nouns);
  return s + '.';
}
function paragraph() {
  const parts = [];
  for (let i = between(2, 5); i > 0; i--) parts.push(sentence());
  if (rand() < 0.2) parts.push(`[Read the ${pick(nouns)} report](https://example.org/${pick(nouns)}/${between(1, 9999)}).`);
  return parts.join(' ');
}
function body(target) {
  const blocks = [];
  let n = 0;
  while (n < target) {
    const r = rand();
    let b;
    if (r < 0.07 && blocks.length > 1) b = `## ${cap(pick(adjectives))} ${pick(nouns)} in ${pick(places)}`;
    else if (r < 0.13) b = `> “${sentence()}” said ${pick(people)}.`;
    else if (r < 0.18) b = [1, 2, 3].map(() => `- ${sentence()}`).join('\n');
    else if (r < 0.2) b = `| ${cap(pick(nouns))} | 2024 | 2025 |\n| --- | ---: | ---: |\n` +
      [1, 2, 3].map(() => `| ${cap(pick(nouns))} | ${between(1, 900)} | ${between(1, 900)} |`).join('\n');
    else b = paragraph();
    blocks.push(b);
    n += b.split(/\s+/).length;
  }
  return blocks.join('\n\n');
}

if (existsSync(out)) rmSync(out, { recursive: true });
mkdirSync(out, { recursive: true });
const start = Date.UTC(2025, 0, 1);
const seen = new Set();
for (let i = 0; i < count; i++) {
  const title = `${cap(pick(adjectives))} ${pick(nouns)} ${pick(verbs)} ${pick(nouns)} plan in ${pick(places)}`;
  let slug = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  while (seen.has(slug)) slug += `-${i}`;
  seen.add(slug);
  const date = new Date(start + i * 37 * 60 * 1000 + between(0, 3000) * 1000);
  const tags = [...new Set([pick(tagPool), pick(tagPool)])];
  const front = [
    '---',
    `title: "${title}"`,
    `date: ${date.toISOString().replace('.000Z', 'Z')}`,
    `author: ${pick(people)}`,
    `section: ${pick(sections)}`,
    `tags: [${tags.join(', ')}]`,
    `summary: "${sentence()}"`,
    '---',
    '',
  ].join('\n');
  writeFileSync(join(out, `${slug}.md`), front + body(words) + '\n');
}
console.log(`wrote ${count} stories to ${out}`);
