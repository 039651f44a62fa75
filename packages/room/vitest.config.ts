import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The board's tests say `@vitest-environment happy-dom` themselves.
    include: ['test/**/*.test.ts', 'board/test/**/*.test.ts'],
    testTimeout: 20_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-room.json' }]],
  },
});
