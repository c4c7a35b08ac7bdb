// One story's per-file work — decode, frontmatter, Markdown, its images and links —
// the same whether it runs on the build's own thread or on a worker of the render
// pool (render-worker.ts), so both give the same file, byte for byte. The body goes
// into the body packs as soon as it is made, and the story's text with it leaves
// memory: what stays on the file is what the later stages need, and small.
import { VFile } from 'vfile';
import type { BodyPacks } from '../cache/body-packs.js';
import { storyFromBytes } from '../content/read-story.js';
import { fail } from '../report/messages.js';
import { renderMarkdown, type MarkdownProcessor } from './processor.js';

/** Parse and render a story's bytes; every problem, even a crash, is a message on the returned file. */
export function renderStory(processor: MarkdownProcessor, path: string, bytes: Uint8Array, contentDir: string, packs: BodyPacks): VFile {
  try {
    const file = storyFromBytes(path, bytes);
    file.data.contentDir = contentDir;
    renderMarkdown(processor, file);
    if (file.data.html !== undefined) file.data.body = packs.put(file.data.html);
    delete file.data.html;
    delete file.data.markdown;
    delete file.data.contentDir;
    file.value = '';
    return file;
  } catch (error) {
    return crashedStory(path, describeError(error));
  }
}

/**
 * A story Broadsheet itself failed on (an exception, or a worker that died on it): an
 * error at the top of the file, so the build reports it with the others and goes on.
 */
export function crashedStory(path: string, cause: string): VFile {
  const file = new VFile({ path });
  const reason = `Broadsheet failed on this story (${cause}); the other stories were still checked. If the story is unusually large or deeply nested, try splitting it; otherwise this is a bug in Broadsheet: please report it with this file`;
  fail(file, reason, { line: 1, column: 1 }, 'content/crash');
  return file;
}

/** `RangeError: Maximum call stack size exceeded`: the first line, never a stack trace. */
export function describeError(error: unknown): string {
  const text = !(error instanceof Error) ? String(error) : error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return text.split('\n')[0] ?? text;
}
