import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['repo/**/*.test.ts'],
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../.test-report/vitest-tests.json' }]],
  },
});
