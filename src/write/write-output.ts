// Stage 7: put the site on disk atomically. Everything is written to a staging
// folder beside the output, which then takes the old output's place with two
// renames; a build that fails before that leaves the old output untouched.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { OutputFile } from '../render/pages.js';

// Enough parallel writes to keep the disk busy without running out of file handles.
const CONCURRENCY = 64;

export interface WriteOptions {
  onFile?: () => void;
}

export async function writeOutput(outDir: string, files: ReadonlyArray<Pick<OutputFile, 'path' | 'contents'>>, options: WriteOptions = {}): Promise<void> {
  const parent = dirname(outDir);
  const staging = join(parent, `.${basename(outDir)}.staging-${process.pid}`);
  const retired = join(parent, `.${basename(outDir)}.old-${process.pid}`);
  await mkdir(parent, { recursive: true });
  await rm(staging, { recursive: true, force: true });
  try {
    await mkdir(staging);
    const folders = new Set(files.map((file) => dirname(join(staging, file.path))));
    for (const folder of [...folders].sort()) await mkdir(folder, { recursive: true });
    for (let start = 0; start < files.length; start += CONCURRENCY) {
      await Promise.all(
        files.slice(start, start + CONCURRENCY).map(async (file) => {
          await writeFile(join(staging, file.path), file.contents);
          options.onFile?.();
        }),
      );
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }

  await rm(retired, { recursive: true, force: true });
  const hadOutput = await rename(outDir, retired).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  await rename(staging, outDir);
  if (hadOutput) await rm(retired, { recursive: true, force: true });
}
