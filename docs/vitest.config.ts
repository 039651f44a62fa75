import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The files share one worker, one after another (a process per file cost a tenth
    // of the package's CPU time, issue #22): they read the pages and call the code.
    pool: 'forks',
    isolate: false,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../.test-report/vitest-docs.json' }]],
  },
});
