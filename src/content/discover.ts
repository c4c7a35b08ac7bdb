// Stage 1: find the story files. Sorted, so every later stage sees them in the
// same order on every machine and the output is byte-for-byte reproducible.
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

const STORY = /\.(md|markdown)$/i;

/** Every Markdown file under `contentDir`, nested folders included, hidden ones (`.git`, editor swap files) not. */
export async function discoverStories(contentDir: string): Promise<string[]> {
  // Recursive readdir does not follow symlinked folders, so a symlink loop cannot trap it.
  const entries = await readdir(contentDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && STORY.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.slice(contentDir.length).split(sep).some((part) => part.startsWith('.')))
    .sort();
}
