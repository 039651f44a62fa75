import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The files share one worker, one after another (isolate: false: half the package's
    // CPU time, issue #22). Only step-04-functions.test.ts runs the Functions runtime,
    // which sets process globals, and no other file reads them.
    pool: 'forks',
    isolate: false,
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-emulator.json' }]],
  },
});
