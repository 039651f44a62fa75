import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createWorkspace, type Workspace } from '@kit/deploy/test-support/kit-run';
import { parseEnv } from '@kit/functions/env-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecrets, failure, freePortPair, runDoctor } from './support/run-doctor.js';

/**
 * Twilio mode against @kit/deploy's fake Twilio (an HTTPS CONNECT proxy that
 * checks every request against Twilio's OpenAPI specs and serves deployed
 * domains with the real Functions runtime): `pnpm setup:twilio` and
 * `pnpm deploy:step 4` run first as child processes, then the doctor.
 */
const PASSCODE = 'room-passcode-doctor-7f3a';
let ws: Workspace;
let env: Record<string, string>;
let port: number;

function doctor(args: string[] = [], extra: Record<string, string> = {}) {
  return runDoctor(args, {
    HOME: ws.dir,
    KIT_ENV_FILE: ws.envPath,
    KIT_SERVICE_NAME: 'kit-doctor-test',
    PORT: String(port),
    ...ws.fake.childEnv(),
    ...extra,
  });
}

function secrets(): string[] {
  return [env.AUTH_TOKEN ?? '', env.API_SECRET ?? '', PASSCODE];
}

beforeAll(async () => {
  ws = await createWorkspace([`WORKSHOP_PASSCODE=${PASSCODE}`, 'TOKEN_TTL_SECONDS=600']);
  port = await freePortPair();
  const service = { KIT_SERVICE_NAME: 'kit-doctor-test' };
  const setup = await ws.run('setup-twilio', [], service);
  expect(setup.code, setup.output).toBe(0);
  const stepDir = await ws.copyStep('step-04');
  const deploy = await ws.run('deploy-step', ['4', '--dir', stepDir], service);
  expect(deploy.code, deploy.output).toBe(0);
  env = parseEnv(await readFile(ws.envPath, 'utf8'));
}, 120_000);

afterAll(async () => {
  await ws?.close();
});

describe('pnpm doctor in Twilio mode (fake REST API)', () => {
  it('is green after setup + deploy, through the fake only', async () => {
    const before = ws.fake.requests.length;
    const result = await doctor();
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('Twilio モード');
    expect(result.stdout).not.toMatch(/^\s*✗/m);
    for (const line of [
      '✓ ACCOUNT_SID と AUTH_TOKEN で Twilio に接続できます',
      `✓ API キー ${env.API_KEY} があります`,
      `✓ TwiML App ${env.TWIML_APP_SID}`,
      '✓ TwiML App の Voice URL は step-04 の /call(POST)です',
      '✓ step-04 の環境 https://kit-doctor-test-',
      '/voice-token が正しいトークンを返します(identity=kit-doctor)',
      '✓ デプロイ先の署名のない /call は拒否されます',
    ]) {
      expect(result.stdout).toContain(line);
    }
    expect(ws.fake.requests.length).toBeGreaterThan(before);
    expect(ws.fake.violations).toEqual([]);
    expectNoSecrets(result, secrets());
  });

  it('the TwiML App pointing at step-03 while step-04 is asked about', async () => {
    const app = ws.fake.tables.applications.get(env.TWIML_APP_SID ?? '');
    if (!app) throw new Error('no TwiML App in the fake');
    const step04Url = String(app.voice_url);
    app.voice_url = step04Url.replace('-step-04.twil.io', '-step-03.twil.io');
    try {
      const result = await doctor(['--step', '4']);
      expect(result.code).toBe(1);
      const { fix } = failure(result, 'TwiML App の Voice URL は step-03 の /call を指しています');
      expect(fix).toBe('pnpm deploy:step 4');
      expectNoSecrets(result, secrets());
    } finally {
      app.voice_url = step04Url;
    }
    expect(ws.fake.violations).toEqual([]);
  });

  it('a wrong AUTH_TOKEN: credentials refused, the fix names the Console', async () => {
    const wrongEnvPath = join(ws.dir, 'wrong-token.env');
    const text = await readFile(ws.envPath, 'utf8');
    const wrongToken = 'f'.repeat(32);
    await writeFile(wrongEnvPath, text.replace(/^AUTH_TOKEN=.*$/m, `AUTH_TOKEN=${wrongToken}`));
    const result = await doctor([], { KIT_ENV_FILE: wrongEnvPath });
    expect(result.code).toBe(1);
    const { fix } = failure(result, 'Twilio が認証を拒否しました');
    expect(fix).toContain('Account Info');
    expectNoSecrets(result, [...secrets(), wrongToken]);
  });

  it('an API key deleted in the Console: the fix is pnpm setup:twilio', async () => {
    const key = ws.fake.tables.keys.get(env.API_KEY ?? '');
    if (!key) throw new Error('no API key in the fake');
    ws.fake.tables.keys.delete(key.sid);
    try {
      const result = await doctor();
      expect(result.code).toBe(1);
      expect(failure(result, `API キー ${env.API_KEY} がこのアカウントにありません`).fix).toBe(
        'pnpm setup:twilio',
      );
    } finally {
      ws.fake.tables.keys.set(key.sid, key);
    }
  });

  it('a step not deployed: the fix is its deploy command', async () => {
    const result = await doctor(['--step', '3']);
    expect(result.code).toBe(1);
    expect(failure(result, 'に step-03 の環境がありません').fix).toBe('pnpm deploy:step 3');
    expect(ws.fake.violations).toEqual([]);
  });
});
