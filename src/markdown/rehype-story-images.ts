// Images beside stories. `![Alt](photo.jpg)` in the body and `image:` in the
// frontmatter name a file next to the story: each is found, checked and measured
// here, so the page gets `width`/`height` (no layout shift as it loads) and an
// address with the bytes' hash in it, which a CDN may cache for ever. What to copy
// rides on the file for the build to write (`file.data.media`: where from, and the
// hash the bytes must still have then), and the paths looked at on
// `file.data.imageSources`, so a rebuild knows when to redo the story.
// Runs after rehype-sanitize: the `src` it writes is its own, not the writer's.
import { basename, dirname, extname, relative, resolve } from 'node:path';
import type { Root } from 'hast';
import { imageSize } from 'image-size';
import type { VFile } from 'vfile';
import type { StoryImage } from '../content/read-story.js';
import { slugFromText } from '../content/slug.js';
import { fail, warn, type Place } from '../report/messages.js';
import { fileSignature } from '../content/file-signature.js';
import { hashImage, readImage, readProblem } from './image-files.js';
import { svgProblem } from './svg-scripting.js';
import { isInside } from '../support/paths.js';
import { safeDecode } from '../support/urls.js';
import { eachElement } from './walk.js';

/** An image to copy into the output, e.g. `{ output: 'media/bridge.1a2b3c4d.jpg', source: '/site/content/bridge.jpg', hash }`. */
export interface StoryMedia {
  output: string;
  /** The file checked here, copied when the output is written. */
  source: string;
  /** sha1 of the bytes checked: what is copied must have it too. */
  hash: string;
}

/** A file the story's images were looked for at; `hash` (sha1 of the bytes) is absent when there was no file. */
export interface ImageSource {
  path: string;
  hash: string | undefined;
  /** Its size, times and inode when hashed (see content/file-signature.ts), so a rebuild can skip reading it. */
  signature?: string | undefined;
}

declare module 'vfile' {
  interface DataMap {
    /** The content folder, set by the loader: no image may come from outside it. */
    contentDir: string;
    /** The images this story puts on the site, one entry per output file. */
    media: StoryMedia[];
    /** Every path an image was looked for at, found or not, for incremental rebuilds. */
    imageSources: ImageSource[];
  }
}

// Extension → the format image-size must find inside: what every current browser shows.
const FORMATS: Readonly<Record<string, string>> = { jpg: 'jpg', jpeg: 'jpg', png: 'png', gif: 'gif', webp: 'webp', avif: 'avif', svg: 'svg' };
const FORMAT_NAMES: Readonly<Record<string, string>> = { jpg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', avif: 'AVIF', svg: 'SVG', heic: 'HEIC', heif: 'HEIF', tiff: 'TIFF', bmp: 'BMP', psd: 'Photoshop' };
const SAVE_AS = 'save it as JPEG, PNG, WebP, AVIF, GIF or SVG';

interface Found {
  output: string;
  width: number;
  height: number;
}

export default function rehypeStoryImages() {
  return (tree: Root, file: VFile) => {
    const images = createResolver(file);
    let first: StoryImage | undefined;
    eachElement(tree, (node) => {
      const src = node.tagName === 'img' ? node.properties.src : undefined;
      if (typeof src !== 'string') return;
      const place = node.position ? { line: node.position.start.line, column: node.position.start.column } : undefined;
      const alt = typeof node.properties.alt === 'string' ? node.properties.alt.trim() : '';
      // Markdown cannot mark an image as decorative, and a photo in a news story rarely is: always ask.
      if (alt === '') {
        warn(file, `The image \`${src}\` has no alt text, so readers using screen readers learn nothing of what it shows; describe it between the brackets: ![Crowds on the new bridge](${src})`, place, 'media/alt');
      }
      if (!isLocal(src)) return;
      const found = images.resolve(src, place);
      if (!found) return;
      node.properties.src = `../${found.output}`; // The article page is <base>/<slug>/, media/ is beside it.
      node.properties.width = found.width;
      node.properties.height = found.height;
      first ??= { ...found, alt };
    });

    const story = file.data.story;
    const declared = file.data.declaredImage;
    if (!story) return;
    if (!declared) {
      story.image = first;
      return;
    }
    // `image_alt: ""` is a choice (nothing in the image matters to the story); no line at all is an oversight.
    if (declared.alt === undefined) {
      warn(file, 'The lead image has no `image_alt`, so readers using screen readers, and link previews that show it, get no description; add a line such as image_alt: "Crowds on the new bridge", or image_alt: "" if it shows nothing the story needs', declared.place, 'media/alt');
    }
    if (!isLocal(declared.src)) {
      fail(file, `\`image:\` must name a file beside the story, not an address (${declared.src}); save the image next to the story and write its file name, e.g. image: bridge.jpg`, declared.place, 'media/remote');
      return;
    }
    const found = images.resolve(declared.src, declared.place);
    story.image = found && { ...found, alt: declared.alt ?? '' };
  };
}

/**
 * Relative paths name files beside the story. A scheme (`https:`), a host (`//cdn…`) or a
 * path from the site's root (`/images/…`) is an address on the web, as it is for links.
 */
function isLocal(src: string): boolean {
  return src !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(src) && !/^[/?#]/.test(src);
}

function createResolver(file: VFile) {
  const storyDir = dirname(resolve(file.path ?? 'story.md'));
  // Without a content folder (the Markdown stage on its own), only the story's own folder is trusted.
  const contentDir = resolve(file.data.contentDir ?? storyDir);
  const shown = (path: string) => relative(dirname(contentDir), path);
  const media = new Map<string, StoryMedia>();
  const sources = new Map<string, ImageSource>();
  const reads = new Map<string, Uint8Array | NodeJS.ErrnoException>();
  file.data.media = [];
  file.data.imageSources = [];

  const resolveImage = (src: string, place: Place | undefined): Found | undefined => {
    const written = safeDecode(src.replace(/[?#].*$/, ''));
    const path = resolve(storyDir, written);
    if (!isInside(path, contentDir)) {
      fail(file, `The image \`${src}\` is outside the content folder (${shown(contentDir)}/), so it would not be published with the site; move it into ${shown(contentDir)}/, beside the story, and link it from there`, place, 'media/outside');
      return undefined;
    }
    let read = reads.get(path);
    if (!read) {
      // Taken before the read: a change after it shows as a new signature next time.
      const signature = fileSignature(path);
      read = readImage(path, contentDir);
      reads.set(path, read);
      const hash = read instanceof Uint8Array ? hashImage(read) : undefined;
      sources.set(path, { path, hash, signature: hash === undefined ? undefined : signature });
      file.data.imageSources = [...sources.values()];
    }
    if (!(read instanceof Uint8Array)) {
      fail(file, readProblem(src, written, path, read, shown), place, read.code === 'EOUTSIDE' ? 'media/outside' : 'media/missing');
      return undefined;
    }
    const bytes = read;
    const ext = extname(path).slice(1).toLowerCase();
    const expected = FORMATS[ext];
    if (!expected) {
      const what = ext ? `a .${ext} file` : 'a file without an extension such as .jpg';
      fail(file, `Cannot use \`${src}\` as an image: it is ${what}, which not every browser shows; ${SAVE_AS}, and link that`, place, 'media/type');
      return undefined;
    }
    let size: ReturnType<typeof imageSize>;
    try {
      size = imageSize(bytes);
    } catch {
      const hint = ext === 'svg' ? 'give its <svg> element a viewBox, or a width and height in pixels' : `open it in an image editor and ${SAVE_AS}`;
      fail(file, `\`${src}\` is not an image Broadsheet can read: it does not look like a .${ext} file, or it is damaged; ${hint}`, place, 'media/unreadable');
      return undefined;
    }
    const type = size.type ?? '';
    if (type !== expected) {
      const name = FORMAT_NAMES[type] ?? type.toUpperCase();
      const fix = Object.values(FORMATS).includes(type) ? `rename it to end in .${type}` : SAVE_AS;
      fail(file, `\`${src}\` is a ${name} image, not what its .${ext} name says, and browsers and CDNs go by the name; ${fix}`, place, 'media/type');
      return undefined;
    }
    // An SVG opened on its own runs its scripts with the site's origin: refuse any that could.
    const problem = type === 'svg' ? svgProblem(new TextDecoder().decode(bytes)) : undefined;
    if (problem?.kind === 'scripting') {
      fail(file, `\`${src}\` contains scripting (${problem.what}); an SVG opened on its own would run it on the site, so it cannot be published; export it again without scripts, or as a PNG`, place, 'media/svg-script');
      return undefined;
    }
    if (problem?.kind === 'malformed') {
      fail(file, `\`${src}\` is not well-formed XML (${problem.reason}), so browsers show none of it; export it again from the drawing program, or as a PNG`, place, 'media/svg-invalid');
      return undefined;
    }
    if (!(size.width > 0 && size.height > 0)) {
      fail(file, `\`${src}\` has no size Broadsheet can read; give its <svg> element a viewBox, or a width and height in pixels`, place, 'media/unreadable');
      return undefined;
    }
    const hash = sources.get(path)?.hash ?? '';
    const output = `media/${slugFromText(basename(path, extname(path))) || 'image'}.${hash.slice(0, 8)}.${ext}`;
    if (!media.has(output)) {
      media.set(output, { output, source: path, hash });
      file.data.media = [...media.values()];
    }
    // Browsers turn a photo as its EXIF orientation says: 5–8 mean a quarter turn, so width and height swap.
    const turned = (size.orientation ?? 1) >= 5;
    return { output, width: turned ? size.height : size.width, height: turned ? size.width : size.height };
  };
  return { resolve: resolveImage };
}
