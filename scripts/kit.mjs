#!/usr/bin/env node
// node scripts/kit.mjs <package> <script.ts> [args…] — how every root command
// that runs a kit script (pnpm dev, dev:step, step:*, call:signed, setup:twilio,
// deploy:step, teardown:step, doctor, bench) runs it:
// - the packages it needs are built first (turbo, cached); turbo's and pnpm's
//   output is shown only if that build fails, so nothing stands in front of the
//   script's own words;
// - the script then runs as this process's child, and a signal sent to this
//   process alone (SIGTERM from an IDE or a process manager, not only Ctrl-C)
//   reaches it. Run through `turbo run`, the script sat in a process group of
//   turbo's own and kept serving after `pnpm dev` was stopped;
// - its exit code is this process's (2 for a usage error), not turbo's.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [packageName, script, ...args] = process.argv.slice(2);
if (!packageName || !script) {
  console.error('使い方: node scripts/kit.mjs <package> <script.ts> [引数…]');
  console.error('(usage: node scripts/kit.mjs <package> <script.ts> [args…])');
  process.exit(2);
}
const packageDir = join(root, 'packages', packageName);
// Packages whose commands serve their own build (the room serves its board) are built
// with their dependencies; the others need only their dependencies'.
const SELF_BUILT = new Set(['room']);

// KIT_PREBUILT=1 (set by `pnpm test` for its tasks): turbo has already built everything
// before the tests. Without turbo's daemon (as in CI), a cache-hit build restores every
// output again, rewriting dist/ folders that other tests are reading at that moment.
const build =
  process.env.KIT_PREBUILT === '1'
    ? { status: 0, stdout: '', stderr: '' }
    : spawnSync(
        'pnpm',
        [
          'exec',
          'turbo',
          'run',
          'build',
          `--filter=@kit/${packageName}${SELF_BUILT.has(packageName) ? '' : '^'}...`,
          '--output-logs=errors-only',
        ],
        { cwd: root, encoding: 'utf8', env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env } },
      );
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
  console.error('✗ キットのビルドに失敗しました。上の出力を確認してください(kit build failed)。');
  process.exit(build.status ?? 1);
}

const child = spawn(join(packageDir, 'node_modules/.bin/tsx'), [script, ...args], {
  cwd: packageDir,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // Ctrl-C already reached the child (same process group); a lone signal did not.
  process.on(signal, () => child.kill(signal));
}
// pnpm passes a signal to the shell it runs a script in, and the shell does not
// pass it on: `pnpm dev` and `dev:step` therefore `exec` this script in place of
// the shell. Where a shell still stands between (another command, or pnpm killed
// outright), this process is orphaned when it goes: stop the child then.
const parent = process.ppid;
const watchParent = setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 250);
child.on('exit', (code) => {
  clearInterval(watchParent);
  process.exitCode = code ?? 1;
});
