// Work spread over worker threads, with this thread working beside them
// (`onThisThread`), taking a task from the queue whenever the workers have enough
// to do. A worker is given a task only once it says it is ready, one at a time
// while its code is still cold, then several ahead of its replies so it never waits
// for this thread, which may be busy with a task of its own. The Markdown stage
// (markdown/worker-pool.ts) and the pages (render/page-pool.ts) share it.
//
// A worker that dies (an uncaught exception, out of memory) takes only the task it
// was on with it (`crashed` answers for that task), the ones posted behind it go
// back to the queue, a fresh worker is started, and the work goes on. Workers that
// cannot even start (their code missing or broken, or refusing the work) close the
// pool: `run` then resolves `undefined` and the caller does the task itself.
import type { Worker } from 'node:worker_threads';

export interface WorkerPool<Task, Result> {
  /** The task's result, from a worker or from `onThisThread`; `undefined` once the pool is closed. */
  run(task: Task): Promise<Result | undefined>;
  /** Stop every worker; tasks not yet done resolve `undefined`. */
  close(): Promise<void>;
}

/** What a worker posts: `{ type: 'ready' }` once, then one reply a task, in the order the tasks came. */
export type Reply<Answer> = { type: 'ready' } | Answer;

export interface WorkerPoolOptions<Task, Answer, Result> {
  /** Worker threads to start. */
  size: number;
  /** A new worker; throws when there is no code to run. */
  start: () => Worker;
  /** The message posted to a worker for `task`. */
  message?: ((task: Task) => unknown) | undefined;
  /** The result of `task` from the worker's reply. */
  answer: (task: Task, reply: Answer) => Result;
  /** The result of the task a worker died on, and why it died. */
  crashed: (task: Task, cause: string) => Result;
  /** Do a task on this thread, between the workers' replies. Default: none, workers only. */
  onThisThread?: ((task: Task) => Result) | undefined;
  /** Why a worker died, in a writer's words, from its `error` event. */
  describe: (error: unknown) => string;
  /** Tasks posted to a warm worker ahead of its replies. Default: 3. */
  depth?: number | undefined;
}

// A worker's first tasks take 5–20 times as long as later ones (its code is not optimized yet).
const WARM_AFTER = 20;

interface Job<Task, Result> {
  task: Task;
  done: (result: Result | undefined) => void;
}

interface Slot<Task, Result> {
  worker: Worker;
  /** It said it is ready: from here on, dying means the task it was on killed it. */
  ready: boolean;
  done: number;
  /** Posted and not answered, oldest first: a worker works in order. */
  posted: Job<Task, Result>[];
  /** Why it died, from its `error` event (which comes before `exit`). */
  cause: string | undefined;
}

export function createWorkerPool<Task, Answer, Result>(options: WorkerPoolOptions<Task, Answer, Result>): WorkerPool<Task, Result> {
  const queue: Job<Task, Result>[] = [];
  const slots = new Set<Slot<Task, Result>>();
  const message = options.message ?? ((task: Task) => task);
  const depth = options.depth ?? 3;
  let closed = false;
  let failedStarts = 0;
  let hereScheduled = false;

  const start = () => {
    if (closed) return;
    let worker: Worker;
    try {
      worker = options.start();
    } catch {
      return void close(); // No worker code to run (see worker-source.ts).
    }
    worker.unref(); // Until it has a task: an idle worker never holds the process open, even if `close` is forgotten.
    const slot: Slot<Task, Result> = { worker, ready: false, done: 0, posted: [], cause: undefined };
    slots.add(slot);
    worker.on('message', (reply: Reply<Answer>) => {
      if ((reply as { type?: unknown }).type === 'ready') slot.ready = true;
      else {
        const job = slot.posted.shift();
        slot.done++;
        job?.done(options.answer(job.task, reply as Answer));
      }
      dispatch();
    });
    worker.on('error', (error) => void (slot.cause ??= options.describe(error)));
    worker.on('exit', (code) => {
      slots.delete(slot);
      if (closed) return;
      if (slot.ready) {
        // It works in order, so the oldest unanswered task is the one it died on.
        const culprit = slot.posted.shift();
        culprit?.done(options.crashed(culprit.task, slot.cause ?? `the worker thread stopped with exit code ${code}`));
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
      const room = !slot.ready ? 0 : slot.done < WARM_AFTER ? 1 : depth;
      while (slot.posted.length < room && queue.length > 0) {
        const job = queue.shift() as Job<Task, Result>;
        slot.posted.push(job);
        slot.worker.postMessage(message(job.task));
      }
      if (slot.posted.length === 0) slot.worker.unref();
      else slot.worker.ref();
    }
    // What the workers have no room for, this thread does: one task a turn of the
    // event loop, so the workers' replies are taken (and they are fed) in between.
    if (options.onThisThread && !hereScheduled && queue.length > 0) {
      hereScheduled = true;
      setImmediate(doHere);
    }
  };

  const doHere = () => {
    hereScheduled = false;
    const job = queue.shift();
    if (job && options.onThisThread) job.done(options.onThisThread(job.task));
    dispatch();
  };

  const close = async () => {
    closed = true;
    for (const job of queue.splice(0)) job.done(undefined);
    for (const slot of slots) for (const job of slot.posted.splice(0)) job.done(undefined);
    // A timer holds the event loop until every worker has gone. `terminate` is meant to, but on
    // Node 20 a worker that had rendered pages sometimes left the loop empty before its exit came
    // in, and with nothing else pending the process ended inside `close` (exit code 13, an
    // unsettled await: the build never finished). The exits come within milliseconds.
    const hold = setInterval(() => {}, 1000);
    try {
      await Promise.all([...slots].map((slot) => slot.worker.terminate()));
    } finally {
      clearInterval(hold);
    }
  };

  for (let i = 0; i < options.size; i++) start();
  return {
    run(task) {
      if (closed) return Promise.resolve(undefined);
      return new Promise((done) => {
        queue.push({ task, done });
        dispatch();
      });
    },
    close,
  };
}
