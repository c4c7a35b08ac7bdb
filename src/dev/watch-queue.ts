// The watcher's brain, apart from chokidar so it can be tested with fake timers:
// changed paths gather into batches, and one rebuild runs at a time. A batch is
// due once paths stop arriving for `quietMs` — longer (`burstQuietMs`) once the
// batch holds several paths, so a `git checkout` of 1,000 files on a loaded
// machine is still one rebuild while a single save builds at once, and once it
// holds a removal: `rm -rf content/` and a checkout that deletes files begin with
// one, and a lone deletion need not be seen at once — or
// `maxWaitMs` after its first path (a steady stream still builds).
// Paths that arrive during a rebuild are held and become the next batch — and
// while the batch is young (under `maxWaitMs`), they also cancel the rebuild,
// whose paths then join them: on a loaded machine the first files of a
// `git checkout` can arrive as what looks like a single save, and the writer
// should still see one rebuild, not two.

export interface WatchQueueOptions {
  /**
   * Rebuilds with the paths changed since the last run. Never called twice at once.
   * When `signal` is aborted, it may stop early and resolve `false`: the batch then runs again with the newer paths.
   */
  run: (changed: ReadonlySet<string>, signal: AbortSignal) => Promise<boolean | void>;
  /** How long no new path must arrive before a batch runs. Default: 25 ms. */
  quietMs?: number;
  /** The quiet time once a batch holds more than one path: a burst is under way. Default: 400 ms. */
  burstQuietMs?: number;
  /** The longest a batch waits after its first path. Default: 3,000 ms. */
  maxWaitMs?: number;
  /** Told when `run` rejects; the queue goes on. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

export interface WatchQueue {
  /** Record a changed path (`removed`: it was deleted); a path already waiting is not added twice. */
  add(path: string, removed?: boolean): void;
  /** Resolves once nothing is waiting or running. */
  idle(): Promise<void>;
  /** Cancel waiting batches; later paths are ignored. A run already going finishes. */
  close(): void;
}

const defaults = {
  quietMs: 25,
  burstQuietMs: 400,
  maxWaitMs: 3000,
  onError: (error: unknown) => console.error(error),
} satisfies Omit<WatchQueueOptions, 'run'>;

export function createWatchQueue(options: WatchQueueOptions): WatchQueue {
  const { run } = options;
  const quietMs = options.quietMs ?? defaults.quietMs;
  const burstQuietMs = options.burstQuietMs ?? defaults.burstQuietMs;
  const maxWaitMs = options.maxWaitMs ?? defaults.maxWaitMs;
  const onError = options.onError ?? defaults.onError;
  let pending = new Set<string>();
  /** Paths reported deleted, while they wait or run: their batch waits for a burst's quiet. */
  const removals = new Set<string>();
  let quietTimer: NodeJS.Timeout | undefined;
  let maxTimer: NodeJS.Timeout | undefined;
  let running = false;
  let current: { controller: AbortController; started: number } | undefined;
  // A batch fell due while a run was going: start it the moment that run ends.
  let due = false;
  let closed = false;
  let waiters: Array<() => void> = [];

  function clearTimers() {
    clearTimeout(quietTimer);
    clearTimeout(maxTimer);
    quietTimer = maxTimer = undefined;
  }

  function flush() {
    clearTimers();
    if (running) {
      due = true;
      return;
    }
    due = false;
    if (closed || pending.size === 0) return settle();
    const batch = pending;
    pending = new Set();
    running = true;
    const controller = new AbortController();
    current = { controller, started: Date.now() };
    void (async () => {
      let completed: boolean | void = true;
      try {
        completed = await run(batch, controller.signal);
      } catch (error) {
        onError(error);
      }
      running = false;
      current = undefined;
      if (completed === false && !closed) {
        // Abandoned for newer changes: run it again together with them, once they settle.
        pending = new Set([...batch, ...pending]);
        due = false;
        schedule();
        return;
      }
      for (const path of batch) if (!pending.has(path)) removals.delete(path);
      if (due) flush();
      else settle();
    })();
  }

  function settle() {
    if (running || pending.size > 0) return;
    const resolved = waiters;
    waiters = [];
    for (const resolve of resolved) resolve();
  }

  function schedule() {
    // The clock keeps running during a rebuild, so a batch that waited through
    // a long one is already due and runs straight after it.
    clearTimeout(quietTimer);
    const burst = pending.size > 1 || [...removals].some((path) => pending.has(path));
    quietTimer = setTimeout(flush, burst ? burstQuietMs : quietMs);
    maxTimer ??= setTimeout(flush, maxWaitMs);
  }

  return {
    add(path, removed = false) {
      if (closed) return;
      pending.add(path);
      if (removed) removals.add(path);
      else removals.delete(path);
      if (current && !current.controller.signal.aborted && Date.now() - current.started < maxWaitMs) current.controller.abort();
      schedule();
    },
    idle() {
      if (!running && pending.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      closed = true;
      clearTimers();
      due = false;
      pending = new Set();
      settle();
    },
  };
}
