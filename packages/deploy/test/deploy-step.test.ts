import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from '@kit/functions/env-file';
import { findStep } from '@kit/shared';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, createWorkspace, type Workspace } from './support/kit-run.js';

/**
 * The whole instructor flow against the fake Twilio, in order: setup, dry run,
 * deploy step 04, redeploy, failures that must leave the deployment serving,
 * teardown. One file, one process: the fake serves the deployed step with the
 * Functions runtime, which is one per process.
 */
const step = findStep(4);
if (!step) throw new Error('step 4 missing from the catalog');

const PASSCODE = 'room-passcode-7f3a9c';
let ws: Workspace;
let stepDir: string;
let env: Record<string, string>;
const outputs: CliResult[] = [];

async function run(script: 'deploy-step' | 'teardown-step', args: string[]): Promise<CliResult> {
  const result = await ws.run(script, args);
  outputs.push(result);
  return result;
}

function environment() {
  const row = ws.fake.environmentBySuffix('step-04');
  if (!row) throw new Error('no step-04 environment in the fake');
  return row;
}

beforeAll(async () => {
  ws = await createWorkspace([
    `WORKSHOP_PASSCODE=${PASSCODE}`,
    'TOKEN_TTL_SECONDS=600',
    // Local-only settings: must never reach the deployed environment.
    'KIT_SERVICE_NAME=kit-test',
    'PORT=3999',
  ]);
  const setup = await ws.run('setup-twilio');
  outputs.push(setup);
  expect(setup.code, setup.output).toBe(0);
  env = parseEnv(await readFile(ws.envPath, 'utf8'));
  stepDir = await ws.copyStep('step-04');
});

afterAll(async () => {
  await ws?.close();
});

describe('pnpm deploy:step', () => {
  it('--dry-run prints the plan and makes no request', async () => {
    const before = ws.fake.requests.length;
    const result = await run('deploy-step', ['4', '--dry-run', '--dir', stepDir]);
    expect(result.code, result.output).toBe(0);
    expect(ws.fake.requests.length).toBe(before);
    expect(result.stdout).toContain('Function /call  [protected]');
    expect(result.stdout).toContain('Function /voice-token  [public]');
    expect(result.stdout).toMatch(/環境変数 \(env vars\): .*API_SECRET \(secret\)/);
    // The Auth Token is the deploy's credential, not one of the environment's variables.
    const envLine = result.stdout.split('\n').find((line) => line.includes('環境変数 (env vars):'));
    expect(envLine).not.toContain('AUTH_TOKEN');
    expect(result.stdout).toContain(
      'AUTH_TOKEN はアップロードしません。Twilio の API を呼ぶためだけに使います(not uploaded: used only to call the API)',
    );
    expect(result.stdout).toContain(`TwiML App ${env.TWIML_APP_SID}: Voice URL を`);
    expect(result.stdout).toContain('no requests made');
  });

  it("points the Voice URL where the step's twiml-app.json says, and refuses a bad one before any request", async () => {
    const planned = await run('deploy-step', ['4', '--dry-run', '--dir', stepDir]);
    expect(planned.stdout).toContain('Voice URL を https://<この環境のドメイン>/call (POST)');

    const twimlAppFile = join(stepDir, 'twiml-app.json');
    const original = await readFile(twimlAppFile, 'utf8');
    try {
      await writeFile(
        twimlAppFile,
        '{"voiceUrl":"https://evil.example/call","voiceMethod":"POST"}',
      );
      const before = ws.fake.requests.length;
      const refused = await run('deploy-step', ['4', '--dry-run', '--dir', stepDir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('twiml-app.json の voiceUrl');
      expect(ws.fake.requests.length).toBe(before);
    } finally {
      await writeFile(twimlAppFile, original);
    }
  });

  it('names every missing variable, in Japanese and English, before any request', async () => {
    const before = ws.fake.requests.length;
    await writeFile(join(ws.dir, 'partial.env'), 'TOKEN_TTL_SECONDS=600\n');
    const result = await ws.run('deploy-step', ['4', '--dir', stepDir], {
      KIT_ENV_FILE: join(ws.dir, 'partial.env'),
    });
    expect(result.code).toBe(1);
    for (const name of ['ACCOUNT_SID', 'AUTH_TOKEN', 'API_KEY', 'API_SECRET', 'TWIML_APP_SID']) {
      expect(result.stderr).toContain(`  ${name}: `);
    }
    expect(result.stderr).toContain('API キーのシークレット');
    expect(result.stderr).toContain(
      'missing environment variables: ACCOUNT_SID, AUTH_TOKEN, API_KEY, API_SECRET, TWIML_APP_SID',
    );
    expect(ws.fake.requests.length).toBe(before);
  });

  it('deploys step 04: the built Functions, /call protected, the step variables, the Voice URL; smoke test passes', async () => {
    const result = await run('deploy-step', ['4', '--dir', stepDir]);
    expect(result.code, result.output).toBe(0);

    const service = [...ws.fake.tables.services.values()];
    expect(service.map((row) => row.unique_name)).toEqual(['kit-test']);
    const target = environment();
    expect(target.unique_name).toBe('step-04-environment');
    const active = ws.fake.activeBuild(target.sid);
    expect(active?.build.runtime).toBe('node22');
    expect(active?.build.dependencies).toEqual([
      { name: '@twilio/runtime-handler', version: '2.0.1' },
      { name: 'twilio', version: '4.23.0' },
    ]);

    const uploaded = new Map(active?.functions.map((version) => [version.path, version]));
    expect([...uploaded.keys()].sort()).toEqual(['/call', '/voice-token']);
    expect(uploaded.get('/call')?.visibility).toBe('protected');
    expect(uploaded.get('/voice-token')?.visibility).toBe('public');
    for (const [path, file] of [
      ['/call', 'call.protected.js'],
      ['/voice-token', 'voice-token.js'],
    ] as const) {
      const built = await readFile(join(stepDir, 'dist/functions', file));
      expect(uploaded.get(path)?.content.equals(built), `${path} content`).toBe(true);
    }

    // The phone's build is part of step 04's assets, uploaded byte for byte, all public.
    const assets = active?.assets ?? [];
    expect(assets.map((version) => version.path)).toContain('/index.html');
    for (const version of assets) {
      const built = await readFile(join(stepDir, 'dist/assets', String(version.path)));
      expect(version.content.equals(built), `${version.path} content`).toBe(true);
      expect(version.visibility).toBe('public');
    }
    expect(result.stdout).toContain(`電話 (phone): https://${target.domain_name}/index.html`);
    expect(result.stdout).toContain(
      '✓ /index.html (電話のページ / phone page): HTTP 200 text/html',
    );

    expect(ws.fake.variablesOf(target.sid)).toEqual({
      ACCOUNT_SID: env.ACCOUNT_SID,
      API_KEY: env.API_KEY,
      API_SECRET: env.API_SECRET,
      TWIML_APP_SID: env.TWIML_APP_SID,
      TOKEN_TTL_SECONDS: '600',
      WORKSHOP_PASSCODE: PASSCODE,
    });
    expect(Object.keys(ws.fake.variablesOf(target.sid))).not.toContain('KIT_SERVICE_NAME');
    expect(Object.keys(ws.fake.variablesOf(target.sid))).not.toContain('PORT');

    const app = ws.fake.tables.applications.get(env.TWIML_APP_SID ?? '');
    expect(app?.voice_url).toBe(`https://${target.domain_name}/call`);
    expect(app?.voice_method).toBe('POST');

    expect(result.stdout).toContain(`トークン (token): https://${target.domain_name}/voice-token`);
    expect(result.stdout).toContain('✓ /voice-token (JWT とグラント / token and grants)');
    expect(result.stdout).toContain(
      '✓ /call (署名なしは拒否 / unsigned request refused): HTTP 401',
    );
    expect(result.stdout).toContain('smoke test passed');
    expect(result.stdout).toContain('Uploading 2 Functions');
    const domainRequests = ws.fake.requests.filter(
      (request) => request.host === target.domain_name,
    );
    expect(
      domainRequests.map((request) => `${request.method} ${request.path} ${request.status}`),
    ).toEqual(['POST /voice-token 200', 'POST /call 401', 'GET /index.html 200']);
    expect(ws.fake.violations).toEqual([]);
  });

  it('least privilege: the service is created with IncludeCredentials=false and the Auth Token is never uploaded', () => {
    const creates = ws.fake
      .apiRequests()
      .filter((request) => request.method === 'POST' && request.template === '/v1/Services');
    expect(creates.map((request) => request.form.IncludeCredentials)).toEqual([['false']]);
    expect([...ws.fake.tables.services.values()].map((row) => row.include_credentials)).toEqual([
      false,
    ]);
    // Neither under its name nor under another: not in any request, not in any environment.
    const variableWrites = ws.fake
      .apiRequests()
      .filter((request) => request.method === 'POST' && request.template?.includes('/Variables'));
    expect(variableWrites.length).toBeGreaterThan(0);
    for (const request of variableWrites) {
      expect(request.form.Key ?? []).not.toContain('AUTH_TOKEN');
      expect(request.form.Value ?? []).not.toContain(ws.account.AUTH_TOKEN);
    }
    for (const row of ws.fake.tables.variables.values()) {
      expect(row.key).not.toBe('AUTH_TOKEN');
      expect(row.value).not.toBe(ws.account.AUTH_TOKEN);
    }
    expect(ws.fake.violations).toEqual([]);
  });

  it("/call still answers only Twilio's signature, checked with the account's Auth Token by Twilio, not by an uploaded variable", async () => {
    const url = `https://${environment().domain_name}/call`;
    const params = { To: 'bob', From: 'client:alice' };
    const signed = (authToken: string) => ({
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
    });
    const accepted = await ws.fetchDeployed(url, params, signed(ws.account.AUTH_TOKEN));
    expect(accepted.status, accepted.body).toBe(200);
    expect(accepted.body).toContain('<Dial');
    const forged = await ws.fetchDeployed(url, params, signed('f'.repeat(32)));
    expect(forged.status).toBe(401);
    expect(ws.fake.violations).toEqual([]);
  });

  it('redeploys idempotently: same service, environment, Functions and variables; nothing re-created', async () => {
    const before = ws.fake.requests.length;
    const serviceSids = [...ws.fake.tables.services.keys()];
    const environmentSid = environment().sid;
    const functionSids = [...ws.fake.tables.functions.keys()].sort();
    const variables = ws.fake.variablesOf(environmentSid);

    const result = await run('deploy-step', ['4', '--dir', stepDir]);
    expect(result.code, result.output).toBe(0);
    expect([...ws.fake.tables.services.keys()]).toEqual(serviceSids);
    expect(environment().sid).toBe(environmentSid);
    expect([...ws.fake.tables.functions.keys()].sort()).toEqual(functionSids);
    expect(ws.fake.variablesOf(environmentSid)).toEqual(variables);
    const writes = ws.fake
      .apiRequests()
      .slice(before)
      .filter((request) => request.method !== 'GET')
      .map((request) => request.template);
    // Only what a deploy always makes: new versions, a build, its activation.
    expect(new Set(writes)).toEqual(
      new Set([
        '/v1/Services/{ServiceSid}/Functions/{Sid}/Versions (upload)',
        '/v1/Services/{ServiceSid}/Assets/{Sid}/Versions (upload)',
        '/v1/Services/{ServiceSid}/Builds',
        '/v1/Services/{ServiceSid}/Environments/{EnvironmentSid}/Deployments',
      ]),
    );
    expect(result.stdout).toContain('変更なし');
    expect(ws.fake.violations).toEqual([]);
  });

  it('removes a variable that is no longer in .env from the environment', async () => {
    const text = await readFile(ws.envPath, 'utf8');
    await writeFile(ws.envPath, text.replace(/^WORKSHOP_PASSCODE=.*\n/m, ''));
    try {
      const result = await run('deploy-step', ['4', '--dir', stepDir]);
      expect(result.code, result.output).toBe(0);
      expect(Object.keys(ws.fake.variablesOf(environment().sid))).not.toContain(
        'WORKSHOP_PASSCODE',
      );
      expect(ws.fake.violations).toEqual([]);
    } finally {
      await writeFile(ws.envPath, text);
    }
  });

  it('removes an AUTH_TOKEN variable that an older kit uploaded', async () => {
    ws.fake.addVariable(environment().sid, 'AUTH_TOKEN', ws.account.AUTH_TOKEN);
    const result = await run('deploy-step', ['4', '--dir', stepDir]);
    expect(result.code, result.output).toBe(0);
    expect(Object.keys(ws.fake.variablesOf(environment().sid))).not.toContain('AUTH_TOKEN');
    expect(result.stdout).toContain('smoke test passed');
    expect(ws.fake.violations).toEqual([]);
  });

  it('a Twilio build failure leaves the previous deployment serving and says what failed', async () => {
    const previousBuild = environment().build_sid;
    ws.fake.nextBuildStatus = 'failed';
    const result = await run('deploy-step', ['4', '--dir', stepDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('デプロイが「Twilio 側のビルド」で失敗しました');
    expect(result.stderr).toContain('以前のデプロイはそのまま動いています');
    expect(result.stderr).toContain('deploy failed at stage "building"');
    expect(environment().build_sid).toBe(previousBuild);
    // …and the domain still answers with the previous build.
    const token = await ws.fetchDeployed(`https://${environment().domain_name}/voice-token`, {
      identity: 'after-failure',
      passcode: PASSCODE,
    });
    expect(token.status, token.body).toBe(200);
    expect(ws.fake.violations).toEqual([]);
  });

  it('a local build failure sends nothing and says so', async () => {
    const file = join(stepDir, 'src/functions/call.protected.ts');
    const source = await readFile(file, 'utf8');
    const previousBuild = environment().build_sid;
    const before = ws.fake.requests.length;
    await writeFile(file, `${source}\nexport const broken = ;\n`);
    try {
      const result = await run('deploy-step', ['4', '--dir', stepDir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('ビルドに失敗しました');
      expect(result.stderr).toContain('build failed for step-04; nothing was deployed');
      expect(ws.fake.requests.length).toBe(before);
      expect(environment().build_sid).toBe(previousBuild);
    } finally {
      await writeFile(file, source);
    }
  });
});

describe('pnpm teardown:step', () => {
  it('removes the step environment, and says so when there is nothing left to remove', async () => {
    const environmentSid = environment().sid;
    const result = await run('teardown-step', ['4']);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain(`${environmentSid}`);
    expect(ws.fake.tables.environments.has(environmentSid)).toBe(false);
    expect(ws.fake.tables.services.size).toBe(1);
    expect(result.stdout).toContain(`TwiML App ${env.TWIML_APP_SID} の Voice URL はこの環境`);

    const again = await run('teardown-step', ['4']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to remove');
    expect(ws.fake.violations).toEqual([]);
  });
});

describe('every command above', () => {
  it('never prints a secret (AUTH_TOKEN, API_SECRET, WORKSHOP_PASSCODE)', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(6);
    for (const name of ['AUTH_TOKEN', 'API_SECRET', 'WORKSHOP_PASSCODE'] as const) {
      const secret = env[name];
      expect(secret, name).toBeTruthy();
      for (const result of outputs) expect(result.output, `${name} printed`).not.toContain(secret);
    }
  });
});
