// One thread of the render pool (worker-pool.ts): builds the unified processor
// once, then renders every story it is sent, in order, posting each back.
import { parentPort } from 'node:worker_threads';
import { openBodyPacks, type BodyPacks } from '../cache/body-packs.js';
import { createMarkdownProcessor, processorFor, type MarkdownOptions } from './processor.js';
import { describeError, renderStory } from './render-story.js';
import { packStory, type PackedStory } from '../cache/story-transfer.js';

export interface RenderTask {
  path: string;
  bytes: Uint8Array;
  contentDir: string;
  /** The body packs folder: the rendered body is appended to this worker's own pack. */
  bodies: string;
  /** The Markdown settings; the same for every task of a pool, so the processor is built again only for the first. */
  markdown: MarkdownOptions | undefined;
}

/** Replies come in the order the tasks were sent. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; packed: PackedStory }
  /** The story rendered, but its result could not be posted (data that cannot be cloned). */
  | { type: 'failed'; cause: string };

const port = parentPort;
if (port) {
  let processor = createMarkdownProcessor();
  let packs: BodyPacks | undefined;
  const reply = (message: WorkerReply) => port.postMessage(message);
  port.on('message', (task: RenderTask) => {
    processor = processorFor(processor, task.markdown);
    if (packs?.dir !== task.bodies) packs = openBodyPacks(task.bodies);
    const file = renderStory(processor, task.path, task.bytes, task.contentDir, packs);
    try {
      reply({ type: 'done', packed: packStory(file).packed });
    } catch (error) {
      reply({ type: 'failed', cause: describeError(error) });
    }
  });
  reply({ type: 'ready' });
}
