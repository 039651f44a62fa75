#!/usr/bin/env node
// pnpm test: every package's tests through turbo (extra arguments go to `turbo run test test:e2e`),
// then the slowest tests and files of this run (scripts/test-report.mjs), whatever the
// outcome; the exit code is turbo's. The reports of an earlier run are removed first, so
// the list is this run's.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { printSlowest, REPORT_DIR } from './test-report.mjs';

rmSync(REPORT_DIR, { recursive: true, force: true });
const started = Date.now();
const turbo = spawn(
  'pnpm',
  // test:e2e (Playwright, @kit/tests) is a task of its own so it runs beside the
  // packages' Vitest runs instead of after @kit/tests' own.
  ['exec', 'turbo', 'run', 'test', 'test:e2e', '--continue', ...process.argv.slice(2)],
  // Kit commands the tests run (pnpm dev, call:signed…) skip their own build: see scripts/kit.mjs.
  { stdio: 'inherit', env: { ...process.env, KIT_PREBUILT: '1' } },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // Ctrl-C already reached turbo (same process group); a lone signal did not.
  process.on(signal, () => turbo.kill(signal));
}
turbo.on('exit', (code, signal) => {
  printSlowest(started);
  console.log(`pnpm test: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = code ?? (signal ? 1 : 0);
});
