import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['repo/**/*.test.ts'],
    // These read the whole repository (every README, page and source string); with every
    // package and the e2e specs running at once on 2 cores, one has taken over 5 s.
    testTimeout: 30_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../.test-report/vitest-tests.json' }]],
  },
});
