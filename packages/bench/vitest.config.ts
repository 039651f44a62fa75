import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forked workers with --expose-gc: the soak test reads the heap after a forced GC.
    pool: 'forks',
    execArgv: ['--expose-gc'],
    // Not isolated: the files share one worker at a time (each closes the servers it
    // started), so the emulator, the runtime and `twilio` load once, not once per file.
    isolate: false,
    testTimeout: 40_000,
    hookTimeout: 30_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-bench.json' }]],
  },
});
