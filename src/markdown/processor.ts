// Stage 3: Markdown → HTML. The unified processor is built once per build and
// reused for every story (building it costs more than running it on a brief).
// It depends on two settings, raw_html and embeds, so a build that finds them
// changed (broadsheet.yaml edited during `dev`) builds a new one: processorFor.
import rehypeSanitize from 'rehype-sanitize';
import rehypeSlug from 'rehype-slug';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified, type PluggableList } from 'unified';
import type { VFile } from 'vfile';
import { fail } from '../report/messages.js';
import { embedHosts } from './embeds.js';
import { deepNestingInText, deepNestingInTree } from './nesting.js';
import rehypeCollectLinks from './rehype-collect-links.js';
import rehypeEmbeds from './rehype-embeds.js';
import rehypeRawHtml from './rehype-raw-html.js';
import rehypeSanitizeKeepingRaw from './rehype-sanitize-keeping-raw.js';
import rehypeStoryImages from './rehype-story-images.js';
import rehypeTableAlign from './rehype-table-align.js';
import remarkTypography from './remark-typography.js';
import { newsSchema } from './sanitize-schema.js';
import { defaults, markdownSettings, type MarkdownOptions } from './settings.js';

export { defaults, markdownOptions, type MarkdownOptions } from './settings.js';

function buildProcessor(options: MarkdownOptions) {
  const schema = newsSchema(embedHosts(options.embeds));
  // Sanitized: raw HTML is parsed, embeds are checked (with warnings), then the whole tree is sanitized.
  // Trusted: what Markdown made is sanitized around the raw HTML, which is then parsed as written.
  const raw: PluggableList =
    options.rawHtml === 'trusted'
      ? [[rehypeSanitizeKeepingRaw, { schema }], rehypeRawHtml]
      : [rehypeRawHtml, [rehypeEmbeds, { hosts: embedHosts(options.embeds) }], [rehypeSanitize, schema]];
  return (
    unified()
      .use(remarkParse)
      .use(remarkGfm)
      // oldschool: `--` is an en dash, `---` an em dash, as in most newsroom style guides.
      .use(remarkTypography, { dashes: 'oldschool' })
      .use(remarkRehype, { allowDangerousHtml: true })
      .use(raw)
      .use(rehypeSlug)
      // After sanitize, which would drop the classes and image sizes these two add.
      .use(rehypeTableAlign)
      .use(rehypeStoryImages)
      .use(rehypeCollectLinks)
      .use(rehypeStringify)
  );
}

export type MarkdownProcessor = ReturnType<typeof buildProcessor>;

// What each processor was built with, as a string to compare.
const settingsOf = new WeakMap<MarkdownProcessor, string>();

export function createMarkdownProcessor(options: Partial<MarkdownOptions> = {}): MarkdownProcessor {
  const settings = { ...defaults, ...options };
  const processor = buildProcessor(settings);
  settingsOf.set(processor, markdownSettings(settings));
  return processor;
}

/** `current` when it was built with these options, else a new processor for them. */
export function processorFor(current: MarkdownProcessor | undefined, options: Partial<MarkdownOptions> | undefined): MarkdownProcessor {
  const wanted = markdownSettings({ ...defaults, ...options });
  return current && settingsOf.get(current) === wanted ? current : createMarkdownProcessor(options);
}


/** Render `file.data.markdown` into `file.data.html`; failures become messages on the file. */
export function renderMarkdown(processor: MarkdownProcessor, file: VFile): void {
  const markdown = file.data.markdown;
  if (!file.data.story || markdown === undefined) return;
  const tooDeep = deepNestingInText(markdown);
  if (tooDeep) {
    fail(file, tooDeep.reason, tooDeep.place, 'markdown/nesting');
    return;
  }
  try {
    const parsed = processor.parse(markdown);
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
