// Stage 3 across the cores: worker threads, each building the unified processor
// once and rendering the stories it is handed (render-worker.ts), and this thread
// rendering beside them (`onThisThread`), on the shared pool (workers/pool.ts).
//
// A worker that dies (an uncaught exception, out of memory) takes only the story it
// was rendering with it: that story gets a positioned error, the ones posted behind
// it go back to the queue, a fresh worker is started, and the build goes on. Workers
// that cannot even start (their code missing or broken) close the pool: `render`
// then resolves `undefined` and the caller renders the story itself.
import type { ResourceLimits } from 'node:worker_threads';
import type { VFile } from 'vfile';
import { createWorkerPool } from '../workers/pool.js';
import { startWorker } from '../workers/worker-source.js';
import type { MarkdownOptions } from './processor.js';
import { crashedStory, describeError } from './render-story.js';
import type { RenderTask, WorkerReply } from './render-worker.js';
import { unpackStory } from '../cache/story-transfer.js';

export interface RenderPool {
  /** The story rendered by a worker or by `onThisThread`; `undefined` once the pool is closed. */
  render(path: string, bytes: Uint8Array, contentDir: string): Promise<VFile | undefined>;
  /** Stop every worker; stories not yet rendered resolve `undefined`. */
  close(): Promise<void>;
}

export interface PoolOptions {
  /** Worker threads to start. */
  size: number;
  /** The body packs folder the workers append rendered bodies to. */
  bodies: string;
  /** Render a story on this thread, between the workers' replies. Default: none, workers only. */
  onThisThread?: ((path: string, bytes: Uint8Array, contentDir: string) => VFile) | undefined;
  /** Limits for each worker's heap and stack. Default: Node's. */
  resourceLimits?: ResourceLimits | undefined;
  /** The Markdown settings, sent with every story. Default: the Markdown stage's defaults. */
  markdown?: MarkdownOptions | undefined;
}

export function createRenderPool(options: PoolOptions): RenderPool {
  const here = options.onThisThread;
  const pool = createWorkerPool<RenderTask, Exclude<WorkerReply, { type: 'ready' }>, VFile>({
    size: options.size,
    start: () => startWorker('./render-worker', import.meta.url, { resourceLimits: options.resourceLimits }),
    answer: (task, reply) => (reply.type === 'done' ? unpackStory(task.path, reply.packed) : crashedStory(task.path, reply.cause)),
    crashed: (task, cause) => crashedStory(task.path, cause),
    onThisThread: here && ((task) => here(task.path, task.bytes, task.contentDir)),
    describe: describeError,
  });
  return {
    render: (path, bytes, contentDir) => pool.run({ path, bytes, contentDir, bodies: options.bodies, markdown: options.markdown }),
    close: pool.close,
  };
}
