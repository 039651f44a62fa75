import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The board's tests say `@vitest-environment happy-dom` themselves.
    include: ['test/**/*.test.ts', 'board/test/**/*.test.ts'],
    // The files share one worker, one after another: each test makes its own room folder
    // and server, and a process per file cost half the package's CPU time (issue #22).
    pool: 'forks',
    isolate: false,
    testTimeout: 20_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-room.json' }]],
  },
});
