// Looking at a file without throwing: a path that is gone or unreadable is `undefined`,
// and the caller says what that means (reading it then reports why).
import { statSync, type Stats } from 'node:fs';

/** The file's stats (following links), or undefined when it cannot be looked at. */
export function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
