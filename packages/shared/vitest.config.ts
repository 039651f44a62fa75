import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Pure code: the files share one worker, one after another (a process per file
    // cost half the package's CPU time, issue #22).
    pool: 'forks',
    isolate: false,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-shared.json' }]],
  },
});
