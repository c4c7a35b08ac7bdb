import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Generous: some tests start the compiled CLI as a child process on a 2-core machine.
    testTimeout: 60_000,
  },
});
