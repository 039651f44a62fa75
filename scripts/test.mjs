#!/usr/bin/env node
// pnpm test: every package's tests through turbo (extra arguments go to `turbo run test test:site test:e2e test:e2e:site`),
// then the slowest tests and files of this run (scripts/test-report.mjs), whatever the
// outcome; the exit code is turbo's. The reports of an earlier run are removed first, so
// the list is this run's.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { printSlowest, REPORT_DIR } from './test-report.mjs';

rmSync(REPORT_DIR, { recursive: true, force: true });
// The docs site is built once, as the Pages workflow publishes a project (under a
// sub-path, naming a sample repository), and every check of the site reads that
// build: tests/repo/site-build.ts. turbo passes these only to the docs build.
const siteBuildEnv = JSON.parse(
  readFileSync(new URL('../tests/site-build-env.json', import.meta.url), 'utf8'),
);
const started = Date.now();
const turbo = spawn(
  'pnpm',
  // @kit/tests' checks are four tasks (turbo.json): Playwright runs beside the packages'
  // Vitest runs, and only the checks of the built docs site wait for the docs build.
  [
    'exec',
    'turbo',
    'run',
    'test',
    'test:site',
    'test:e2e',
    'test:e2e:site',
    '--continue',
    ...process.argv.slice(2),
  ],
  // Kit commands the tests run (pnpm dev, call:signed…) skip their own build: see scripts/kit.mjs.
  { stdio: 'inherit', env: { ...process.env, ...siteBuildEnv, KIT_PREBUILT: '1' } },
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
