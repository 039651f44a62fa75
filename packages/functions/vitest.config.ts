import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The files share a worker, one after another (isolate: false): a process per file
    // cost a tenth of the package's CPU time (issue #22). The Functions runtime sets
    // process-wide globals (Twilio, Runtime): every file that needs them installs them
    // for its own step folder before its tests (installRuntimeGlobals).
    pool: 'forks',
    isolate: false,
    globalSetup: ['./test/support/build-steps.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Vitest's default on 2 cores is one worker, one file after another; most
    // files here wait on child processes (step:check's Vitest, the CLIs), so two
    // files at a time keep both cores busy.
    maxWorkers: 2,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs);
    // not for step:check's own child run on a learner's folder (STEP_DIR), which names its
    // reporter and report file on the command line.
    ...(process.env.STEP_DIR
      ? {}
      : {
          reporters: [
            'default',
            ['json', { outputFile: '../../.test-report/vitest-functions.json' }],
          ],
        }),
  },
});
