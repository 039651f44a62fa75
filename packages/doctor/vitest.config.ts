import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Files that launch a step run the Functions runtime, which sets process-wide
    // globals, and the in-process doctor runs set HTTP_PROXY and KIT_WORKSPACE_DIR
    // for their length: one process per test file.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 150_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-doctor.json' }]],
  },
});
