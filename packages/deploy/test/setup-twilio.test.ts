import { readFile } from 'node:fs/promises';
import { parseEnv } from '@kit/functions/env-file';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from './support/kit-run.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await createWorkspace([
    '',
    '# ローカルの設定',
    'TOKEN_TTL_SECONDS=600',
    'EXTRA_NOTE="keep me"',
  ]);
});
afterEach(async () => {
  await ws.close();
});

function expectNoSecrets(output: string, env: Record<string, string>) {
  for (const name of ['AUTH_TOKEN', 'API_SECRET', 'WORKSHOP_PASSCODE']) {
    const value = env[name];
    if (value) expect(output, `${name} leaked`).not.toContain(value);
  }
}

describe('pnpm setup:twilio', () => {
  it('creates an API key and a TwiML App, writes them into .env and leaves other lines alone', async () => {
    const before = await readFile(ws.envPath, 'utf8');
    const result = await ws.run('setup-twilio');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const text = await readFile(ws.envPath, 'utf8');
    expect(text.startsWith(before)).toBe(true);
    const env = parseEnv(text);
    expect(env.API_KEY).toMatch(/^SK[0-9a-f]{32}$/);
    expect(env.TWIML_APP_SID).toMatch(/^AP[0-9a-f]{32}$/);
    expect(ws.fake.tables.keys.get(env.API_KEY ?? '')?.secret).toBe(env.API_SECRET);
    expect(ws.fake.tables.applications.get(env.TWIML_APP_SID ?? '')?.friendly_name).toBe(
      'browser-phone-kit',
    );
    expect(result.stdout).toContain(`API key ${env.API_KEY}: 作成しました (created)`);
    expect(result.stdout).toContain(`TwiML App ${env.TWIML_APP_SID}: 作成しました (created)`);
    expectNoSecrets(result.output, env);
    expect(ws.fake.violations).toEqual([]);
  });

  it('is idempotent: a second run reuses both, creates nothing and changes nothing', async () => {
    await ws.run('setup-twilio');
    const first = await readFile(ws.envPath, 'utf8');
    const requestsBefore = ws.fake.requests.length;

    const again = await ws.run('setup-twilio');
    expect(again.code).toBe(0);
    expect(await readFile(ws.envPath, 'utf8')).toBe(first);
    const posts = ws.fake.requests
      .slice(requestsBefore)
      .filter((request) => request.method !== 'GET');
    expect(posts).toEqual([]);
    expect(again.stdout).toMatch(/API key SK\w+: 再利用します \(reused\)/);
    expect(again.stdout).toMatch(/TwiML App AP\w+: 再利用します \(reused\)/);
    expect(again.stdout).toContain('.env は変更ありません');
    expect(ws.fake.tables.keys.size).toBe(1);
    expect(ws.fake.tables.applications.size).toBe(1);
    expectNoSecrets(again.output, parseEnv(first));
    expect(ws.fake.violations).toEqual([]);
  });

  it('replaces a key that no longer exists, and finds the TwiML App by name when .env lost its SID', async () => {
    await ws.run('setup-twilio');
    const first = parseEnv(await readFile(ws.envPath, 'utf8'));
    ws.fake.tables.keys.delete(first.API_KEY ?? '');
    const text = (await readFile(ws.envPath, 'utf8')).replace(
      /^TWIML_APP_SID=.*$/m,
      'TWIML_APP_SID=',
    );
    await (await import('node:fs/promises')).writeFile(ws.envPath, text);

    const result = await ws.run('setup-twilio');
    expect(result.code).toBe(0);
    const second = parseEnv(await readFile(ws.envPath, 'utf8'));
    expect(second.API_KEY).not.toBe(first.API_KEY);
    expect(second.API_SECRET).not.toBe(first.API_SECRET);
    expect(second.TWIML_APP_SID).toBe(first.TWIML_APP_SID);
    expect(result.stdout).toContain('found by friendly name');
    expectNoSecrets(result.output, { ...first, ...second });
  });

  it('says the credentials were refused when the auth token is wrong (setup and deploy), without printing it', async () => {
    const wrong = 'f'.repeat(32);
    const setup = await ws.run('setup-twilio', [], { AUTH_TOKEN: wrong });
    expect(setup.code).toBe(1);
    expect(setup.stderr).toContain('Twilio が認証を拒否しました');
    expect(setup.stderr).toContain('HTTP 401 authentication failed');

    await ws.run('setup-twilio');
    const deploy = await ws.run('deploy-step', ['2', '--dir', await ws.copyStep('step-02')], {
      AUTH_TOKEN: wrong,
    });
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain('デプロイ: Twilio が認証を拒否しました');
    for (const output of [setup.output, deploy.output]) {
      expect(output).not.toContain(wrong);
      expect(output).not.toContain(ws.account.AUTH_TOKEN);
    }
  });

  it('names missing credentials and sends nothing', async () => {
    const text = (await readFile(ws.envPath, 'utf8')).replace(/^AUTH_TOKEN=.*$/m, '');
    await (await import('node:fs/promises')).writeFile(ws.envPath, text);
    const result = await ws.run('setup-twilio');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AUTH_TOKEN が設定されていません');
    expect(result.stderr).toContain('missing AUTH_TOKEN');
    expect(ws.fake.requests).toEqual([]);
  });

  it('refuses the local placeholder credentials that pnpm dev writes, before any request', async () => {
    const result = await ws.run('setup-twilio', [], {
      ACCOUNT_SID: `AC0000000000000000${'ab'.repeat(8)}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ローカル専用の偽の値');
    expect(ws.fake.requests).toEqual([]);
  });
});
