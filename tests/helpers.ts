// Shared by the tests: run the CLI in-process with captured output, and make
// throwaway copies of fixture sites so a test never writes into the repo.
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';

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

/** A fresh temporary copy of `dir` (or an empty temporary folder). */
export async function scratch(dir?: string): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), 'broadsheet-test-'));
  if (dir) await cp(dir, target, { recursive: true });
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
