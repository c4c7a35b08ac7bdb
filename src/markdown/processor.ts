// Stage 3: Markdown → HTML. The unified processor is built once per build and
// reused for every story (building it costs more than running it on a brief).
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeSlug from 'rehype-slug';
import rehypeStringify from 'rehype-stringify';
import rehypeCollectLinks from './rehype-collect-links.js';
import rehypeStoryImages from './rehype-story-images.js';
import rehypeTableAlign from './rehype-table-align.js';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import remarkSmartypants from 'remark-smartypants';
import { unified } from 'unified';
import type { VFile } from 'vfile';
import { fail } from '../report/messages.js';
import { deepNestingInText, deepNestingInTree } from './nesting.js';

// GitHub's schema (no scripts, no event handlers, no javascript: URLs), without
// its `user-content-` prefix on ids: raw HTML is already dropped by remark-rehype,
// so the only ids left are the ones rehype-slug and the footnotes make.
const sanitizeSchema: SanitizeSchema = { ...defaultSchema, clobberPrefix: '' };

export function createMarkdownProcessor() {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    // oldschool: `--` is an en dash, `---` an em dash, as in most newsroom style guides.
    .use(remarkSmartypants, { dashes: 'oldschool' })
    .use(remarkRehype)
    .use(rehypeSanitize, sanitizeSchema)
    .use(rehypeSlug)
    // After sanitize, which would drop the classes and image sizes these two add.
    .use(rehypeTableAlign)
    .use(rehypeStoryImages)
    .use(rehypeCollectLinks)
    .use(rehypeStringify);
}

export type MarkdownProcessor = ReturnType<typeof createMarkdownProcessor>;

/** Render `file.data.story.markdown` into `file.data.html`; failures become messages on the file. */
export function renderMarkdown(processor: MarkdownProcessor, file: VFile): void {
  const story = file.data.story;
  if (!story) return;
  const tooDeep = deepNestingInText(story.markdown);
  if (tooDeep) {
    fail(file, tooDeep.reason, tooDeep.place, 'markdown/nesting');
    return;
  }
  try {
    const parsed = processor.parse(story.markdown);
    const tooDeepParsed = deepNestingInTree(parsed);
    if (tooDeepParsed) {
      fail(file, tooDeepParsed.reason, tooDeepParsed.place, 'markdown/nesting');
      return;
    }
    const tree = processor.runSync(parsed, file);
    file.data.html = processor.stringify(tree, file);
  } catch (error) {
    fail(file, `Cannot render the Markdown (${String((error as Error).message).split('\n')[0]}); if the story is unusually large or deeply nested, try splitting it, otherwise this is a bug in Broadsheet: please report it with this file`, undefined, 'markdown/render');
  }
}
