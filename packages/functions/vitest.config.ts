import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Functions runtime sets process-wide globals (Twilio, Runtime): one process per test file.
    pool: 'forks',
    isolate: true,
    globalSetup: ['./test/support/build-steps.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Vitest's default on 2 cores is one worker, one file after another; most
    // files here wait on child processes (step:check's Vitest, the CLIs), so two
    // files at a time keep both cores busy.
    maxWorkers: 2,
  },
});
