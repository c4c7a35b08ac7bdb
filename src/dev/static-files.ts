// The dev folder's files, answered as a CDN would answer them, and nothing from
// outside it. An address names a file inside the folder, or nothing: `..` in any
// spelling, a NUL, a backslash, malformed percent-encoding, an absolute URL or a
// symbolic link that leads out of the folder all get the same 404 as a missing
// page, so a probe learns nothing from the answer. (A request line that is not
// HTTP at all never gets here: Node's parser answers it with 400.)
//
// Every file-system call here is synchronous, on purpose. The dev folder was just
// written by the build, so it is in the page cache and each call (stat, realpath,
// open, read) takes microseconds. Asynchronous calls each make a round trip
// through libuv's thread pool, where they also wait behind the rebuild's own reads
// and writes; sirv's streamed responses that way cost ~270 µs of CPU a request on
// a 2-core machine, against ~120 µs for these.
import { closeSync, createReadStream, fstatSync, openSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { lookup } from 'mrmime';

/** Files up to this size are sent from one synchronous read; larger ones (a video, say) are streamed. */
const WHOLE_FILE_BYTES = 1 << 20;

export interface FoundFile {
  /** The file's real path, inside the folder's real path. */
  path: string;
  /** Its path relative to the folder, as asked for: it gives the content type. */
  name: string;
}

/**
 * The file `target` (a request target, `/story/?x=1`) names in `dir`: `/story/`
 * is `story/index.html`, `/story` is `story`, `story.html` or `story/index.html`.
 */
export function findFile(dir: string, target: string): FoundFile | undefined {
  const wanted = relativePath(target);
  if (wanted === undefined) return undefined;
  let root: string;
  try {
    // Resolved on every request: the folder may be replaced whole, or reached through a link (macOS /tmp).
    root = realpathSync.native(dir);
  } catch {
    return undefined;
  }
  const names = wanted.folder ? [join(wanted.path, 'index.html')] : [wanted.path, `${wanted.path}.html`, join(wanted.path, 'index.html')];
  for (const name of names) {
    const path = join(root, name);
    // The folder holds only files the build wrote, but a symbolic link put there
    // (by hand, or by a tool) would otherwise let the server hand out any file the
    // user can read. A link that stays inside the folder is harmless.
    const real = realFile(path);
    if (real?.startsWith(root + sep)) return { path: real, name };
  }
  return undefined;
}

/** The real path of the file at `path`, links followed; undefined for a folder, or nothing there. */
function realFile(path: string): string | undefined {
  try {
    // ENOENT is the common miss and is not thrown; ENOTDIR (`story.html/index.html`), ELOOP and the like are.
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined;
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/**
 * Answers with the file (headers only for HEAD); false when it could not be
 * opened after all (a rebuild removed it a moment ago), so the caller sends a 404.
 */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: FoundFile, status = 200): boolean {
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch {
    return false;
  }
  let body: Buffer | undefined;
  let size: number;
  try {
    // The size of what was opened: the path may already name a newer file.
    size = fstatSync(fd).size;
    if (req.method !== 'HEAD' && size <= WHOLE_FILE_BYTES) body = readFileSync(fd);
  } catch {
    closeSync(fd);
    return false;
  }
  const headers = { 'Content-Type': contentType(file.name), 'Content-Length': body?.length ?? size, 'Cache-Control': 'no-store' };
  if (req.method === 'HEAD' || body) {
    closeSync(fd);
    res.writeHead(status, headers).end(body);
    return true;
  }
  res.writeHead(status, headers);
  // The stream closes the file when it ends or fails; a failure midway can only cut the response short.
  createReadStream('', { fd, end: size - 1 })
    .once('error', () => res.destroy())
    .pipe(res);
  return true;
}

/** `/a/b%20c/` → `{ path: 'a/b c', folder: true }`; undefined when it cannot name a file inside the folder. */
function relativePath(target: string): { path: string; folder: boolean } | undefined {
  // An absolute URL (`GET http://host/x`), `*` and the like are not addresses of this site.
  if (!target.startsWith('/')) return undefined;
  const end = target.search(/[?#]/);
  const pathname = end === -1 ? target : target.slice(0, end);
  const segments: string[] = [];
  for (const raw of pathname.split('/')) {
    let segment: string;
    try {
      // Decoded once, never twice: `%252e` is a file named `%2e`, not `.`.
      segment = decodeURIComponent(raw);
    } catch {
      return undefined; // malformed, or overlong UTF-8 such as %c0%ae
    }
    if (segment === '' || segment === '.') continue;
    // `/` from %2f, and `\`, which Windows reads as a separator, would make one segment two.
    if (segment === '..' || /[/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return { path: segments.join(sep), folder: pathname.endsWith('/') || segments.length === 0 };
}

function contentType(name: string): string {
  const type = lookup(name) ?? 'application/octet-stream';
  // Everything the build writes as text is UTF-8.
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}
