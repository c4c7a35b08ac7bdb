// Path containment, for the checks that keep a story's files inside content/ and the
// output away from the site's own folders. Both compare paths as written: resolve
// links (realpath) first where a link could lead out.
import { isAbsolute, relative, sep } from 'node:path';

/** Whether `path` is `folder` itself or anything under it. */
export function isWithin(path: string, folder: string): boolean {
  const inside = relative(folder, path);
  return inside === '' || (inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside));
}

/** Whether `path` is under `folder`, and not the folder itself. */
export function isInside(path: string, folder: string): boolean {
  return relative(folder, path) !== '' && isWithin(path, folder);
}
