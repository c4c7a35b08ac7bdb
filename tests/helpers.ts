// Shared by the tests: run the CLI in-process with captured output, and make
// throwaway copies of fixture sites so a test never writes into the repo.
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { main } from '../src/cli/main.js';
import type { Output, OutputWrite } from '../src/write/output.js';

export const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `broadsheet …args` with `cwd` as the working directory, output captured. */
export async function run(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, cwd });
  return { code, stdout, stderr };
}

/** The example site built into a fresh temporary folder; fails loudly if it does not build cleanly. */
export async function buildExampleSite(): Promise<string> {
  const dist = join(await scratch(), 'dist');
  const built = await run(['build', '--root', REPO, '--out', dist], REPO);
  if (built.code !== 0 || built.stderr !== '') throw new Error(`The example site did not build cleanly (exit ${built.code}):\n${built.stderr}`);
  return dist;
}

/** A fresh temporary copy of `dir` (or an empty temporary folder). */
export async function scratch(dir?: string): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), 'broadsheet-test-'));
  // Links as they are: a relative link in a copied site (dist/current in the releases layout) must not become an absolute one into the original.
  if (dir) await cp(dir, target, { recursive: true, verbatimSymlinks: true });
  return target;
}

/** Every file under `dir` with its contents, keyed by relative path, for byte-for-byte comparison. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
  const tree: Record<string, string> = {};
  for (const file of files) tree[relative(dir, file)] = await readFile(file, 'latin1');
  return tree;
}

/** A valid PNG of `width` × `height` pixels of one grey (`shade`), for stories with images. */
export function png(width: number, height: number, shade = 0x80): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, shade)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * An output held in memory, for tests that look at what a build writes. It remembers
 * what each build gave it, as the real one does on disk, so a rebuild with the same
 * output object renders only the pages whose keys changed.
 */
export function memoryOutput(): Output & { files: Map<string, string | Uint8Array> } {
  let current = new Map<string, { key: string; contents: string | Uint8Array }>();
  const output = {
    dir: '(memory)',
    files: new Map<string, string | Uint8Array>(),
    async begin(): Promise<OutputWrite> {
      const next = new Map<string, { key: string; contents: string | Uint8Array }>();
      return {
        has: (path, key) => current.get(path)?.key === key,
        keep: (path, key) => void next.set(path, { key, contents: current.get(path)?.contents ?? '' }),
        put: async (path, key, contents) => void next.set(path, { key, contents }),
        commit: async () => {
          const written = [...next].filter(([path, entry]) => current.get(path)?.contents !== entry.contents).length;
          const removed = [...current.keys()].filter((path) => !next.has(path)).length;
          current = next;
          output.files = new Map([...next].map(([path, entry]) => [path, entry.contents]));
          return { written, kept: next.size - written, removed, replaced: written + removed > 0 };
        },
        abort: async () => {},
      };
    },
  };
  return output;
}
