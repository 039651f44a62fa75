import { usageProblem } from '@kit/shared/testing';
import { describe, expect, it } from 'vitest';
import { runDoctor, runDoctorChild } from './support/run-doctor.js';

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

  it('the bin itself (a child process) exits 2, 0 and 1 as the command returns them', async () => {
    const env = { KIT_ENV_FILE: '/nonexistent/kit-doctor/.env' };
    const misspelt = await runDoctorChild(['--froce'], env);
    expect(misspelt.code, misspelt.output).toBe(2);
    expectUsage(misspelt.stderr, '知らないオプションです: --froce');
    const help = await runDoctorChild(['-h'], env);
    expect(help.code, help.output).toBe(0);
    expect(help.stdout.startsWith('使い方: pnpm run doctor')).toBe(true);
    // No .env: a failed check, the whole report still printed (as JSON here) before the exit.
    const failed = await runDoctorChild(['--json'], env);
    expect(failed.code, failed.output).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false });
  });
});
