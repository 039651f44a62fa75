import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Forks, not threads: the fake serves deployed steps with the Functions runtime,
    // which sets process-wide globals, and the in-process commands trust the fake's CA
    // by wrapping tls.connect. Not isolated: the files share one worker at a time and
    // each restores what it changed (the fake closed, tls.connect and process.env put
    // back), so the TypeScript compiler and the Twilio libraries are loaded and warmed
    // once per worker instead of once per file (a cold step build is ~4 s, a warm one 0.5 s).
    pool: 'forks',
    isolate: false,
    include: ['test/**/*.test.ts'],
    // A deploy compiles its step in the test's process; with every package testing at
    // once on 2 cores a cold one can take tens of seconds.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: '../../.test-report/vitest-deploy.json' }]],
  },
});
