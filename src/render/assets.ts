// The templates' `assets/` folder (stylesheets, logos, fonts) is copied into the
// output under content-hashed names, `assets/style.3f2a1b4c.css`, so a CDN and
// browsers may keep each file for a year: a changed file gets a new name.
// Templates ask for an asset by its own name through the `asset_url` filter.
import { readdir } from 'node:fs/promises';
import { extname, join, posix, relative, sep } from 'node:path';
import { imageSize } from 'image-size';
import { noFolder, rethrowSystemError } from '../report/system-errors.js';
import { readRegularFile } from '../support/files.js';
import { hash } from '../support/hash.js';
import type { OutputFile } from '../support/output-file.js';

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
}

// A stylesheet's own hash must cover the hashed names it refers to, so stylesheets come
// after everything else, each after the stylesheets it imports.
const REWRITTEN = new Set(['.css']);
const IMAGE = /^\.(png|jpe?g|gif|webp|avif|svg)$/i;
// `url(…)` and `@import "…"` in CSS; hand-written rather than a CSS parser because only the URL tokens matter.
const CSS_URL = /url\(\s*(['"]?)([^'")\s]+)\1\s*\)|(@import\s+)(['"])([^'"]+)\4/g;

export async function readAssets(templatesDir: string): Promise<Assets> {
  const dir = join(templatesDir, 'assets');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(noFolder).catch(rethrowSystemError({ doing: 'read' }));
  const names = entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
  const sources = new Map<string, Uint8Array>();
  for (const name of names) {
    try {
      sources.set(name, readRegularFile(join(dir, name)));
    } catch (error) {
      rethrowSystemError({ doing: 'read' })(error);
    }
  }

  const byName = new Map<string, Asset>();
  const files: OutputFile[] = [];
  const keys = new Map<string, string>();
  const add = (name: string, bytes: Uint8Array) => {
    const digest = hash(bytes);
    const ext = extname(name);
    const path = `assets/${name.slice(0, name.length - ext.length)}.${digest.slice(0, 8)}${ext}`;
    const size = IMAGE.test(ext) ? measure(bytes) : undefined;
    byName.set(name, { path, width: size?.width, height: size?.height });
    files.push({ path, contents: bytes });
    keys.set(path, digest);
  };
  for (const name of names) if (!REWRITTEN.has(extname(name))) add(name, sources.get(name) as Uint8Array);
  // Stylesheets in import order: each once every stylesheet it refers to has its hashed name
  // (an import cycle cannot be ordered; the first stylesheet left keeps such a reference as it is).
  const pending = names.filter((name) => REWRITTEN.has(extname(name)));
  const text = (name: string) => Buffer.from(sources.get(name) as Uint8Array).toString('utf8');
  while (pending.length > 0) {
    const ready = pending.findIndex((name) => cssReferences(text(name), name).every((target) => !pending.includes(target) || target === name));
    const [name] = pending.splice(Math.max(ready, 0), 1) as [string];
    add(name, Buffer.from(rewriteCssUrls(text(name), name, byName)));
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  const key = hash(...[...keys.values()].sort());
  return { files, byName, key };
}

/** The asset a relative CSS reference points at, by its name under `assets/`. */
function resolveReference(url: string, from: string): { name: string; suffix: string } | undefined {
  if (/^([a-z]+:|\/|#)/i.test(url)) return undefined;
  const [, path = '', suffix = ''] = /^([^?#]*)(.*)$/s.exec(url) ?? [];
  return { name: posix.normalize(posix.join(posix.dirname(from), path)), suffix };
}

function cssReferences(css: string, name: string): string[] {
  return [...css.matchAll(CSS_URL)].flatMap((match) => resolveReference(match[2] ?? match[5] ?? '', name)?.name ?? []);
}

/** Point references to other assets at their hashed names; anything else (absolute, data:, missing) stays. */
function rewriteCssUrls(css: string, name: string, byName: ReadonlyMap<string, Asset>): string {
  return css.replace(CSS_URL, (whole, quote: string | undefined, url: string | undefined, importAt: string | undefined, importQuote: string | undefined, importUrl: string | undefined) => {
    const reference = resolveReference(url ?? importUrl ?? '', name);
    const target = reference && byName.get(reference.name);
    if (!reference || !target) return whole;
    // The stylesheet itself is written under assets/ too, so a path relative to it still resolves.
    const relativeUrl = posix.relative(posix.dirname(`assets/${name}`), target.path) + reference.suffix;
    return importAt ? `${importAt}${importQuote}${relativeUrl}${importQuote}` : `url(${quote}${relativeUrl}${quote})`;
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
