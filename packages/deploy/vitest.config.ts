import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The fake serves deployed steps with the Functions runtime, which sets
    // process-wide globals, and the in-process commands trust the fake's CA by
    // wrapping tls.connect: one process per test file.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // A deploy compiles its step in the test's process; with every package testing at
    // once on 2 cores a cold one can take tens of seconds.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-deploy.json' }]],
  },
});
