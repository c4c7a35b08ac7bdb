// The templates' `assets/` folder (stylesheets, logos, fonts) is copied into the
// output under content-hashed names, `assets/style.3f2a1b4c.css`, so a CDN and
// browsers may keep each file for a year: a changed file gets a new name.
// Templates ask for an asset by its own name through the `asset_url` filter.
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, posix, relative, sep } from 'node:path';
import { imageSize } from 'image-size';
import { hash, type BuildCache } from '../cache/build-cache.js';
import type { OutputFile } from './pages.js';

export interface Asset {
  /** Output path, e.g. `assets/style.3f2a1b4c.css`. */
  path: string;
  /** Pixel size, for images (the publisher logo in structured data needs it). */
  width: number | undefined;
  height: number | undefined;
}

export interface Assets {
  files: OutputFile[];
  /** By path under `templates/assets/`, e.g. `style.css` or `fonts/serif.woff2`. */
  byName: ReadonlyMap<string, Asset>;
  /** Changes whenever any asset does: part of every page's cache key. */
  key: string;
  /** Like pages, the cache learns of assets only once they are written. */
  commit: () => void;
}

// A stylesheet's own hash must cover the hashed names it refers to, so it is done after the rest.
const REWRITTEN = new Set(['.css']);
// `url(…)` in CSS; hand-written rather than a CSS parser because only the URL token matters here.
const IMAGE = /^\.(png|jpe?g|gif|webp|avif|svg)$/i;
const CSS_URL = /url\(\s*(['"]?)([^'")\s]+)\1\s*\)/g;

export async function readAssets(templatesDir: string, cache: BuildCache): Promise<Assets> {
  const dir = join(templatesDir, 'assets');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort((a, b) => Number(REWRITTEN.has(extname(a))) - Number(REWRITTEN.has(extname(b))) || (a < b ? -1 : 1));

  const byName = new Map<string, Asset>();
  const files: OutputFile[] = [];
  const keys = new Map<string, string>();
  for (const name of names) {
    let bytes: Uint8Array = await readFile(join(dir, name));
    if (REWRITTEN.has(extname(name))) bytes = Buffer.from(rewriteCssUrls(Buffer.from(bytes).toString('utf8'), name, byName));
    const digest = hash(bytes);
    const ext = extname(name);
    const path = `assets/${name.slice(0, name.length - ext.length)}.${digest.slice(0, 8)}${ext}`;
    const size = IMAGE.test(ext) ? measure(bytes) : undefined;
    byName.set(name, { path, width: size?.width, height: size?.height });
    files.push({ path, contents: bytes, fresh: cache.assets.get(path) !== digest });
    keys.set(path, digest);
  }
  const key = hash(...[...keys.values()]);
  return { files, byName, key, commit: () => void (cache.assets = keys) };
}

/** Point `url()`s at other assets to their hashed names; anything else (absolute, data:, missing) stays. */
function rewriteCssUrls(css: string, name: string, byName: ReadonlyMap<string, Asset>): string {
  return css.replace(CSS_URL, (whole, quote: string, url: string) => {
    if (/^([a-z]+:|\/|#)/i.test(url)) return whole;
    const [path = '', suffix = ''] = url.split(/(?=[?#])/);
    const target = byName.get(posix.normalize(posix.join(posix.dirname(name), path)));
    if (!target) return whole;
    // The stylesheet itself is written under assets/ too, so a path relative to it still resolves.
    const relativeUrl = posix.relative(posix.dirname(`assets/${name}`), target.path);
    return `url(${quote}${relativeUrl}${suffix}${quote})`;
  });
}

function measure(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    const { width, height } = imageSize(bytes);
    return width && height ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}
