import { readFile } from 'node:fs/promises';
import { parseEnv } from '@kit/functions/env-file';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from './support/kit-run.js';

/** Steps without /call: the TwiML App is left alone; the smoke test adapts to the step's Functions. */
let ws: Workspace;
let env: Record<string, string>;

beforeAll(async () => {
  ws = await createWorkspace();
  expect((await ws.run('setup-twilio')).code).toBe(0);
  env = parseEnv(await readFile(ws.envPath, 'utf8'));
});

afterAll(async () => {
  await ws?.close();
});

it('step 02 (token only): deploys, leaves the TwiML App alone, checks the token', async () => {
  const appBefore = { ...ws.fake.tables.applications.get(env.TWIML_APP_SID ?? '') };
  const result = await ws.run('deploy-step', ['2', '--dir', await ws.copyStep('step-02')]);
  expect(result.code, result.output).toBe(0);
  expect(result.stdout).toContain('TwiML App: 変更しません');
  expect(result.stdout).toMatch(/✓ \/token \(JWT とグラント \/ token and grants\): identity=user/);
  expect(ws.fake.tables.applications.get(env.TWIML_APP_SID ?? '')).toEqual(appBefore);
  expect(
    ws.fake
      .apiRequests()
      .filter(
        (request) => request.template?.includes('Applications/{Sid}') && request.method === 'POST',
      ),
  ).toEqual([]);
  expect(
    Object.keys(ws.fake.variablesOf(ws.fake.environmentBySuffix('step-02')?.sid ?? '')).sort(),
  ).toEqual(['ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'TWIML_APP_SID']);
  expect(ws.fake.violations).toEqual([]);
});

it('step 01 (no variables) goes to its own environment of the same service; every Function answers', async () => {
  const result = await ws.run('deploy-step', ['01', '--dir', await ws.copyStep('step-01')]);
  expect(result.code, result.output).toBe(0);
  for (const path of ['/hello-voice', '/hello-json', '/hello-response']) {
    expect(result.stdout).toContain(`✓ ${path} (応答 / answers)`);
  }
  expect(ws.fake.tables.services.size).toBe(1);
  const suffixes = [...ws.fake.tables.environments.values()].map((row) => row.domain_suffix).sort();
  expect(suffixes).toEqual(['step-01', 'step-02']);
  expect(ws.fake.variablesOf(ws.fake.environmentBySuffix('step-01')?.sid ?? '')).toEqual({});
  expect(ws.fake.violations).toEqual([]);
});

it('step 05 (bonus token service) deploys to its own environment and its token passes the check', async () => {
  const result = await ws.run('deploy-step', ['5', '--dir', await ws.copyStep('step-05')]);
  expect(result.code, result.output).toBe(0);
  expect(result.stdout).toContain('TwiML App: 変更しません');
  expect(result.stdout).toMatch(
    /✓ \/token \(JWT とグラント \/ token and grants\): identity=kit-smoke-test/,
  );
  expect(ws.fake.violations).toEqual([]);
});

it('switching steps repoints the TwiML App: deploying step 03 sends calls to its /call', async () => {
  const result = await ws.run('deploy-step', ['3', '--dir', await ws.copyStep('step-03')]);
  expect(result.code, result.output).toBe(0);
  const domain = ws.fake.environmentBySuffix('step-03')?.domain_name;
  expect(ws.fake.tables.applications.get(env.TWIML_APP_SID ?? '')?.voice_url).toBe(
    `https://${domain}/call`,
  );
  expect(result.stdout).toContain('✓ /call (署名なしは拒否 / unsigned request refused): HTTP 401');
});

it('refuses a service name that cannot be part of a domain, before any request', async () => {
  const before = ws.fake.requests.length;
  const result = await ws.run('deploy-step', ['1', '--dir', await ws.copyStep('step-01')], {
    KIT_SERVICE_NAME: 'My Phone!',
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('KIT_SERVICE_NAME は英小文字・数字・ハイフン');
  expect(ws.fake.requests.length).toBe(before);
});

it('fails the smoke test (exit 1, names the check) when the deployed token does not verify', async () => {
  ws.fake.servedEnvOverrides = { API_SECRET: 'not-the-secret-in-env' };
  try {
    const result = await ws.run('deploy-step', ['2', '--dir', await ws.copyStep('step-02')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '✗ /token (JWT とグラント / token and grants): API_SECRET で署名を検証できません',
    );
    expect(result.stderr).toContain('smoke test failed: /token');
    expect(result.output).not.toContain(env.API_SECRET);
  } finally {
    ws.fake.servedEnvOverrides = {};
  }
});

it('rejects an unknown step or option, a bad TTL and placeholder SIDs before any request; ignores variables a step does not use', async () => {
  const before = ws.fake.requests.length;
  const missing = await ws.run('deploy-step', ['9']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('手順番号を指定してください(例: pnpm deploy:step 4)');
  const unknown = await ws.run('deploy-step', ['4', '--force']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown option --force');
  expect(ws.fake.requests.length).toBe(before);
  const badTtl = await ws.run('deploy-step', ['2', '--dir', await ws.copyStep('step-02')], {
    TOKEN_TTL_SECONDS: '999999',
  });
  expect(badTtl.code, badTtl.output).toBe(0); // step 02 has no TOKEN_TTL_SECONDS: not its business
  const before2 = ws.fake.requests.length;
  const badTtl4 = await ws.run('deploy-step', ['4', '--dir', await ws.copyStep('step-04')], {
    TOKEN_TTL_SECONDS: '999999',
  });
  expect(badTtl4.code).toBe(1);
  expect(badTtl4.stderr).toContain('TOKEN_TTL_SECONDS は 30〜86400 の整数');
  expect(badTtl4.stderr).toContain('config_invalid');
  const placeholder = await ws.run('deploy-step', ['2', '--dir', await ws.copyStep('step-02')], {
    API_KEY: `SK0000000000000000${'cd'.repeat(8)}`,
  });
  expect(placeholder.code).toBe(1);
  expect(placeholder.stderr).toContain('local placeholder values: API_KEY');
  expect(ws.fake.requests.length).toBe(before2);
});

it('teardown of a service that does not exist removes nothing', async () => {
  const result = await ws.run('teardown-step', ['2'], { KIT_SERVICE_NAME: 'never-deployed' });
  expect(result.code, result.output).toBe(0);
  expect(result.stdout).toContain('サービス never-deployed はありません');
  expect(ws.fake.apiRequests().filter((request) => request.method === 'DELETE')).toEqual([]);
});

it('uses an existing service with IncludeCredentials as it is, and says how to turn it off', async () => {
  const legacy = ws.fake.addService('legacy-kit', { includeCredentials: true });
  const before = ws.fake.requests.length;
  const result = await ws.run('deploy-step', ['1', '--dir', await ws.copyStep('step-01')], {
    KIT_SERVICE_NAME: 'legacy-kit',
  });
  expect(result.code, result.output).toBe(0);
  expect(result.stdout).toContain('既存のサービス legacy-kit は IncludeCredentials が有効');
  expect(result.stdout).toContain('existing service has IncludeCredentials=true; left unchanged');
  expect(ws.fake.tables.services.get(legacy.sid)?.include_credentials).toBe(true);
  const serviceWrites = ws.fake
    .apiRequests()
    .slice(before)
    .filter(
      (request) => request.method === 'POST' && /^\/v1\/Services(\/[^/]+)?$/.test(request.path),
    );
  expect(serviceWrites).toEqual([]);
  expect(ws.fake.violations).toEqual([]);
});

it('says nothing about credentials for the service the kit created', async () => {
  const result = await ws.run('deploy-step', ['1', '--dir', await ws.copyStep('step-01')]);
  expect(result.code, result.output).toBe(0);
  expect(result.output).not.toContain('IncludeCredentials');
});
