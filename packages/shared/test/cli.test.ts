import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fail,
  parseCommandLine,
  readPort,
  requireStep,
  runCommandInProcess,
  stepChoiceMessage,
  type Usage,
} from '../src/cli.js';
import { STEPS } from '../src/steps.js';

const USAGE: Usage = {
  japanese: '使い方: pnpm example:step <手順番号> [--dry-run] [--dir フォルダー]',
  english: 'usage: pnpm example:step <N> [--dry-run] [--dir PATH]',
};
const OPTIONS = {
  'dry-run': { type: 'boolean' },
  dir: { type: 'string', value: 'フォルダー' },
} as const;

/** process.exit, made to end the call under test instead of the test run. */
class Exited extends Error {
  constructor(readonly code: number | undefined) {
    super(`exit ${code}`);
  }
}

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Exited(code === undefined || code === null ? undefined : Number(code));
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The exit code a call ended the process with, or the error it threw otherwise. */
function exitCodeOf(call: () => unknown): number | undefined {
  try {
    call();
  } catch (error) {
    if (error instanceof Exited) return error.code;
    throw error;
  }
  throw new Error('the call did not exit');
}

const parse = (args: string[], positionals = 1) =>
  parseCommandLine({ usage: USAGE, options: OPTIONS, positionals, args });

/** The reason comes first, then the usage: Japanese before English in both. */
function expectUsageError(japanese: string, english: string): void {
  expect(stdout).toBe('');
  expect(stderr.startsWith(`✗ ${japanese}`), stderr).toBe(true);
  expect(stderr).toContain(`  (${english}`);
  const usageAt = stderr.indexOf(USAGE.japanese);
  expect(usageAt).toBeGreaterThan(stderr.indexOf(english));
  expect(stderr.indexOf(`(${USAGE.english})`)).toBeGreaterThan(usageAt);
}

describe('parseCommandLine', () => {
  it('reads options, their values and the positionals', () => {
    expect(parse(['4', '--dry-run', '--dir', 'mine'])).toEqual({
      values: { 'dry-run': true, dir: 'mine' },
      positionals: ['4'],
    });
    expect(parse(['--dir=mine', '3'])).toEqual({ values: { dir: 'mine' }, positionals: ['3'] });
  });

  it('drops the `--` that pnpm and turbo hand on', () => {
    expect(parse(['--', '--dry-run', '2'])).toEqual({
      values: { 'dry-run': true },
      positionals: ['2'],
    });
  });

  it('stops on a misspelt option with exit 2 and the usage, Japanese first', () => {
    expect(exitCodeOf(() => parse(['4', '--froce']))).toBe(2);
    expectUsageError('知らないオプションです: --froce', 'unknown option --froce');
  });

  it('stops on an unknown short option', () => {
    expect(exitCodeOf(() => parse(['-x']))).toBe(2);
    expectUsageError('知らないオプションです: -x', 'unknown option -x');
  });

  it.each([[['4', '--dir']], [['--dir', '--dry-run', '4']]])(
    'stops on a missing value %j, naming what the option takes',
    (args) => {
      expect(exitCodeOf(() => parse(args))).toBe(2);
      expectUsageError('--dir の後にフォルダーを指定してください。', '--dir needs a value');
    },
  );

  it('stops on a value given to an option that takes none', () => {
    expect(exitCodeOf(() => parse(['--dry-run=yes']))).toBe(2);
    expectUsageError('--dry-run は値を取りません(指定値: yes)。', '--dry-run takes no value');
  });

  it('stops on more arguments than the command takes', () => {
    expect(exitCodeOf(() => parse(['3', '4']))).toBe(2);
    expectUsageError('余分な引数です: 4', 'unexpected argument "4"');
    stderr = '';
    expect(exitCodeOf(() => parse(['3'], 0))).toBe(2);
    expectUsageError('余分な引数です: 3', 'unexpected argument "3"');
  });

  it.each([['--help'], ['-h']])('prints the usage on stdout for %s and exits 0', (flag) => {
    expect(exitCodeOf(() => parse(['4', flag]))).toBe(0);
    expect(stdout).toBe(`${USAGE.japanese}\n(${USAGE.english})\n`);
    expect(stderr).toBe('');
  });
});

describe('the other helpers', () => {
  it('fail says the problem in Japanese, then English, and exits 1', () => {
    expect(exitCodeOf(() => fail('.env がありません。', 'no .env'))).toBe(1);
    expect(stderr).toBe('✗ .env がありません。\n  (no .env)\n');
  });

  it('readPort takes 1-65535 from the environment, the fallback when unset, and fails otherwise', () => {
    expect(readPort('PORT', 3000, {})).toBe(3000);
    expect(readPort('PORT', 3000, { PORT: '8080' })).toBe(8080);
    for (const raw of ['0', '65536', 'abc', '30 00', '']) {
      stderr = '';
      expect(exitCodeOf(() => readPort('EMULATOR_PORT', 3001, { EMULATOR_PORT: raw }))).toBe(1);
      expect(stderr).toContain(
        `EMULATOR_PORT は 1〜65535 の数値で指定してください(指定値: ${raw})`,
      );
    }
  });

  it('stepChoiceMessage gives the example and every step', () => {
    const message = stepChoiceMessage('deploy:step', 4);
    expect(message.startsWith('手順番号を指定してください(例: pnpm deploy:step 4)。\n')).toBe(true);
    for (const step of STEPS) expect(message).toContain(`  ${step.number}: ${step.title}`);
  });

  it('requireStep finds a step as typed, and is a usage error listing the steps otherwise', () => {
    const command = { name: 'example:step', usage: USAGE };
    expect(requireStep('03', command).number).toBe(3);
    expect(requireStep('step-02', command).number).toBe(2);
    expect(exitCodeOf(() => requireStep('9', command))).toBe(2);
    expectUsageError(`手順 9 はありません。${stepChoiceMessage('example:step')}`, 'no step "9"');
    stderr = '';
    expect(exitCodeOf(() => requireStep(undefined, command))).toBe(2);
    expectUsageError(stepChoiceMessage('example:step'), 'a step number 1-');
  });
});

describe('runCommandInProcess', () => {
  const collect = () => {
    const io = { out: '', err: '' };
    return {
      io,
      commandIo: {
        stdout: (text: string) => {
          io.out += text;
        },
        stderr: (text: string) => {
          io.err += text;
        },
        env: { PORT: '70000' },
      },
    };
  };

  it('turns usageError, fail and --help into exit codes written to its io, never process.exit', async () => {
    const usage = collect();
    expect(await runCommandInProcess(usage.commandIo, () => parse(['4', '--froce']))).toBe(2);
    expect(usage.io.err.startsWith('✗ 知らないオプションです: --froce')).toBe(true);
    const help = collect();
    expect(await runCommandInProcess(help.commandIo, () => parse(['--help']))).toBe(0);
    expect(help.io.out.startsWith(USAGE.japanese)).toBe(true);
    const failed = collect();
    expect(await runCommandInProcess(failed.commandIo, () => fail('壊れています', 'broken'))).toBe(
      1,
    );
    expect(failed.io.err).toBe('✗ 壊れています\n  (broken)\n');
    // readPort reads the command's environment, not the process's.
    const port = collect();
    expect(await runCommandInProcess(port.commandIo, () => readPort('PORT', 3000))).toBe(1);
    expect(port.io.err).toContain('70000');
    expect(process.exit).not.toHaveBeenCalled();
    expect(stdout + stderr).toBe('');
  });

  it('returns what main returns, and lets any other error through', async () => {
    const { commandIo } = collect();
    expect(await runCommandInProcess(commandIo, async () => 3)).toBe(3);
    expect(await runCommandInProcess(commandIo, async () => {})).toBe(0);
    await expect(
      runCommandInProcess(commandIo, () => {
        throw new Error('crash');
      }),
    ).rejects.toThrow('crash');
    expect(exitCodeOf(() => fail('外', 'outside'))).toBe(1);
  });
});
