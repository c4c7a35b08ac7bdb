// `broadsheet new "Headline"`.
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../report/errors.js';
import { loadConfig } from '../config/config.js';
import { MAX_SLUG, newStory, StoryExistsError } from '../content/new-story.js';
import { printMessages, type Io } from './io.js';
import type { ParsedOptions } from './options.js';

export async function runNew(io: Io, options: ParsedOptions, words: string[]): Promise<number> {
  const title = words.join(' ').trim();
  if (title === '') throw new UsageError('Give the headline: broadsheet new "Mayor opens the harbour bridge"');
  const root = resolve(io.cwd, options.root ?? '.');
  const { file, config } = await loadConfig(root);
  if (!config) {
    printMessages(io, [file]);
    return 1;
  }
  try {
    const { path, shortened } = await newStory({ contentDir: resolve(io.cwd, options.content ?? join(root, 'content')), title, now: new Date(), author: config.author });
    if (shortened) io.stderr(`broadsheet: the headline is long, so its file name is cut at a word to ${MAX_SLUG} characters or fewer; the headline is whole in the story (rename the file for another address)\n`);
    io.stdout(`${relative(io.cwd, path)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof StoryExistsError)) throw error;
    io.stderr(`broadsheet: ${relative(io.cwd, error.message)} already exists; edit that story, or choose a different headline\n`);
    return 1;
  }
}
