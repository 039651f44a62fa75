import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Forks, not threads: files that launch a step run the Functions runtime, which
    // sets process-wide globals, and the in-process doctor runs set HTTP_PROXY and
    // KIT_WORKSPACE_DIR for their length and restore them. The files share one worker,
    // one after another (isolate: false): a fresh process per file cost a quarter of the
    // package's CPU time (issue #22). The one failure seen with a shared worker, an ES
    // module of @kit/shared loaded without its exports, was a kit command rebuilding
    // @kit/shared mid-run, which KIT_PREBUILT now prevents.
    pool: 'forks',
    isolate: false,
    include: ['test/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 150_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-doctor.json' }]],
  },
});
