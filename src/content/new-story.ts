// `broadsheet new "Headline"`: a new story file with its frontmatter filled in,
// as a draft, never over an existing story. The file is named by the headline's
// slug, cut at a word to MAX_SLUG characters: a long headline stays whole in the
// story, and its file name far from the file system's limit (255 bytes).
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { systemFailure } from '../report/system-errors.js';
import { makeFolder } from '../support/make-folder.js';
import { slugFromText } from './slug.js';

export interface NewStoryOptions {
  contentDir: string;
  title: string;
  now: Date;
  /** Byline; when absent, the git user's name, when there is one. */
  author?: string | undefined;
}

export class StoryExistsError extends Error {}

/** The longest file name (without `.md`) a headline gives: a readable address, far below any file system's limit. */
export const MAX_SLUG = 80;

/** The story's path, and whether its name was cut short of the whole headline. */
export async function newStory(options: NewStoryOptions): Promise<{ path: string; shortened: boolean }> {
  const title = options.title.trim();
  // A headline in a script with no Latin letters makes no slug: name the file by the time instead.
  const whole = slugFromText(title) || `story-${options.now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
  const slug = shorten(whole);
  const author = options.author ?? (await gitUserName(options.contentDir));
  const fields = {
    title,
    date: options.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(author ? { author } : {}),
    draft: true,
  };
  const path = join(options.contentDir, `${slug}.md`);
  try {
    await makeFolder(options.contentDir);
    // `wx`: fail rather than overwrite, atomically, even if two writers race.
    await writeFile(path, `---\n${stringify(fields)}---\n\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new StoryExistsError(path);
    throw systemFailure(error, { doing: 'write' }) ?? error;
  }
  return { path, shortened: slug !== whole };
}

/** `slug` cut to MAX_SLUG characters, at a hyphen when there is one in its second half. */
function shorten(slug: string): string {
  if (slug.length <= MAX_SLUG) return slug;
  const cut = slug.slice(0, MAX_SLUG + 1);
  const word = cut.lastIndexOf('-');
  return (word > MAX_SLUG / 2 ? cut.slice(0, word) : cut.slice(0, MAX_SLUG)).replace(/-+$/, '');
}

async function gitUserName(cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['config', 'user.name'], { cwd });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
