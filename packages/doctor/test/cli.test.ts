import { usageProblem } from '@kit/shared/testing';
import { describe, expect, it } from 'vitest';
import { runDoctor } from './support/run-doctor.js';

/**
 * `pnpm run doctor`'s command line, read strictly: a misspelt option or a
 * missing value stops it with exit 2 and the usage, before any check runs.
 */
const run = (args: string[]) => runDoctor(args, { KIT_ENV_FILE: '/nonexistent/kit-doctor/.env' });

/** The reason, then the usage: Japanese (使い方) before English (usage). */
function expectUsage(stderr: string, reason: string): void {
  expect(usageProblem(stderr, reason, 'pnpm run doctor')).toBeUndefined();
}

describe('pnpm doctor: command line', () => {
  it.each([
    [['--froce'], '知らないオプションです: --froce'],
    [['--step', '1', '--froce'], '知らないオプションです: --froce'],
    [['--step'], '--step の後に手順番号を指定してください。'],
    [['--step', '--json'], '--step の後に手順番号を指定してください。'],
    [['--json', '1'], '余分な引数です: 1'],
  ])('refuses %j with the usage (exit 2), running no check', async (args, reason) => {
    const result = await run(args);
    expect(result.code, result.output).toBe(2);
    expectUsage(result.stderr, reason);
    expect(result.stdout).toBe('');
  });

  it('prints the usage on stdout for -h (exit 0), running no check', async () => {
    const result = await run(['-h']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('使い方: pnpm run doctor')).toBe(true);
    expect(result.stdout).toContain('(usage: pnpm run doctor');
    expect(result.stdout).not.toContain('✓');
  });
});
