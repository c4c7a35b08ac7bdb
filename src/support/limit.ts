// Bounded concurrency: enough work in flight to keep the disk or the workers busy, few
// enough that results are not held up in memory. Hand-written: p-limit and p-map would
// do, but neither holds back the first error until every running task has settled,
// which the callers' clean-up (removing a half-written build) depends on.

/**
 * `task` over every item, at most `limit` at a time: a slow item holds up one lane, not a
 * whole batch. After a failure no new item starts, and the first error is thrown only
 * once every running task has settled.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

/** Work started one piece at a time as it comes (pages as they render, files as they are written), `limit` at most in flight. */
export interface InFlight {
  /** Start tracking `work`; waits while `limit` pieces are running, and throws the first failure so far. */
  add(work: Promise<unknown>): Promise<void>;
  /** Wait for everything in flight; throws the first failure. */
  drain(): Promise<void>;
  /** Wait for everything in flight, whatever happened (for clean-up). */
  settle(): Promise<void>;
  /** Throws the first failure so far, if any piece failed. */
  check(): void;
}

export function inFlight(limit: number): InFlight {
  const running = new Set<Promise<void>>();
  let failure: unknown;
  let failed = false;
  const check = () => {
    if (failed) throw failure;
  };
  return {
    async add(work) {
      const piece: Promise<void> = work
        .then(
          () => {},
          (error: unknown) => {
            if (!failed) [failed, failure] = [true, error];
          },
        )
        .finally(() => running.delete(piece));
      running.add(piece);
      while (running.size >= limit) await Promise.race(running);
      check();
    },
    async drain() {
      await Promise.all(running);
      check();
    },
    async settle() {
      await Promise.allSettled(running);
    },
    check,
  };
}
