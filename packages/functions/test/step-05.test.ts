import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StepServer, startStepServer } from '../src/server/index.js';
import { testCredentials } from './support/credentials.js';
import { hostileTokenRequests, sendHostile } from './support/hostile-inputs.js';
import {
  type AnyHandler,
  fakeContext,
  installRuntimeGlobals,
  invoke,
  loadHandler,
  responseParts,
} from './support/invoke.js';
import { verifyAccessToken } from './support/jwt.js';
import { stepUnderTest } from './support/step-under-test.js';

const { dir } = stepUnderTest('step-05');
const credentials = testCredentials();
const conversationsSid = `IS${'a'.repeat(32)}`;
const syncSid = `IS${'b'.repeat(32)}`;
const fullEnv = {
  ACCOUNT_SID: credentials.ACCOUNT_SID,
  API_KEY: credentials.API_KEY,
  API_SECRET: credentials.API_SECRET,
  TWIML_APP_SID: credentials.TWIML_APP_SID,
  CONVERSATIONS_SERVICE_SID: conversationsSid,
  SYNC_SERVICE_SID: syncSid,
  TOKEN_TTL_SECONDS: '900',
};

describe('step-05 /token handler', () => {
  let token: AnyHandler;
  beforeAll(async () => {
    await installRuntimeGlobals(dir);
    token = await loadHandler(dir, 'token.ts');
  });

  async function request(env: Record<string, string>, event: object) {
    const { error, payload } = await invoke(token, fakeContext(env), event);
    expect(error).toBeNull();
    return responseParts(payload);
  }

  function claimsOf(body: unknown) {
    return verifyAccessToken((body as { token: string }).token, fullEnv.API_SECRET).claims;
  }

  it('adds exactly the requested grants', async () => {
    const response = await request(fullEnv, { identity: 'alice', grants: 'voice,video,chat,sync' });
    expect(response.statusCode, JSON.stringify(response.body)).toBe(200);
    const claims = claimsOf(response.body);
    expect(claims.grants).toEqual({
      identity: 'alice',
      voice: { incoming: { allow: true }, outgoing: { application_sid: fullEnv.TWIML_APP_SID } },
      video: {},
      chat: { service_sid: conversationsSid },
      data_sync: { service_sid: syncSid },
    });
    expect(claims.exp - claims.iat).toBe(900);

    const videoOnly = claimsOf(
      (await request(fullEnv, { identity: 'alice', grants: ['video'] })).body,
    );
    expect(Object.keys(videoOnly.grants).sort()).toEqual(['identity', 'video']);
  });

  // The page: 重複と空の値を除き (grants=voice,video or repeated).
  it('ignores spaces and empty entries in grants (" video, ,sync ")', async () => {
    const response = await request(fullEnv, { identity: 'alice', grants: ' video, ,sync ' });
    expect(response.statusCode, JSON.stringify(response.body)).toBe(200);
    expect(Object.keys(claimsOf(response.body).grants).sort()).toEqual([
      'data_sync',
      'identity',
      'video',
    ]);
  });

  // The page's 確かめる: config_missing names the variable to add.
  it('names each missing variable with 500 config_missing when the account or API key is not set', async () => {
    const response = await request(
      { ACCOUNT_SID: fullEnv.ACCOUNT_SID },
      {
        identity: 'alice',
        grants: 'video',
      },
    );
    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({
      error: { code: 'config_missing', message: expect.stringContaining('API_KEY, API_SECRET') },
    });
    expect(JSON.stringify(response.body)).not.toContain(fullEnv.API_SECRET);
  });

  it('scopes a video grant to a room when asked', async () => {
    const response = await request(fullEnv, {
      identity: 'alice',
      grants: 'video',
      room: 'daily-standup',
    });
    expect(claimsOf(response.body).grants.video).toEqual({ room: 'daily-standup' });
  });

  // The page: a video-only token needs only the account and the API key.
  it('issues a video-only token with only the account and the API key (no TWIML_APP_SID)', async () => {
    const accountOnly = {
      ACCOUNT_SID: fullEnv.ACCOUNT_SID,
      API_KEY: fullEnv.API_KEY,
      API_SECRET: fullEnv.API_SECRET,
    };
    const response = await request(accountOnly, { identity: 'alice', grants: 'video' });
    expect(response.statusCode, JSON.stringify(response.body)).toBe(200);
    expect(Object.keys(claimsOf(response.body).grants).sort()).toEqual(['identity', 'video']);
  });

  it('refuses a voice grant the service is not set up for, naming TWIML_APP_SID', async () => {
    const { TWIML_APP_SID: _app, ...withoutApp } = fullEnv;
    const response = await request(withoutApp, { identity: 'alice', grants: 'voice' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      error: { code: 'grant_unavailable', message: expect.stringContaining('TWIML_APP_SID') },
    });
  });

  it('refuses a product the service is not set up for, naming the variable', async () => {
    const { CONVERSATIONS_SERVICE_SID: _chat, ...withoutChat } = fullEnv;
    const response = await request(withoutChat, { identity: 'alice', grants: 'voice,chat' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      error: {
        code: 'grant_unavailable',
        message: expect.stringContaining('CONVERSATIONS_SERVICE_SID'),
      },
    });
  });

  it.each([
    [{ identity: 'alice' }, 'grant_required'],
    [{ identity: 'alice', grants: '' }, 'grant_required'],
    [{ identity: 'alice', grants: 'voice,fax' }, 'grant_unknown'],
    [{ identity: 'alice', grants: { voice: true } }, 'grant_unknown'],
    [{ identity: 'alice', grants: 'video', room: '<room>' }, 'room_invalid'],
    [{ identity: 'alice', grants: 'video', room: ['a', 'b'] }, 'room_invalid'],
    [{ identity: '<x>', grants: 'video' }, 'identity_invalid'],
  ])('answers %j with 400 %s', async (event, code) => {
    const response = await request(fullEnv, event);
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ error: { code } });
  });

  it('requires the passcode when one is set', async () => {
    const env = { ...fullEnv, WORKSHOP_PASSCODE: 'tokyo' };
    expect((await request(env, { identity: 'a', grants: 'video' })).statusCode).toBe(401);
    expect(
      (await request(env, { identity: 'a', grants: 'video', passcode: 'tokyo' })).statusCode,
    ).toBe(200);
    // The page's table: ヘッダー X-Workshop-Passcode でもよい.
    const byHeader = {
      identity: 'a',
      grants: 'video',
      request: { cookies: {}, headers: { 'x-workshop-passcode': 'tokyo' } },
    };
    expect((await request(env, byHeader)).statusCode).toBe(200);
    const wrong = await request(env, { identity: 'a', grants: 'video', passcode: 'kyoto' });
    expect(wrong.statusCode).toBe(401);
  });
});

describe('step-05 on the real runtime', () => {
  let server: StepServer;
  beforeAll(async () => {
    server = await startStepServer({
      stepDir: dir,
      env: { ...fullEnv, ALLOWED_ORIGINS: 'https://app.example,http://localhost:5173' },
    });
  });
  afterAll(() => server?.close());

  it('answers with CORS headers for an allowed origin only', async () => {
    const allowed = await fetch(`${server.url}/token?identity=alice&grants=video`, {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await fetch(`${server.url}/token?identity=alice&grants=video`, {
      headers: { origin: 'http://localhost:5174' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('has its OPTIONS preflight answered (by the runtime, before the Function runs)', async () => {
    const preflight = await fetch(`${server.url}/token`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(await preflight.text()).toBe('');
  });

  it('accepts repeated grants parameters', async () => {
    const response = await fetch(`${server.url}/token?identity=alice&grants=video&grants=sync`);
    const body = (await response.json()) as { token: string };
    const { claims } = verifyAccessToken(body.token, fullEnv.API_SECRET);
    expect(Object.keys(claims.grants).sort()).toEqual(['data_sync', 'identity', 'video']);
  });

  it(`answers each of ${hostileTokenRequests.length} hostile requests with a 4xx JSON error and no token`, async () => {
    for (const hostile of hostileTokenRequests) {
      const response = await sendHostile(`${server.url}/token`, hostile, 'grants=video');
      const text = await response.text();
      expect(response.status, `${hostile.name}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(response.status, hostile.name).toBeLessThan(500);
      expect(JSON.parse(text).token, hostile.name).toBeUndefined();
    }
  });
});
