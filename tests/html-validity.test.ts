// Every page Broadsheet writes is valid HTML: html-validate with its recommended
// rules reports nothing on any page of the example site, nor on a scratch site
// that uses every Markdown feature a writer has (tables, footnotes, code, quotes,
// nested lists, raw HTML the news schema keeps, an embed), bylines, tags, sections,
// aliases, a lead image, pagination and awkward headlines. And the lead article stays light: its HTML and stylesheets
// together are under 30 KB before compression.
import { appendFile, cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { HtmlValidate, type ConfigData } from 'html-validate';
import { visit } from 'unist-util-visit';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildExampleSite, REPO, run, scratch, png } from './helpers.js';

const ARTICLE = 'sheinbaum-rejects-trump-proposal-to-send-u-s-troops-to-mexico-citing-sovereignty';

const config: ConfigData = {
  extends: ['html-validate:recommended'],
  rules: {
    // The HTML spec matches `<!DOCTYPE` ASCII case-insensitively, so either case is
    // valid; the project writes it lowercase (tests/example-site.test.ts pins
    // `<!doctype html>`). The rule stays on, checking that one style is used throughout.
    'doctype-style': ['error', { style: 'lowercase' }],
    // A search-snippet heuristic, not validity or accessibility: the HTML spec sets
    // no limit on <title>, and WCAG 2.4.2 asks that the title describe the page,
    // which for a story is its full headline (plus the site name). Newsroom
    // headlines run past 70 characters; cutting them would hide the topic.
    'long-title': 'off',
  },
};
const validator = new HtmlValidate(config);

/** Every `.html` file under `dir`, relative to it, sorted. */
async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** Validate every page under `dir`: one `file:line:column  rule  message` line per error. */
async function validateSite(dir: string): Promise<{ pages: string[]; errors: string[] }> {
  const pages = await htmlFiles(dir);
  const errors: string[] = [];
  for (const page of pages) {
    const report = await validator.validateString(await readFile(join(dir, page), 'utf8'), page);
    for (const result of report.results)
      for (const message of result.messages)
        if (message.severity === 2) errors.push(`${page}:${message.line}:${message.column}  ${message.ruleId}  ${message.message}`);
  }
  if (errors.length > 0) console.error(`html-validate found ${errors.length} errors:\n${errors.join('\n')}`);
  return { pages, errors };
}


const FEATURES = `Lead paragraph with *emphasis*, **strong words**, ~~a retraction~~, \`inline code\`
and a link to [the council](https://council.example.org/minutes?year=2025&item=4 "Minutes"),
to [another story](/zurich-cafe/) and an autolink: https://example.org/path.

## Who pays

The cost was shared three ways.[^cost] Officials disputed the figures.[^dispute]

| Party | Share | Amount (€m) |
| :---- | :---: | ----------: |
| City | 50 % | 120.5 |
| Region | 30 % | 72.3 |
| State | 20 % | 48.2 |

### What changes for commuters

1. Buses
   - Route 4 moves to the bridge
   - Route 9 is cut
     1. From March
     2. Until further notice
2. Bicycles
   * A lane each way

- [x] Opened
- [ ] Tolls decided

![The bridge from the water](photo.png)

> “It is two years late,” said the mayor. “But it is here.”
>
> > A quote within the quote.

## The data

\`\`\`js
const toll = (axles) => (axles > 2 ? 4.5 : 0) // no toll for cars
console.log("<b>not markup</b>", toll(3))
\`\`\`

    an indented code block

---

A hard line break:\\
second line.

[^cost]: Figures from the city budget, page 12.
[^dispute]: The region says its share was 25 %.
`;

// Everything the news schema keeps of raw HTML (src/markdown/sanitize-schema.ts), and some of what it drops.
const RAW_HTML = `<figure>
  <img src="https://cdn.example.org/bridge.jpg" alt="Traffic on the bridge" width="1200" height="800" loading="lazy" onerror="alert(1)">
  <figcaption>The first cars cross. <cite>Photo: Ana Beltrán</cite></figcaption>
</figure>

<picture>
  <source srcset="https://cdn.example.org/bridge.avif 1x, https://cdn.example.org/bridge@2x.avif 2x" type="image/avif">
  <img src="https://cdn.example.org/bridge.jpg" alt="The bridge from the water" width="800" height="533">
</picture>

<table>
  <caption>Who pays (€m)</caption>
  <colgroup><col><col span="2"></colgroup>
  <thead><tr><th scope="col">Party</th><th scope="col">Share</th><th scope="col">Amount</th></tr></thead>
  <tbody><tr><th scope="row">City</th><td>50 %</td><td>120.5</td></tr><tr><th scope="row">Others</th><td colspan="2">Disputed</td></tr></tbody>
</table>

<blockquote cite="https://council.example.org/minutes"><p>It is two years late.</p></blockquote>

The <abbr title="European Central Bank">ECB</abbr> met on <time datetime="2025-03-04">Tuesday</time>: <q cite="https://ecb.example.org/">temporary</q>, <mark>25 basis points</mark>, <small>rounded</small>, <dfn>bp</dfn>, <cite>The Broadsheet</cite>.

<details>
<summary>How we counted</summary>

We added the **council's** figures to the region's.

</details>

<video src="https://media.example.org/bridge.mp4" poster="https://media.example.org/bridge.jpg" width="640" height="360" preload="metadata" autoplay>
  <track kind="captions" src="https://media.example.org/bridge.en.vtt" srclang="en" label="English" default>
</video>

<audio preload="none"><source src="https://media.example.org/interview.mp3" type="audio/mpeg"></audio>

<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video: the mayor opens the bridge" width="560" height="315" frameborder="0" allow="autoplay"></iframe>

<script>alert(1)</script><style>p { color: red }</style><p style="color: red" id="intro">Styled.</p>
`;

/** Stories for a scratch site that exercises every feature of a page, and enough of them to paginate. */
function scratchStories(): Record<string, string> {
  const stories: Record<string, string> = {
    'harbour-bridge.md': `---
title: "Mayor opens the harbour bridge"
date: 2025-03-04T18:15:00+01:00
updated: 2025-03-05T08:00:00Z
author: Ana Beltrán
section: City
tags: [transport, city hall, "São Paulo"]
summary: The bridge opened to traffic on Tuesday, two years late.
image: photo.png
image_alt: "Traffic crossing the new harbour bridge at dusk"
aliases: [old-harbour-bridge, /2019/05/bridge.html]
---

${FEATURES}`,
    'zurich-cafe.md': `---
title: "Zürich’s “Café Ångström” & 'Ça va' — \\"quoted\\" <b>not bold</b> 東京 🚋"
date: 2025-03-03T12:00:00Z
author: "Zoë O'Brien"
section: Économie
tags: [café, "naïve & <odd>"]
summary: "Ünïcödé, “curly” and \\"straight\\" quotes, <angle brackets> & ampersands."
---

Ünïcödé in the body too: “¿Qué?” — 東京.
`,
    'raw-html.md': `---
title: "Raw HTML, as a newsroom writes it"
date: 2025-03-01T12:00:00Z
summary: Figures, pictures, captioned tables, media and an embed, sanitized.
---

${RAW_HTML}`,
    'script-in-headline.md': `---
title: "</script><script>alert(1)</script> and <!--<script> in a headline"
date: 2025-03-02T12:00:00Z
summary: "A summary that says </script> and <!-- too"
tags: ["</script>"]
---
`,
  };
  // 30 more, so the home page and the World section and the "filler" tag run to a second page.
  for (let i = 1; i <= 30; i++) {
    const n = String(i).padStart(2, '0');
    const body = i % 3 === 0 ? '' : `Paragraph ${n} of the story.\n\nA second paragraph.\n`;
    stories[`filler-${n}.md`] = `---
title: "Filler story ${n}"
date: 2025-01-${n}T${String(i % 24).padStart(2, '0')}:00:00Z
author: ${i % 2 ? 'Ana Beltrán' : 'Kwame Mensah'}
section: ${i % 4 ? 'World' : 'Business'}
tags: [filler${i % 5 ? '' : ', round number'}]
---

${body}`;
  }
  return stories;
}

describe('valid HTML: the example site', () => {
  let example: string;

  beforeAll(async () => {
    example = await buildExampleSite();
  });

  it('should report no html-validate errors on any page of the example site', async () => {
    const { pages, errors } = await validateSite(example);
    // All 17 stories, the home page and the 404 page, at the least.
    expect(pages).toContain('index.html');
    expect(pages).toContain('404.html');
    expect(pages).toContain(`${ARTICLE}/index.html`);
    expect(pages.filter((page) => /^[a-z0-9-]+\/index\.html$/.test(page)).length).toBeGreaterThanOrEqual(17);
    expect(errors).toEqual([]);
  });

  it('should keep the lead article and its stylesheets under 30 KB together', async () => {
    const page = join(example, ARTICLE, 'index.html');
    const html = await readFile(page, 'utf8');
    const stylesheets: string[] = [];
    visit(fromHtml(html), 'element', (node: Element) => {
      const rel = node.properties['rel'];
      if (node.tagName === 'link' && Array.isArray(rel) && rel.includes('stylesheet')) stylesheets.push(String(node.properties['href']));
    });
    expect(stylesheets.length, 'the article should link a stylesheet').toBeGreaterThan(0);
    const sizes: [string, number][] = [[`${ARTICLE}/index.html`, (await stat(page)).size]];
    for (const href of stylesheets) {
      // Same-site stylesheets only: a stylesheet elsewhere could not be measured (nor should there be one).
      const url = new URL(href, `https://broadsheet.example.org/${ARTICLE}/`);
      expect(url.origin, `${href} should be on the site`).toBe('https://broadsheet.example.org');
      const file = join(example, decodeURIComponent(url.pathname));
      sizes.push([relative(example, file), (await stat(file)).size]);
    }
    const total = sizes.reduce((sum, [, size]) => sum + size, 0);
    console.log(`Lead article weight, uncompressed:\n${sizes.map(([file, size]) => `  ${String(size).padStart(6)} B  ${file}`).join('\n')}\n  ${String(total).padStart(6)} B  total (limit 30720 B)`);
    expect(total).toBeLessThan(30 * 1024);
  });
});

describe('valid HTML: a site using every feature', () => {
  let site: string;

  beforeAll(async () => {
    site = await scratch();
    await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
    await cp(join(REPO, 'broadsheet.yaml'), join(site, 'broadsheet.yaml'));
    await appendFile(join(site, 'broadsheet.yaml'), 'embeds: [www.youtube-nocookie.com]\n');
    await mkdir(join(site, 'content'));
    for (const [name, text] of Object.entries(scratchStories())) await writeFile(join(site, 'content', name), text);
    await writeFile(join(site, 'content', 'photo.png'), png(8, 6));
    const built = await run(['build', '--root', site], site);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
  });

  it('should report no html-validate errors on any page of a site using every feature', async () => {
    const dist = join(site, 'dist');
    const { pages, errors } = await validateSite(dist);
    // The pages the features make: stories, paginated home and list pages, alias redirects.
    for (const page of [
      'index.html',
      'page/2/index.html',
      'section/world/index.html',
      'tag/filler/page/2/index.html',
      'author/ana-beltran/index.html',
      'harbour-bridge/index.html',
      'zurich-cafe/index.html',
      'script-in-headline/index.html',
      'raw-html/index.html',
      'old-harbour-bridge/index.html',
      '2019/05/bridge.html',
    ])
      expect(pages).toContain(page);
    expect(pages.length).toBeGreaterThanOrEqual(36);
    // The features really are on the page being validated.
    const html = await readFile(join(dist, 'harbour-bridge/index.html'), 'utf8');
    for (const element of ['<table', '<th', '<pre', '<code', '<blockquote', '<ol', '<ul', '<del', '<sup', '<h2', '<h3', '<hr', '<img', 'type="checkbox"'])
      expect(html, `harbour-bridge should have ${element}`).toContain(element);
    expect(html).toContain('data-footnotes');
    const raw = await readFile(join(dist, 'raw-html/index.html'), 'utf8');
    for (const element of ['<figure', '<figcaption', '<picture', '<source', '<caption', '<col', 'scope="row"', '<abbr', '<time', '<q', '<mark', '<details', '<video', '<track', '<audio', '<iframe'])
      expect(raw, `raw-html should have ${element}`).toContain(element);
    expect(errors).toEqual([]);
  });
});
