import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@kit/shared/ports';
import { describe, expect, it } from 'vitest';

/**
 * The command line of `pnpm dev` / `pnpm dev:step N` (scripts/dev.ts, strict):
 * a misspelt option stops it with exit 2 and the usage before anything starts.
 */
const LAUNCHER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

async function dev(args: string[]) {
  const envFile = join(await mkdtemp(join(tmpdir(), 'kit-dev-cli-')), '.env');
  const child = spawn(join(LAUNCHER_DIR, 'node_modules/.bin/tsx'), ['scripts/dev.ts', ...args], {
    cwd: LAUNCHER_DIR,
    env: {
      ...process.env,
      FORCE_COLOR: '0',
      KIT_ENV_FILE: envFile,
      PORT: String(await freePort()),
    },
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
  return { code, stdout, stderr, envFile };
}

/** The reason, then the usage: Japanese (使い方) before English (usage). */
function expectUsage(stderr: string, reason: string): void {
  expect(stderr.startsWith(`✗ ${reason}`), stderr).toBe(true);
  const japanese = stderr.indexOf('使い方: pnpm dev:step');
  expect(japanese).toBeGreaterThan(0);
  expect(stderr.indexOf('(usage: pnpm dev:step')).toBeGreaterThan(japanese);
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
});
