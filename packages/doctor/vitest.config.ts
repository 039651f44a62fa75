import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Files that launch a step run the Functions runtime, which sets
    // process-wide globals: one process per test file.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 150_000,
  },
});
