import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STEPS } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/paths.js';
import { failure, freePortPair, runDoctor } from './support/run-doctor.js';

const WANTED_PNPM = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string }
).packageManager.replace(/^pnpm@/, '');

/** Machine checks and the command line, on step 01 (no `.env` needed, nothing to register). */
async function doctorStep1(extra: Record<string, string>, args: string[] = []) {
  const port = await freePortPair();
  return runDoctor(['--step', '1', ...args], {
    KIT_ENV_FILE: '/nonexistent/kit-doctor/.env',
    PORT: String(port),
    ...extra,
  });
}

describe('pnpm doctor: machine', () => {
  it('a pnpm of another major fails, with the install command', async () => {
    const result = await doctorStep1({ npm_config_user_agent: 'pnpm/9.15.0 npm/? node/v20.20.2' });
    expect(result.code).toBe(1);
    const { fix } = failure(result, `pnpm 9.15.0 です。キットには pnpm@${WANTED_PNPM} が必要です`);
    expect(fix).toContain(`npm install --global pnpm@${WANTED_PNPM}`);
  });

  it('a pnpm of the same major is a warning', async () => {
    const result = await doctorStep1({ npm_config_user_agent: 'pnpm/10.1.0 npm/? node/v20.20.2' });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('⚠ pnpm 10.1.0 です');
    expect(result.stdout).toContain('✓ /hello-voice が応答します');
  });
});

describe('pnpm doctor: command line', () => {
  it('refuses an unknown step with the usage (exit 2)', async () => {
    const result = await doctorStep1({}, ['--step', '9']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '手順 9 はありません。手順番号を指定してください(例: pnpm run doctor --step 3)。',
    );
    expect(result.stderr).toContain(`  ${STEPS.length}: `);
    expect(result.stderr).toContain('使い方: pnpm run doctor');
  });
});
