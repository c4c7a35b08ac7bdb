// Stage 1½: a story file's bytes, or a writer's reason why they cannot be had.
// Discovery lists symbolic links named like stories (a writer may link one story
// into a second folder), so reading follows a link only to a file inside the
// content folder: one leading outside could publish any file the build can read
// (`secret.md -> ../../.env`), and a dangling or looping link would otherwise be
// reported as a bare ENOENT or ELOOP.
import { constants } from 'node:fs';
import { lstat, readFile, readlink, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

export interface StoryReadProblem {
  reason: string;
  ruleId: string;
}

// Reading with O_NOFOLLOW costs a regular file nothing extra and fails on a link (ELOOP;
// EMLINK on FreeBSD), which is then followed by hand. Windows has no O_NOFOLLOW.
const NO_FOLLOW = constants.O_NOFOLLOW;

/** The bytes of the story at `path`, following a symlink only to a file inside `contentDir`. */
export async function readStoryFile(path: string, contentDir: string): Promise<Uint8Array | StoryReadProblem> {
  try {
    if (NO_FOLLOW !== undefined) return await readFile(path, { flag: constants.O_RDONLY | NO_FOLLOW });
    if (!(await lstat(path)).isSymbolicLink()) return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'EMLINK') return unreadable(error);
  }
  return readLinkedStory(path, contentDir);
}

async function readLinkedStory(path: string, contentDir: string): Promise<Uint8Array | StoryReadProblem> {
  const target = await readlink(path).catch(() => '?');
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { reason: `This story is a symbolic link to \`${target}\`, which does not exist; restore that file, or delete the link`, ruleId: 'content/link' };
    if (code === 'ELOOP') return { reason: `This story is a symbolic link that leads back to itself (\`${target}\`), so it has no text; delete the link`, ruleId: 'content/link' };
    return unreadable(error);
  }
  if (!isInside(real, await realpath(contentDir))) {
    return {
      reason: `This story is a symbolic link to \`${target}\`, outside the content folder, so the build would publish a file from elsewhere on this machine; copy the file itself into the content folder`,
      ruleId: 'content/outside',
    };
  }
  try {
    return await readFile(real);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') return { reason: `This story is a symbolic link to the folder \`${target}\`, not to a Markdown file; link a story file instead`, ruleId: 'content/link' };
    return unreadable(error);
  }
}

function unreadable(error: unknown): StoryReadProblem {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  if (code === 'EACCES' || code === 'EPERM') return { reason: `Cannot read the story: permission denied (${code}); make the file readable, e.g. chmod a+r`, ruleId: 'content/read' };
  return { reason: `Cannot read the story (${code}); check that it is a readable file`, ruleId: 'content/read' };
}

/** Whether `path` is inside `folder` (not the folder itself). */
function isInside(path: string, folder: string): boolean {
  const inside = relative(folder, path);
  return inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}
