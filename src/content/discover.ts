// Stage 1: find the story files. Sorted, so every later stage sees them in the
// same order on every machine and the output is byte-for-byte reproducible.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

const STORY = /\.(md|markdown)$/i;

/** Every Markdown file under `contentDir`, nested folders included, hidden ones (`.git`, editor swap files) not. */
export async function discoverStories(contentDir: string): Promise<string[]> {
  // Recursive readdir does not follow symlinked folders, so a symlink loop cannot trap it.
  const entries = await readdir(contentDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => isStoryPath(contentDir, path))
    .sort();
}

/**
 * The story list after a watcher reported `changed`, without walking the folder:
 * `known` plus the changed stories that exist, minus those that do not. Gives
 * `undefined` (walk the folder) when a change inside the content folder is not
 * a story file, such as a folder renamed or deleted whole.
 */
export function updateStoryList(contentDir: string, known: readonly string[], isKnown: (path: string) => boolean, changed: ReadonlySet<string>): readonly string[] | undefined {
  const added: string[] = [];
  const removed = new Set<string>();
  for (const path of changed) {
    if (!path.startsWith(contentDir + sep)) continue;
    if (!isStoryPath(contentDir, path)) return undefined;
    const exists = existsSync(path);
    if (exists && !isKnown(path)) added.push(path);
    else if (!exists && isKnown(path)) removed.add(path);
  }
  // Only edits: the list the last build used, already sorted.
  if (added.length === 0 && removed.size === 0) return known;
  return [...known.filter((path) => !removed.has(path)), ...added].sort();
}

/** A Markdown file under `contentDir`, in no hidden folder: the one rule both ways of listing stories apply. */
function isStoryPath(contentDir: string, path: string): boolean {
  return STORY.test(path) && !path.slice(contentDir.length).split(sep).some((part) => part.startsWith('.'));
}
