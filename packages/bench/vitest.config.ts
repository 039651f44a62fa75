import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forked workers with --expose-gc: the soak test reads the heap after a forced GC.
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 40_000,
    hookTimeout: 30_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-bench.json' }]],
  },
});
