import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, usageProblem } from '@kit/shared/testing';
import { describe, expect, it } from 'vitest';

/**
 * `pnpm bench`'s command line (src/main.ts), read strictly: a misspelt option
 * or an unknown section stops it with exit 2 and the usage before any section runs.
 */
const BENCH_PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

function bench(args: string[]) {
  return runCommand(join(BENCH_PACKAGE_DIR, 'node_modules/.bin/tsx'), ['src/main.ts', ...args], {
    cwd: BENCH_PACKAGE_DIR,
    env: { ...process.env, FORCE_COLOR: '0', BENCH_QUICK: '1' },
  });
}

/** The reason, then the usage: Japanese (使い方) before English (usage). */
function expectUsage(stderr: string, reason: string): void {
  expect(usageProblem(stderr, reason, 'pnpm --filter @kit/bench bench')).toBeUndefined();
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
