// The public API: what `import … from 'broadsheet'` gives. Re-exports only.
export { build, EnvironmentError, UsageError, type BuildOptions, type BuildResult, type Progress } from './build.js';
export { main, type Io } from './cli/main.js';
export { CONFIG_FILE, configSchema, loadConfig, type SiteConfig } from './config/config.js';
export { parseStory, storyFromBytes, slugFromFileName, type Story } from './content/read-story.js';
export { frontmatterSchema, parseStoryDate, type Frontmatter, type StoryDate } from './content/story-schema.js';
export { createMarkdownProcessor, markdownOptions, renderMarkdown, type MarkdownOptions } from './markdown/processor.js';
export { formatMessages } from './report/messages.js';
export { createSite, moreHeadlines, type PublishedStory, type Site } from './site/model.js';
export type { ArticleView, HeadlineView, IndexView, ListView, PageView, SiteView, StoryView } from './render/view-types.js';
