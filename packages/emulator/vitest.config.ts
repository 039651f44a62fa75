import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The step-04 test serves real Functions, whose runtime sets process globals: one process per file.
    pool: 'forks',
    isolate: true,
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-emulator.json' }]],
  },
});
