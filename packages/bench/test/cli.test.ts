import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandRun, runCommand, usageProblem } from '@kit/shared/testing';
import { describe, expect, it } from 'vitest';
import { benchMain } from '../src/command.js';

/**
 * `pnpm bench`'s command line (src/main.ts), read strictly: a misspelt option
 * or an unknown section stops it with exit 2 and the usage before any section runs.
 */
const BENCH_PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

const ENV = { ...process.env, FORCE_COLOR: '0', BENCH_QUICK: '1' };

/** The command in this process: the same benchMain the bin calls, its output collected. */
async function bench(args: string[]): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  const code = await benchMain(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: ENV,
  });
  return { code, stdout, stderr, output: `${stdout}\n${stderr}` };
}

/** The bin as a child process (tsx src/main.ts), as `pnpm bench` runs it. */
function benchChild(args: string[]): Promise<CommandRun> {
  return runCommand(join(BENCH_PACKAGE_DIR, 'node_modules/.bin/tsx'), ['src/main.ts', ...args], {
    cwd: BENCH_PACKAGE_DIR,
    env: ENV,
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

  it('the bin itself (a child process) exits 2 on an unknown section and 0 for --help', async () => {
    const unknown = await benchChild(['docz']);
    expect(unknown.code, unknown.stderr).toBe(2);
    expectUsage(unknown.stderr, '知らない計測項目です: docz');
    expect(unknown.stdout).toBe('');
    const help = await benchChild(['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout.startsWith('使い方: pnpm --filter @kit/bench bench')).toBe(true);
  });
});
