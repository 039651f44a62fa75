import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@kit/shared/ports';
import { runCommand, usageProblem } from '@kit/shared/testing';
import { describe, expect, it } from 'vitest';
import { devInProcess } from './support/dev-in-process.js';

/**
 * The command line of `pnpm dev` / `pnpm dev:step N` (scripts/dev.ts, strict):
 * a misspelt option stops it with exit 2 and the usage before anything starts.
 */
const LAUNCHER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

async function dev(args: string[]) {
  const envFile = join(await mkdtemp(join(tmpdir(), 'kit-dev-cli-')), '.env');
  const env = { KIT_ENV_FILE: envFile, PORT: String(await freePort()) };
  // In this process (what the bin calls): a usage error starts nothing, so nothing to stop.
  const run = devInProcess(args, env);
  const code = await run.exit();
  return { code, stdout: run.stdout(), stderr: run.stderr(), envFile };
}

/** The bin as a child process (tsx scripts/dev.ts): the exit code a user sees. */
async function devChild(args: string[]) {
  const envFile = join(await mkdtemp(join(tmpdir(), 'kit-dev-cli-')), '.env');
  const run = await runCommand(
    join(LAUNCHER_DIR, 'node_modules/.bin/tsx'),
    ['scripts/dev.ts', ...args],
    {
      cwd: LAUNCHER_DIR,
      env: {
        ...process.env,
        FORCE_COLOR: '0',
        KIT_ENV_FILE: envFile,
        PORT: String(await freePort()),
      },
    },
  );
  return { ...run, envFile };
}

/** The reason, then the usage: Japanese (使い方) before English (usage). */
function expectUsage(stderr: string, reason: string): void {
  expect(usageProblem(stderr, reason, 'pnpm dev:step')).toBeUndefined();
}

describe('pnpm dev / dev:step command line', { timeout: 60_000 }, () => {
  it.each([[['3', '--froce']], [['--finished', '--froce']]])(
    'refuses a misspelt option %j with the usage (exit 2), starting nothing',
    async (args) => {
      const run = await dev(args);
      expect(run.code, run.stderr).toBe(2);
      expectUsage(run.stderr, '知らないオプションです: --froce');
      expect(run.stdout).toBe('');
      // The first thing a start does is write a local .env: there is none.
      expect(existsSync(run.envFile)).toBe(false);
    },
  );

  it('refuses a step number after pnpm dev, naming pnpm dev:step', async () => {
    const run = await dev(['--finished', '3']);
    expect(run.code).toBe(2);
    expectUsage(run.stderr, 'pnpm dev は手順番号を取りません。');
    expect(run.stderr).toContain('pnpm dev:step 3');
  });

  it('prints the usage on stdout for --help (exit 0)', async () => {
    const run = await dev(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('使い方: pnpm dev:step')).toBe(true);
    expect(run.stdout).toContain('(usage: pnpm dev:step');
    expect(run.stderr).toBe('');
    expect(existsSync(run.envFile)).toBe(false);
  });

  it('the bin itself (a child process) exits 2 on a misspelt option, starting nothing', async () => {
    const run = await devChild(['3', '--froce']);
    expect(run.code, run.stderr).toBe(2);
    expectUsage(run.stderr, '知らないオプションです: --froce');
    expect(run.stdout).toBe('');
    expect(existsSync(run.envFile)).toBe(false);
  });
});
