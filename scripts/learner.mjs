#!/usr/bin/env node
// pnpm step:start|check|diff|solution N — the learner's commands. They run the
// kit's own script directly so that nothing stands in front of its words: the
// packages it needs are built first (turbo, cached), and turbo's and pnpm's
// output is shown only if that build fails.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const functionsDir = join(root, 'packages/functions');

const build = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--filter=@kit/functions^...', '--output-logs=errors-only'],
  { cwd: root, encoding: 'utf8', env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env } },
);
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
  console.error('✗ キットのビルドに失敗しました。上の出力を確認してください(kit build failed)。');
  process.exit(build.status ?? 1);
}

const step = spawnSync(
  join(functionsDir, 'node_modules/.bin/tsx'),
  [join(functionsDir, 'scripts/step.ts'), ...process.argv.slice(2)],
  { cwd: functionsDir, stdio: 'inherit' },
);
process.exit(step.status ?? 1);
