// `mkdir -p` that says why it failed. Node's recursive mkdir reports ENOENT for a
// failure it does not expect — a read-only file system (EROFS), a full disk — once
// it finds the folder still missing; made one level at a time, the real error shows.
import { existsSync, mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    oneLevelAtATime(path);
    throw error;
  }
}

export function makeFolderSync(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    oneLevelAtATime(path);
    throw error;
  }
}

/** Throws the error that keeps `path` from being made; returns if it is made after all. */
function oneLevelAtATime(path: string): void {
  const parent = dirname(path);
  if (parent !== path && !existsSync(parent)) oneLevelAtATime(parent);
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
