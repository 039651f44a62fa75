import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Forks, not threads: files that launch a step run the Functions runtime, which
    // sets process-wide globals, and the in-process doctor runs set HTTP_PROXY and
    // KIT_WORKSPACE_DIR for their length. Not isolated: the files share one worker at a
    // time and each closes what it started and puts back what it set, so the launcher,
    // the Functions runtime and `twilio` are loaded once per worker, not once per file.
    pool: 'forks',
    isolate: false,
    include: ['test/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 150_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-doctor.json' }]],
  },
});
