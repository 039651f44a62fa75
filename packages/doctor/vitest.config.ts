import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Forks, not threads: files that launch a step run the Functions runtime, which
    // sets process-wide globals, and the in-process doctor runs set HTTP_PROXY and
    // KIT_WORKSPACE_DIR for their length. One process per file: sharing one worker
    // between files (isolate: false) failed in a fresh-clone CI run under full load (an
    // ES module of @kit/shared loaded without its exports).
    pool: 'forks',
    isolate: true,
    include: ['test/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 150_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-doctor.json' }]],
  },
});
