import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Functions runtime sets process-wide globals (Twilio, Runtime): one process per test file.
    pool: 'forks',
    isolate: true,
    globalSetup: ['./test/support/build-steps.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
