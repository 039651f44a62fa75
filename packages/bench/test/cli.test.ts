import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `pnpm bench`'s command line (src/main.ts), read strictly: a misspelt option
 * or an unknown section stops it with exit 2 and the usage before any section runs.
 */
const BENCH_PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

async function bench(args: string[]) {
  const child = spawn(join(BENCH_PACKAGE_DIR, 'node_modules/.bin/tsx'), ['src/main.ts', ...args], {
    cwd: BENCH_PACKAGE_DIR,
    env: { ...process.env, FORCE_COLOR: '0', BENCH_QUICK: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** The reason, then the usage: Japanese (使い方) before English (usage). */
function expectUsage(stderr: string, reason: string): void {
  expect(stderr.startsWith(`✗ ${reason}`), stderr).toBe(true);
  const japanese = stderr.indexOf('使い方: pnpm --filter @kit/bench bench');
  expect(japanese, stderr).toBeGreaterThan(0);
  expect(stderr.indexOf('(usage: pnpm --filter @kit/bench bench'), stderr).toBeGreaterThan(
    japanese,
  );
}

describe('pnpm bench: command line', () => {
  it.each([
    [['--froce'], '知らないオプションです: --froce'],
    [['--', 'docs', '--froce'], '知らないオプションです: --froce'],
    [['docz'], '知らない計測項目です: docz'],
  ])('refuses %j with the usage (exit 2), measuring nothing', async (args, reason) => {
    const result = await bench(args);
    expect(result.code, result.stderr).toBe(2);
    expectUsage(result.stderr, reason);
    expect(result.stdout).toBe('');
  });

  it('prints the usage on stdout for --help (exit 0), measuring nothing', async () => {
    const result = await bench(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('使い方: pnpm --filter @kit/bench bench')).toBe(true);
    expect(result.stdout).toContain('token endpoint');
    expect(result.stdout).not.toContain('bench: ');
  });
});
