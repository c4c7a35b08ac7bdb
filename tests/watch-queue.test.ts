// The watch queue on fake timers: how changed paths become rebuilds.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWatchQueue } from '../src/dev/watch-queue.js';

/** A `run` that records each batch and finishes only when the test says so. */
function controlledRun() {
  const batches: string[][] = [];
  const finishers: Array<(error?: Error) => void> = [];
  const run = vi.fn((changed: ReadonlySet<string>) => {
    batches.push([...changed]);
    return new Promise<void>((resolve, reject) => finishers.push((error) => (error ? reject(error) : resolve())));
  });
  /** Settle the oldest unfinished run, then let the queue react. */
  const finish = async (error?: Error) => {
    finishers.shift()?.(error);
    await vi.advanceTimersByTimeAsync(0);
  };
  return { run, batches, finish };
}

/** A `run` that finishes at once. */
function instantRun() {
  const batches: string[][] = [];
  const run = vi.fn(async (changed: ReadonlySet<string>) => void batches.push([...changed]));
  return { run, batches };
}

describe('watch queue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('should wait for a burst\'s quiet after a deletion, since rm -rf and checkouts begin with one', async () => {
    const { run, batches } = instantRun();
    const queue = createWatchQueue({ run, quietMs: 10, burstQuietMs: 40 });
    queue.add('content/a.md', true);
    // A lone save would run after 10 ms; a lone deletion waits, and the rest of the removal joins it.
    await vi.advanceTimersByTimeAsync(30);
    expect(run).not.toHaveBeenCalled();
    queue.add('content/b.md', true);
    queue.add('content', true);
    await vi.advanceTimersByTimeAsync(40);
    expect(batches).toEqual([['content/a.md', 'content/b.md', 'content']]);
    // Once that ran, a save of a path deleted before is a save like any other.
    queue.add('content/a.md');
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toHaveLength(2);
  });

  it('should turn a burst of 1,000 changes into one run with every path', async () => {
    const { run, batches } = instantRun();
    const queue = createWatchQueue({ run, burstQuietMs: 40 });
    const paths = Array.from({ length: 1000 }, (_, i) => `content/story-${i}.md`);
    for (const path of paths) queue.add(path);

    await vi.advanceTimersByTimeAsync(39);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await queue.idle();

    expect(run).toHaveBeenCalledTimes(1);
    expect(batches[0]).toEqual(paths);
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('should wait until no path has arrived for quietMs', async () => {
    const { run } = instantRun();
    const queue = createWatchQueue({ run, quietMs: 40, burstQuietMs: 40 });
    queue.add('a.md');
    await vi.advanceTimersByTimeAsync(30);
    queue.add('b.md');
    await vi.advanceTimersByTimeAsync(30);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('should collapse duplicate paths', async () => {
    const { run, batches } = instantRun();
    const queue = createWatchQueue({ run, burstQuietMs: 40 });
    for (const path of ['a.md', 'b.md', 'a.md', 'a.md', 'b.md']) queue.add(path);
    await vi.advanceTimersByTimeAsync(40);
    expect(batches).toEqual([['a.md', 'b.md']]);
  });

  it('should hold paths added during a run and run them once, right after', async () => {
    const { run, batches, finish } = controlledRun();
    const queue = createWatchQueue({ run });
    queue.add('first.md');
    await vi.advanceTimersByTimeAsync(40);
    expect(batches).toEqual([['first.md']]);

    queue.add('during-1.md');
    queue.add('during-2.md');
    queue.add('first.md');
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(1);

    await finish();
    expect(batches).toEqual([['first.md'], ['during-1.md', 'during-2.md', 'first.md']]);

    await finish();
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(2);
    await expect(queue.idle()).resolves.toBeUndefined();
  });

  it('should still wait out the quiet time for paths that arrive just before a run ends', async () => {
    const { run, batches, finish } = controlledRun();
    const queue = createWatchQueue({ run, burstQuietMs: 40 });
    queue.add('first.md');
    await vi.advanceTimersByTimeAsync(40);
    queue.add('late.md');
    await finish();
    expect(run).toHaveBeenCalledTimes(1);
    queue.add('later.md');
    await vi.advanceTimersByTimeAsync(40);
    expect(batches).toEqual([['first.md'], ['late.md', 'later.md']]);
  });

  it('should keep going after a run rejects', async () => {
    const { run, batches, finish } = controlledRun();
    const onError = vi.fn();
    const queue = createWatchQueue({ run, onError });
    queue.add('broken.md');
    await vi.advanceTimersByTimeAsync(40);
    queue.add('next.md');
    await finish(new Error('template exploded'));
    expect(onError).toHaveBeenCalledWith(new Error('template exploded'));

    await vi.advanceTimersByTimeAsync(40);
    expect(batches).toEqual([['broken.md'], ['next.md']]);
    queue.add('after.md');
    await finish();
    await vi.advanceTimersByTimeAsync(40);
    expect(batches).toEqual([['broken.md'], ['next.md'], ['after.md']]);
  });

  it('should keep going after a run throws synchronously', async () => {
    const onError = vi.fn();
    const run = vi.fn((changed: ReadonlySet<string>) => {
      if (changed.has('bad.md')) throw new Error('sync');
      return Promise.resolve();
    });
    const queue = createWatchQueue({ run, onError });
    queue.add('bad.md');
    await vi.advanceTimersByTimeAsync(40);
    queue.add('good.md');
    await vi.advanceTimersByTimeAsync(40);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('should run a never-ending stream every maxWaitMs', async () => {
    const { run, batches } = instantRun();
    const queue = createWatchQueue({ run, quietMs: 40, maxWaitMs: 400 });
    // A path every 10 ms never leaves 40 ms of quiet.
    for (let i = 0; i < 100; i++) {
      queue.add(`stream-${i}.md`);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(run).toHaveBeenCalledTimes(2);
    expect(batches[0]).toHaveLength(40);
    expect(batches[0]?.[0]).toBe('stream-0.md');
    expect(batches[1]?.[0]).toBe('stream-40.md');
  });

  it('should resolve idle() only when nothing is waiting or running', async () => {
    const { run, finish } = controlledRun();
    const queue = createWatchQueue({ run });
    await expect(queue.idle()).resolves.toBeUndefined();

    let idle = false;
    queue.add('a.md');
    void queue.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(40);
    expect(idle).toBe(false);
    await finish();
    expect(idle).toBe(true);
  });

  it('should stop everything on close()', async () => {
    const { run } = instantRun();
    const queue = createWatchQueue({ run });
    queue.add('a.md');
    queue.close();
    await expect(queue.idle()).resolves.toBeUndefined();
    queue.add('b.md');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(run).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('should let a run already going finish after close(), and start no other', async () => {
    const { run, finish } = controlledRun();
    const queue = createWatchQueue({ run });
    queue.add('a.md');
    await vi.advanceTimersByTimeAsync(40);
    queue.add('held.md');
    await vi.advanceTimersByTimeAsync(40);
    queue.close();

    let idle = false;
    void queue.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(idle).toBe(false);
    await finish();
    expect(idle).toBe(true);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('should wait longer once a batch holds several paths, so a slow burst stays one run', async () => {
    const run = vi.fn(async () => {});
    const queue = createWatchQueue({ run });
    queue.add('/site/content/one.md');
    await vi.advanceTimersByTimeAsync(40);
    expect(run).toHaveBeenCalledTimes(1); // a single save builds at once

    queue.add('/site/content/burst-start.md');
    for (let i = 0; i < 5; i++) {
      queue.add(`/site/content/burst-${i}.md`);
      await vi.advanceTimersByTimeAsync(200); // gaps a 40 ms window would split on
    }
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(400);
    expect(run).toHaveBeenCalledTimes(2);
    expect([...(run.mock.calls[1] as unknown as [Set<string>])[0]]).toHaveLength(6);
    queue.close();
  });

  it('should cancel a young run when more paths arrive, and run it again with them', async () => {
    const batches: string[][] = [];
    const run = vi.fn(async (changed: ReadonlySet<string>, signal: AbortSignal) => {
      batches.push([...changed]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return !signal.aborted;
    });
    const queue = createWatchQueue({ run });
    queue.add('/site/content/first.md');
    await vi.advanceTimersByTimeAsync(25); // looks like a single save: the run starts
    expect(run).toHaveBeenCalledTimes(1);
    queue.add('/site/content/second.md'); // the rest of the burst cancels it
    await vi.advanceTimersByTimeAsync(100 + 400 + 100);
    expect(batches).toEqual([['/site/content/first.md'], ['/site/content/first.md', '/site/content/second.md']]);
    await queue.idle();
    queue.close();
  });

  it('should not cancel a run whose batch has waited past maxWaitMs', async () => {
    const run = vi.fn(async (_changed: ReadonlySet<string>, signal: AbortSignal) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return !signal.aborted;
    });
    const queue = createWatchQueue({ run, maxWaitMs: 300 });
    queue.add('/site/content/first.md');
    await vi.advanceTimersByTimeAsync(25 + 400); // the run is now older than maxWaitMs
    queue.add('/site/content/second.md');
    await vi.advanceTimersByTimeAsync(2000);
    expect(run.mock.calls.map((call) => [...call[0]])).toEqual([['/site/content/first.md'], ['/site/content/second.md']]);
    queue.close();
  });
});

