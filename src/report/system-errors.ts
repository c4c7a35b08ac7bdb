// The machine's failures, told plainly: a full disk, a read-only file system, a file
// or folder the user running Broadsheet may not read or write. Each place that makes
// the system call turns its error into an EnvironmentError (exit 1) saying what
// failed, on which path, and what to do; any other error stays what it was (a bug).
import { isAbsolute, relative } from 'node:path';
import { EnvironmentError } from './errors.js';

type Doing = 'read' | 'write' | 'open';

// Each code that says something about the machine rather than about Broadsheet's logic:
// what it means, and what to do (`it` is the path as printed).
const CAUSES: Record<string, { means: string; fix: (it: string, doing: Doing) => string }> = {
  ENOSPC: { means: 'the disk is full', fix: () => 'free some space on it and run again' },
  EDQUOT: { means: 'the disk quota is used up', fix: () => 'free some space under your quota and run again' },
  EROFS: { means: 'the file system is read-only', fix: () => 'use a folder on a writable disk, or remount it read-write' },
  EACCES: { means: 'permission denied', fix: (it, doing) => permissionFix(it, doing) },
  EPERM: { means: 'operation not permitted', fix: (it, doing) => `${permissionFix(it, doing)}; an immutable file (lsattr) also refuses this` },
  ENAMETOOLONG: { means: 'the name is too long for the file system', fix: () => 'use a shorter name or a folder nearer the root' },
  EMFILE: { means: 'too many files are open', fix: () => 'raise the limit on open files (ulimit -n) and run again' },
  ENFILE: { means: 'the system has too many files open', fix: () => 'close other programs or raise the limit, and run again' },
  EIO: { means: 'an input/output error', fix: () => 'check the disk (dmesg may say more) and run again' },
};

const READING = new Set(['read', 'scandir', 'opendir', 'readlink', 'stat', 'lstat', 'access']);

export interface Where {
  /** The path to name, when the error names none or a temporary file. */
  path?: string | undefined;
  /** Print the path relative to this folder. */
  cwd?: string | undefined;
  /** What was being done; by default, read from the failed system call. */
  doing?: Doing | undefined;
}

export interface SystemFailure {
  /** `permission denied (EACCES)` */
  cause: string;
  /** What to do about it. */
  fix: string;
  /** The path as printed. */
  path: string;
  doing: Doing;
}

/** What `error` says about the machine, or undefined when it is not such an error (or names no path). */
export function describeSystemError(error: unknown, options: Where = {}): SystemFailure | undefined {
  // Unchecked: only the errno fields are read, and each is checked before use.
  const { code, path: named, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  const known = code === undefined ? undefined : CAUSES[code];
  const full = options.path ?? named;
  if (!known || full === undefined) return undefined;
  const near = options.cwd === undefined ? undefined : relative(options.cwd, full);
  const path = near === undefined || near.startsWith('..') || isAbsolute(near) ? full : near || '.';
  const doing = options.doing ?? (syscall === 'open' ? 'open' : syscall !== undefined && READING.has(syscall) ? 'read' : 'write');
  return { cause: `${known.means} (${code})`, fix: known.fix(path, doing), path, doing };
}

/** `error` as an EnvironmentError (`Cannot write dist/x: the disk is full (ENOSPC); free some space…`), or undefined. */
export function systemFailure(error: unknown, options: Where = {}): EnvironmentError | undefined {
  const described = describeSystemError(error, options);
  if (!described) return undefined;
  return new EnvironmentError(`Cannot ${described.doing} ${described.path}: ${described.cause}; ${described.fix}`, { cause: error });
}

/** `the disk is full (ENOSPC) at .broadsheet-cache/bodies`, for a warning; undefined when the error is not the machine's. */
export function whatFailed(error: unknown, options: Where = {}): string | undefined {
  const described = describeSystemError(error, options);
  return described && `${described.cause} at ${described.path}`;
}

/** For `.catch()`: throw `error` as an EnvironmentError when it is the machine's, else as it is. */
export function rethrowSystemError(options: Where = {}): (error: unknown) => never {
  return (error) => {
    throw systemFailure(error, options) ?? error;
  };
}

/** For a folder's `.catch()`: one that is not there holds nothing; one that cannot be read is an error. */
export function noFolder(error: unknown): never[] {
  const { code } = error as NodeJS.ErrnoException; // Unchecked: only the code is read.
  if (code === 'ENOENT' || code === 'ENOTDIR') return [];
  throw error;
}

function permissionFix(it: string, doing: Doing): string {
  return doing === 'read' || doing === 'open'
    ? `let the user running Broadsheet read it (chmod a+r ${it}, and a+x on the folders above it)`
    : `let the user running Broadsheet write there (chmod or chown the folder), or use another folder`;
}
