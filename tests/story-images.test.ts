// Images beside stories: found, checked, measured, given a content-hashed address
// under media/ and copied there once; every problem positioned at the image; and
// a rebuild that notices when only an image changed. The images are made here,
// tiny and real (a PNG is zlib-deflated rows with CRCs), so no binary fixtures.
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { createBuildCache, type BuildCache } from '../src/build-cache.js';
import type { Story } from '../src/content/read-story.js';
import { formatMessages } from '../src/report/messages.js';
import { memoryOutput, REPO, scratch, snapshotTree } from './helpers.js';

/** A valid `width`×`height` RGB PNG; `shade` changes its bytes without changing its size. */
function png(width: number, height: number, shade = 0): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const row = Buffer.alloc(1 + width * 3, shade);
  row[0] = 0; // no filter
  const rows = Buffer.concat(Array.from({ length: height }, () => row));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** A 1×1 GIF. */
const GIF = Buffer.from('47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b', 'hex');

const story = (title: string, body: string, frontmatter = '') => `---\ntitle: ${title}\ndate: 2025-03-04T10:00:00Z\n${frontmatter}---\n\n${body}\n`;

/** A site with the fixture templates and `files` (path → contents) on top. */
async function makeSite(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await scratch();
  await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(dir, 'templates'), { recursive: true });
  // List pages became a required template; the shared fixture templates may not have one yet.
  if (!existsSync(join(dir, 'templates/list.liquid'))) await writeFile(join(dir, 'templates/list.liquid'), "{% layout 'base' %}{% block content %}{% endblock %}");
  await writeFile(join(dir, 'broadsheet.yaml'), 'title: Images\nurl: https://news.example.org/\n');
  for (const [path, contents] of Object.entries(files)) await put(dir, path, contents);
  return dir;
}

async function put(dir: string, path: string, contents: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), contents);
}

/** Build in memory: the output files by path, the published stories, and the messages as printed. */
async function buildSite(dir: string, options: { cache?: BuildCache; changed?: string[] } = {}) {
  const cache = options.cache ?? createBuildCache();
  const written = memoryOutput();
  const result = await build({ root: dir, cwd: dir, cache, output: written, changed: options.changed && new Set(options.changed.map((path) => join(dir, path))) });
  const output = [...written.files.keys()];
  const files = Object.fromEntries([...written.files].map(([path, contents]) => [path, Buffer.from(contents)]));
  const stories: Story[] = result.ok ? (cache.site.last?.site.stories ?? []) : [];
  return { ok: result.ok, output, files, stories, messages: formatMessages(result.files, dir) };
}

const page = (built: { files: Record<string, Buffer> }, slug: string) => built.files[`${slug}/index.html`]?.toString('utf8') ?? '';
const media = (built: { output: string[] }) => built.output.filter((path) => path.startsWith('media/'));
const sha8 = async (bytes: Uint8Array) => (await import('node:crypto')).createHash('sha1').update(bytes).digest('hex').slice(0, 8);

describe('story images', () => {
  it('should copy an image beside a story into media/ and give the page its address and size', async () => {
    const photo = png(3, 2);
    const dir = await makeSite({ 'content/2025/harbour.md': story('Harbour', '![Traffic on the bridge](photo.png)'), 'content/2025/photo.png': photo });
    const result = await build({ root: dir, cwd: dir });
    expect(formatMessages(result.files, dir)).toEqual([]);
    const name = `photo.${await sha8(photo)}.png`;
    expect(await readFile(join(dir, 'dist/media', name))).toEqual(photo);
    expect(await readFile(join(dir, 'dist/harbour/index.html'), 'utf8')).toContain(`<img src="../media/${name}" alt="Traffic on the bridge" width="3" height="2">`);
  });

  it('should publish an image in a raw HTML figure like a Markdown one, and check it the same way', async () => {
    const photo = png(3, 2);
    const figure = '<figure>\n  <img src="photo.png" alt="Traffic on the bridge" width="999">\n  <figcaption>The bridge.</figcaption>\n</figure>\n\n<img src="mising.png" alt="Missing">';
    const dir = await makeSite({ 'content/harbour.md': story('Harbour', figure), 'content/photo.png': photo, 'content/missing.png': photo });
    const built = await buildSite(dir);
    expect(built.messages).toEqual(['content/harbour.md:11:1  error  Cannot find the image `mising.png`: there is no file content/mising.png; did you mean `missing.png`?  (media/missing)']);
    await rm(join(dir, 'content/harbour.md'));
    await put(dir, 'content/harbour.md', story('Harbour', figure.slice(0, figure.indexOf('\n\n<img'))));
    const fixed = await buildSite(dir);
    expect(fixed.messages).toEqual([]);
    expect(page(fixed, 'harbour')).toContain(`<figure>\n  <img src="../media/photo.${await sha8(photo)}.png" alt="Traffic on the bridge" width="3" height="2">\n  <figcaption>The bridge.</figcaption>\n</figure>`);
    expect(media(fixed)).toEqual([`media/photo.${await sha8(photo)}.png`]);
  });

  it('should write an image that two stories show only once', async () => {
    const photo = png(4, 4);
    const dir = await makeSite({
      'content/one.md': story('One', '![The bridge](./photo.png)'),
      'content/two.md': story('Two', '![The bridge at night](photo.png)'),
      'content/photo.png': photo,
    });
    const built = await buildSite(dir);
    expect(built.messages).toEqual([]);
    expect(media(built)).toEqual([`media/photo.${await sha8(photo)}.png`]);
    expect(page(built, 'one')).toContain(`src="../media/photo.${await sha8(photo)}.png"`);
    expect(page(built, 'two')).toContain(`src="../media/photo.${await sha8(photo)}.png"`);
  });

  it('should give an image a new address when its bytes change', async () => {
    const dir = await makeSite({ 'content/story.md': story('Story', '![The bridge](photo.png)'), 'content/photo.png': png(2, 2, 10) });
    await build({ root: dir, cwd: dir });
    await writeFile(join(dir, 'content/photo.png'), png(2, 2, 200));
    expect((await build({ root: dir, cwd: dir })).ok).toBe(true);
    const tree = Object.keys(await snapshotTree(join(dir, 'dist/media')));
    expect(tree).toEqual([`photo.${await sha8(png(2, 2, 200))}.png`]);
    expect(await sha8(png(2, 2, 10))).not.toBe(await sha8(png(2, 2, 200)));
  });

  it('should find images in a sub-folder, and name the copy by a URL-safe version of the file name', async () => {
    const photo = png(5, 1);
    const dir = await makeSite({ 'content/world/story.md': story('Story', '![Wide shot](images/Wide%20Shot.png) and ![Again](<./images/Wide Shot.png>)'), 'content/world/images/Wide Shot.png': photo });
    const built = await buildSite(dir);
    expect(built.messages).toEqual([]);
    const address = `../media/wide-shot.${await sha8(photo)}.png`;
    expect(page(built, 'story')).toContain(`<img src="${address}" alt="Wide shot" width="5" height="1"> and <img src="${address}" alt="Again" width="5" height="1">`);
  });

  it('should measure an SVG, and refuse one that could run a script', async () => {
    const dir = await makeSite({
      'content/chart.md': story('Chart', '![Turnout by district](chart.svg)\n\n![Map](map.svg)'),
      'content/chart.svg': '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80"><rect width="120" height="80"/></svg>',
      'content/map.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><a href="&#106;avascript:alert(1)"><rect width="10" height="10"/></a></svg>',
    });
    const built = await buildSite(dir);
    expect(built.messages).toEqual([
      'content/chart.md:8:1  error  `map.svg` contains scripting (a javascript: address); an SVG opened on its own would run it on the site, so it cannot be published; export it again without scripts, or as a PNG  (media/svg-script)',
    ]);
    await writeFile(join(dir, 'content/map.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const fixed = await buildSite(dir);
    expect(page(fixed, 'chart')).toMatch(/<img src="\.\.\/media\/chart\.[0-9a-f]{8}\.svg" alt="Turnout by district" width="120" height="80">/);
  });

  it('should stop at a missing image, say where it looked and suggest a near name, leaving dist/ as it was', async () => {
    const dir = await makeSite({ 'content/2025/story.md': story('Story', 'The bridge opened.\n\nSee ![The bridge](phtoo.png) and ![Crowds](crowd/missing.png).'), 'content/2025/photo.png': png(1, 1) });
    await put(dir, 'dist/index.html', 'previous build\n');
    const before = await snapshotTree(join(dir, 'dist'));
    const result = await build({ root: dir, cwd: dir });
    expect(result.ok).toBe(false);
    expect(formatMessages(result.files, dir)).toEqual([
      'content/2025/story.md:8:5  error  Cannot find the image `phtoo.png`: there is no file content/2025/phtoo.png; did you mean `photo.png`?  (media/missing)',
      'content/2025/story.md:8:34  error  Cannot find the image `crowd/missing.png`: there is no file content/2025/crowd/missing.png; put the image there, or correct the path (it is relative to the story’s folder)  (media/missing)',
    ]);
    expect(await snapshotTree(join(dir, 'dist'))).toEqual(before);
  });

  it('should refuse an image outside the content folder, by path or through a symlink', async () => {
    const dir = await makeSite({ 'content/2025/story.md': story('Story', '![Secret](../../secret.png)\n\n![Linked](linked.png)'), 'secret.png': png(1, 1) });
    await symlink(join(dir, 'secret.png'), join(dir, 'content/2025/linked.png'));
    const built = await buildSite(dir);
    expect(built.messages).toEqual([
      'content/2025/story.md:6:1  error  The image `../../secret.png` is outside the content folder (content/), so it would not be published with the site; move it into content/, beside the story, and link it from there  (media/outside)',
      'content/2025/story.md:8:1  error  The image `linked.png` is a link to a file outside the content folder, so it would not be published with the site; copy the file itself beside the story  (media/outside)',
    ]);
  });

  it('should refuse files that are not images, or not in a format browsers show', async () => {
    const dir = await makeSite({
      'content/story.md': story('Story', '![Notes](notes.png)\n\n![Scan](scan.bmp)\n\n![Logo](logo.png)'),
      'content/notes.png': 'not a picture at all\n',
      'content/scan.bmp': Buffer.from('424d1e000000000000001a0000000c00000001000100010018000000ff00', 'hex'),
      'content/logo.png': GIF,
    });
    const built = await buildSite(dir);
    expect(built.ok).toBe(false);
    expect(built.messages).toEqual([
      'content/story.md:6:1  error  `notes.png` is not an image Broadsheet can read: it does not look like a .png file, or it is damaged; open it in an image editor and save it as JPEG, PNG, WebP, AVIF, GIF or SVG  (media/unreadable)',
      'content/story.md:8:1  error  Cannot use `scan.bmp` as an image: it is a .bmp file, which not every browser shows; save it as JPEG, PNG, WebP, AVIF, GIF or SVG, and link that  (media/type)',
      'content/story.md:10:1  error  `logo.png` is a GIF image, not what its .png name says, and browsers and CDNs go by the name; rename it to end in .gif  (media/type)',
    ]);
  });

  it('should take the lead image from `image:` and `image_alt:`, copied even when the body does not show it', async () => {
    const lead = png(6, 4);
    const dir = await makeSite({
      'content/story.md': story('Story', '![Inside](inside.gif)', 'image: lead.png\nimage_alt: "The bridge at dawn"\n'),
      'content/lead.png': lead,
      'content/inside.gif': GIF,
    });
    const built = await buildSite(dir);
    expect(built.messages).toEqual([]);
    const output = `media/lead.${await sha8(lead)}.png`;
    expect(built.stories[0]?.image).toEqual({ output, width: 6, height: 4, alt: 'The bridge at dawn' });
    expect(built.files[output]).toEqual(lead);
  });

  it('should point at the `image:` line when the lead image is missing', async () => {
    const dir = await makeSite({ 'content/story.md': story('Story', 'Body.', 'image: leed.png\nimage_alt: The bridge\n'), 'content/lead.png': png(1, 1) });
    const built = await buildSite(dir);
    expect(built.messages).toEqual(['content/story.md:4:8  error  Cannot find the image `leed.png`: there is no file content/leed.png; did you mean `lead.png`?  (media/missing)']);
  });

  it('should fall back to the first image beside the story in the body for the lead image', async () => {
    const dir = await makeSite({
      'content/story.md': story('Story', '![Remote](https://cdn.example.org/a.png)\n\n![Crowds at the opening](first.png)\n\n![Later](second.gif)'),
      'content/first.png': png(8, 3),
      'content/second.gif': GIF,
    });
    const built = await buildSite(dir);
    expect(built.messages).toEqual([]);
    expect(built.stories[0]?.image).toEqual({ output: `media/first.${await sha8(png(8, 3))}.png`, width: 8, height: 3, alt: 'Crowds at the opening' });
  });

  it('should warn about images without alt text, unless `image_alt: ""` says none is needed', async () => {
    const dir = await makeSite({
      'content/bare.md': story('Bare', '![](photo.png)', 'image: photo.png\n'),
      'content/decorative.md': story('Decorative', 'Body.', 'image: photo.png\nimage_alt: ""\n'),
      'content/photo.png': png(1, 1),
    });
    const built = await buildSite(dir);
    expect(built.ok).toBe(true);
    expect(built.messages).toEqual([
      'content/bare.md:4:8  warning  The lead image has no `image_alt`, so readers using screen readers, and link previews that show it, get no description; add a line such as image_alt: "Crowds on the new bridge", or image_alt: "" if it shows nothing the story needs  (media/alt)',
      'content/bare.md:7:1  warning  The image `photo.png` has no alt text, so readers using screen readers learn nothing of what it shows; describe it between the brackets: ![Crowds on the new bridge](photo.png)  (media/alt)',
    ]);
    expect(built.stories.find((entry) => entry.slug === 'decorative')?.image?.alt).toBe('');
  });

  it('should leave remote and site-root images as they are while rewriting local ones', async () => {
    const dir = await makeSite({
      'content/story.md': story('Story', '![A](https://cdn.example.org/a.png) ![B](//cdn.example.org/b.png) ![C](/images/c.png) ![D](d.png)'),
      'content/d.png': png(1, 1),
    });
    const built = await buildSite(dir);
    expect(built.messages).toEqual([]);
    expect(page(built, 'story')).toContain(
      `<img src="https://cdn.example.org/a.png" alt="A"> <img src="//cdn.example.org/b.png" alt="B"> <img src="/images/c.png" alt="C"> <img src="../media/d.${await sha8(png(1, 1))}.png" alt="D" width="1" height="1">`,
    );
    expect(media(built)).toEqual([`media/d.${await sha8(png(1, 1))}.png`]);
  });

  it('should render the story again when only its image changed, appeared or went, as a cold build would', async () => {
    const dir = await makeSite({ 'content/story.md': story('Story', '![The bridge](photo.png)'), 'content/other.md': story('Other', 'No images.') });
    const cache = createBuildCache();
    const first = await buildSite(dir, { cache });
    expect(first.messages).toEqual(['content/story.md:6:1  error  Cannot find the image `photo.png`: there is no file content/photo.png; put the image there, or correct the path (it is relative to the story’s folder)  (media/missing)']);

    const steps: Array<{ name: string; edit: () => Promise<void>; ok: boolean }> = [
      { name: 'image appears', edit: () => writeFile(join(dir, 'content/photo.png'), png(2, 2)), ok: true },
      { name: 'image edited', edit: () => writeFile(join(dir, 'content/photo.png'), png(7, 5)), ok: true },
      { name: 'image deleted', edit: () => rm(join(dir, 'content/photo.png')), ok: false },
      { name: 'image back', edit: () => writeFile(join(dir, 'content/photo.png'), png(3, 3)), ok: true },
    ];
    for (const step of steps) {
      await step.edit();
      const warm = await buildSite(dir, { cache, changed: ['content/photo.png'] });
      const cold = await buildSite(dir);
      expect(warm.ok, step.name).toBe(step.ok);
      expect(warm.messages, step.name).toEqual(cold.messages);
      expect(warm.files, step.name).toEqual(cold.files);
    }
    expect(page(await buildSite(dir, { cache, changed: [] }), 'story')).toContain('width="3" height="3"');
  });

  it('should notice an edited image without being told, by its bytes', async () => {
    const dir = await makeSite({ 'content/story.md': story('Story', '![The bridge](photo.png)'), 'content/photo.png': png(2, 2) });
    const cache = createBuildCache();
    await buildSite(dir, { cache });
    await writeFile(join(dir, 'content/photo.png'), png(9, 4));
    const warm = await buildSite(dir, { cache });
    expect(page(warm, 'story')).toContain(`src="../media/photo.${await sha8(png(9, 4))}.png" alt="The bridge" width="9" height="4"`);
    expect(warm.files).toEqual((await buildSite(dir)).files);
  });
});
