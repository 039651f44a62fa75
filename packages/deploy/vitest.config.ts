import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The fake serves deployed steps with the Functions runtime, which sets
    // process-wide globals: one process per test file.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // Each test runs the real CLI (a build and a deploy through the fake) in a child
    // process; with every package testing at once on 2 cores one took over 60 s.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
