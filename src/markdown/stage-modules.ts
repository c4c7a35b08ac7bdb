// What stage.ts loads on demand: everything that renders a story.
export { createMarkdownProcessor, processorFor } from './processor.js';
export { renderStory } from './render-story.js';
export { createRenderPool } from './worker-pool.js';
