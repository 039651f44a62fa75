#!/usr/bin/env node
// node scripts/with-node.mjs <major> <command> [args…] — runs a command with
// another Node.js major first on PATH, so the Functions can be tested on the
// version Twilio deploys them to (node22) whatever Node the machine has.
// The binary comes from the npm registry (the `node-<platform>-<arch>` packages
// that Node's own release process publishes), cached under node_modules/.cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [major, command, ...args] = process.argv.slice(2);
if (!/^\d+$/.test(major ?? '') || !command) {
  console.error('使い方: node scripts/with-node.mjs <メジャー版> <コマンド> [引数…]');
  console.error('(usage: node scripts/with-node.mjs <major> <command> [args…])');
  process.exit(2);
}

const platform = process.platform === 'win32' ? 'win' : process.platform;
const packageName = `node-${platform}-${process.arch}`;
const cacheDir = join(root, 'node_modules/.cache/kit-node', `${packageName}-${major}`);
const binDir = join(cacheDir, 'package', platform === 'win' ? '' : 'bin');

function run(file, argv, options = {}) {
  const result = spawnSync(file, argv, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`✗ ${file} ${argv.join(' ')} が失敗しました(failed)。`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(binDir, platform === 'win' ? 'node.exe' : 'node'))) {
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  console.log(`::kit:: npm から ${packageName}@${major} を取得します(fetching Node ${major})`);
  run('npm', ['pack', '--silent', `${packageName}@${major}`, '--pack-destination', cacheDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(cacheDir).find((name) => name.endsWith('.tgz'));
  if (!tarball) {
    console.error(`✗ ${packageName}@${major} を取得できませんでした(npm pack produced nothing)。`);
    process.exit(1);
  }
  run('tar', ['-xzf', tarball], { cwd: cacheDir });
  rmSync(join(cacheDir, tarball));
}

const separator = process.platform === 'win32' ? ';' : ':';
const env = { ...process.env, PATH: `${binDir}${separator}${process.env.PATH ?? ''}` };
const version = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout.trim();
if (!version.startsWith(`v${major}.`)) {
  console.error(`✗ PATH の node が ${version} です(expected Node ${major})。`);
  process.exit(1);
}
console.log(`::kit:: Node ${version}: ${command} ${args.join(' ')}`);
const result = spawnSync(command, args, { stdio: 'inherit', env, cwd: process.cwd() });
process.exit(result.status ?? 1);
