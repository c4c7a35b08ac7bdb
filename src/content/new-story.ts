// `broadsheet new "Headline"`: a new story file with its frontmatter filled in,
// as a draft, never over an existing story.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { slugFromText } from './slug.js';

export interface NewStoryOptions {
  contentDir: string;
  title: string;
  now: Date;
  /** Byline; when absent, the git user's name, when there is one. */
  author?: string | undefined;
}

export class StoryExistsError extends Error {}

export async function newStory(options: NewStoryOptions): Promise<string> {
  const title = options.title.trim();
  // A headline in a script with no Latin letters makes no slug: name the file by the time instead.
  const slug = slugFromText(title) || `story-${options.now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
  const author = options.author ?? (await gitUserName(options.contentDir));
  const fields = {
    title,
    date: options.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(author ? { author } : {}),
    draft: true,
  };
  const path = join(options.contentDir, `${slug}.md`);
  await mkdir(options.contentDir, { recursive: true });
  try {
    // `wx`: fail rather than overwrite, atomically, even if two writers race.
    await writeFile(path, `---\n${stringify(fields)}---\n\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new StoryExistsError(path);
    throw error;
  }
  return path;
}

async function gitUserName(cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['config', 'user.name'], { cwd });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
