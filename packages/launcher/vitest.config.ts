import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks (the in-process kits run the Functions runtime, which sets process-wide
    // globals), not isolated: the files share one worker at a time and each stops the
    // kits it started, so the runtime and the emulator load once, not once per file.
    pool: 'forks',
    isolate: false,
    testTimeout: 30_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-launcher.json' }]],
  },
});
