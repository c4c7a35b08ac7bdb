// The templates' `assets/` folder (stylesheet, logos) is copied into the output
// as it is. Read into memory like pages, so both writers handle one kind of thing.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { hash, type BuildCache } from '../cache/build-cache.js';
import type { OutputFile } from './pages.js';

/** Like pages, the cache learns of an asset only through `commit`, once it is written. */
export async function readAssets(templatesDir: string, cache: BuildCache): Promise<{ files: OutputFile[]; commit: () => void }> {
  const dir = join(templatesDir, 'assets');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const paths = entries.filter((entry) => entry.isFile() && !entry.name.startsWith('.')).map((entry) => join(entry.parentPath, entry.name)).sort();
  const files: OutputFile[] = [];
  const keys = new Map<string, string>();
  for (const path of paths) {
    const output = `assets/${relative(dir, path).split(sep).join('/')}`;
    const bytes = await readFile(path);
    const key = hash(bytes);
    files.push({ path: output, contents: bytes, fresh: cache.assets.get(output) !== key });
    keys.set(output, key);
  }
  return { files, commit: () => void (cache.assets = keys) };
}
