// Stage 1½: a story file's bytes, or a writer's reason why they cannot be had.
// Discovery lists symbolic links named like stories (a writer may link one story
// into a second folder), so reading follows a link only to a file inside the
// content folder: one leading outside could publish any file the build can read
// (`secret.md -> ../../.env`), and a dangling or looping link would otherwise be
// reported as a bare ENOENT or ELOOP. Only regular files are read: a pipe named
// like a story would otherwise hold the build until something wrote to it.
//
// Synchronous: a story is a few kilobytes, and the promise API's open, stat, read
// and close cost a cold build of 10,000 stories 3 s of CPU (on two cores, shared
// with rendering) against 0.4 s for the same calls made in sync.
import { constants, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { NotAFileError, readRegularFile } from '../support/files.js';
import { isInside } from '../support/paths.js';

export interface StoryReadProblem {
  reason: string;
  ruleId: string;
}

// Opening with O_NOFOLLOW costs a regular file nothing extra and fails on a link (ELOOP;
// EMLINK on FreeBSD), which is then followed by hand. Windows has none. The read itself
// never waits on a pipe (support/files.ts).
const NO_FOLLOW = constants.O_NOFOLLOW;

/** The bytes of the story at `path`, following a symlink only to a file inside `contentDir`. */
export function readStoryFile(path: string, contentDir: string): Uint8Array | StoryReadProblem {
  try {
    if (NO_FOLLOW === undefined && lstatSync(path).isSymbolicLink()) return readLinkedStory(path, contentDir);
    return readStoryBytes(path, NO_FOLLOW ?? 0, (kind) => `This story is ${kind}, not a Markdown file; move it out of the content folder`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') return readLinkedStory(path, contentDir);
    return unreadable(error);
  }
}

function readLinkedStory(path: string, contentDir: string): Uint8Array | StoryReadProblem {
  let target = '?';
  try {
    target = readlinkSync(path);
  } catch {
    // Said as `?`: the reason below comes from following the link, which fails too.
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { reason: `This story is a symbolic link to \`${target}\`, which does not exist; restore that file, or delete the link`, ruleId: 'content/link' };
    if (code === 'ELOOP') return { reason: `This story is a symbolic link that leads back to itself (\`${target}\`), so it has no text; delete the link`, ruleId: 'content/link' };
    return unreadable(error);
  }
  if (!isInside(real, realpathSync(contentDir))) {
    return {
      reason: `This story is a symbolic link to \`${target}\`, outside the content folder, so the build would publish a file from elsewhere on this machine; copy the file itself into the content folder`,
      ruleId: 'content/outside',
    };
  }
  try {
    return readStoryBytes(real, 0, (kind) => `This story is a symbolic link to ${kind} (\`${target}\`), not to a Markdown file; link a story file instead`, 'content/link');
  } catch (error) {
    return unreadable(error);
  }
}

/** The file's bytes if it is a regular file; else what it is, in `explain`'s words. */
function readStoryBytes(path: string, flags: number, explain: (kind: string) => string, ruleId = 'content/read'): Uint8Array | StoryReadProblem {
  try {
    return readRegularFile(path, flags);
  } catch (error) {
    if (!(error instanceof NotAFileError)) throw error;
    return { reason: explain(error.kind === 'a folder' ? 'a folder' : 'a pipe or device'), ruleId };
  }
}

function unreadable(error: unknown): StoryReadProblem {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  if (code === 'EACCES' || code === 'EPERM') return { reason: `Cannot read the story: permission denied (${code}); make the file readable, e.g. chmod a+r`, ruleId: 'content/read' };
  return { reason: `Cannot read the story (${code}); check that it is a readable file`, ruleId: 'content/read' };
}

