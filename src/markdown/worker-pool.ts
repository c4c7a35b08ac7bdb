// Stage 3 across the cores: worker threads, each building the unified processor
// once and rendering the stories it is handed (render-worker.ts), and this thread
// rendering beside them (`onThisThread`), taking a story from the queue whenever
// the workers have enough to do. A worker is given a story only once it is ready,
// one at a time while its code is still cold, then three ahead of its replies so it
// never waits for this thread, which may be busy with a story of its own.
//
// A worker that dies (an uncaught exception, out of memory) takes only the story it
// was rendering with it: that story gets a positioned error, the ones posted behind
// it go back to the queue, a fresh worker is started, and the build goes on. Workers
// that cannot even start (their code missing or broken) close the pool: `render`
// then resolves `undefined` and the caller renders the story itself.
import type { ResourceLimits, Worker } from 'node:worker_threads';
import type { VFile } from 'vfile';
import type { MarkdownOptions } from './processor.js';
import { crashedStory, describeError } from './render-story.js';
import type { RenderTask, WorkerReply } from './render-worker.js';
import { unpackStory } from './story-transfer.js';
import { startRenderWorker } from './worker-source.js';

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

// Stories posted to a warm worker ahead of its replies.
const DEPTH = 3;
// A worker's first stories take 5–20 times as long as later ones (its code is not optimized yet).
const WARM_AFTER = 20;

interface Job {
  task: RenderTask;
  done: (file: VFile | undefined) => void;
}

interface Slot {
  worker: Worker;
  /** It built its processor: from here on, dying means the story it was on killed it. */
  ready: boolean;
  rendered: number;
  /** Posted and not answered, oldest first: a worker renders in order. */
  posted: Job[];
  /** Why it died, from its `error` event (which comes before `exit`). */
  cause: string | undefined;
}

export function createRenderPool(options: PoolOptions): RenderPool {
  const queue: Job[] = [];
  const slots = new Set<Slot>();
  let closed = false;
  let failedStarts = 0;
  let hereScheduled = false;

  const start = () => {
    if (closed) return;
    let worker: Worker;
    try {
      worker = startRenderWorker({ resourceLimits: options.resourceLimits });
    } catch {
      return void close(); // No worker code to run (see worker-source.ts).
    }
    worker.unref(); // Until it has a story: an idle worker never holds the process open, even if `close` is forgotten.
    const slot: Slot = { worker, ready: false, rendered: 0, posted: [], cause: undefined };
    slots.add(slot);
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') slot.ready = true;
      else {
        const job = slot.posted.shift();
        slot.rendered++;
        job?.done(reply.type === 'done' ? unpackStory(job.task.path, reply.packed) : crashedStory(job.task.path, reply.cause));
      }
      dispatch();
    });
    worker.on('error', (error) => void (slot.cause ??= describeError(error)));
    worker.on('exit', (code) => {
      slots.delete(slot);
      if (closed) return;
      if (slot.ready) {
        // It renders in order, so the oldest unanswered story is the one it died on.
        const culprit = slot.posted.shift();
        culprit?.done(crashedStory(culprit.task.path, slot.cause ?? `the render worker stopped with exit code ${code}`));
      } else {
        failedStarts++;
      }
      queue.unshift(...slot.posted);
      // Workers that failed to start twice will not start on a third try either.
      if (failedStarts >= 2) return void close();
      start();
      dispatch();
    });
  };

  const dispatch = () => {
    for (const slot of slots) {
      const room = !slot.ready ? 0 : slot.rendered < WARM_AFTER ? 1 : DEPTH;
      while (slot.posted.length < room && queue.length > 0) {
        const job = queue.shift() as Job;
        slot.posted.push(job);
        slot.worker.postMessage(job.task);
      }
      if (slot.posted.length === 0) slot.worker.unref();
      else slot.worker.ref();
    }
    // What the workers have no room for, this thread renders: one story a turn of the
    // event loop, so the workers' replies are taken (and they are fed) in between.
    if (options.onThisThread && !hereScheduled && queue.length > 0) {
      hereScheduled = true;
      setImmediate(renderHere);
    }
  };

  const renderHere = () => {
    hereScheduled = false;
    const job = queue.shift();
    if (job && options.onThisThread) job.done(options.onThisThread(job.task.path, job.task.bytes, job.task.contentDir));
    dispatch();
  };

  const close = async () => {
    closed = true;
    for (const job of queue.splice(0)) job.done(undefined);
    for (const slot of slots) for (const job of slot.posted.splice(0)) job.done(undefined);
    await Promise.all([...slots].map((slot) => slot.worker.terminate()));
  };

  for (let i = 0; i < options.size; i++) start();
  return {
    render(path, bytes, contentDir) {
      if (closed) return Promise.resolve(undefined);
      return new Promise((done) => {
        queue.push({ task: { path, bytes, contentDir, bodies: options.bodies, markdown: options.markdown }, done });
        dispatch();
      });
    },
    close,
  };
}
