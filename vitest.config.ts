import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Vitest 4 runs availableParallelism() - 1 files at once: one at a time on 2 cores. Most
    // files here wait on child processes, worker threads or the disk, so two at a time fill
    // both cores (the browser and dev-session files run on their own, see package.json).
    maxWorkers: 2,
    // Generous: some tests start the compiled CLI as a child process on a 2-core machine.
    // Hooks too: a beforeAll that starts `broadsheet dev` waits for its Serving line, which
    // on a busy machine takes longer than vitest's default 10 s.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
