import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, one process per file: the in-process kits run the Functions runtime, which
    // sets process-wide globals and module state. Sharing one worker between files
    // (isolate: false) failed in fresh-clone CI runs under full load (a live-reload kit
    // found its assets route gone); the few seconds of loading per file are kept.
    pool: 'forks',
    isolate: true,
    testTimeout: 30_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-launcher.json' }]],
  },
});
