import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StepServer, startStepServer } from '../src/server/index.js';
import { testCredentials } from './support/credentials.js';
import {
  fakeContext,
  installRuntimeGlobals,
  invoke,
  loadHandler,
  responseParts,
} from './support/invoke.js';
import { verifyAccessToken } from './support/jwt.js';
import { stepUnderTest } from './support/step-under-test.js';

const { dir } = stepUnderTest('step-02');
const credentials = testCredentials();
const env = {
  ACCOUNT_SID: credentials.ACCOUNT_SID,
  API_KEY: credentials.API_KEY,
  API_SECRET: credentials.API_SECRET,
  TWIML_APP_SID: credentials.TWIML_APP_SID,
};

describe('step-02 /token handler', () => {
  beforeAll(() => installRuntimeGlobals(dir));

  it('mints a token for identity "user" that may call out through the TwiML App only', async () => {
    const { error, payload } = await invoke(
      await loadHandler(dir, 'token.ts'),
      fakeContext(env),
      {},
    );
    expect(error).toBeNull();
    const { token } = payload as { token: string };
    const { header, claims } = verifyAccessToken(token, env.API_SECRET);
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    expect(claims.iss).toBe(env.API_KEY);
    expect(claims.sub).toBe(env.ACCOUNT_SID);
    expect(claims.grants.identity).toBe('user');
    expect(claims.grants.voice?.outgoing?.application_sid).toBe(env.TWIML_APP_SID);
    expect(claims.grants.voice?.incoming?.allow ?? false).toBe(false);
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('names every missing variable instead of throwing', async () => {
    const { API_SECRET: _secret, TWIML_APP_SID: _app, ...partial } = env;
    const { error, payload } = await invoke(
      await loadHandler(dir, 'token.ts'),
      fakeContext(partial),
      {},
    );
    expect(error).toBeNull();
    const response = responseParts(payload);
    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({
      error: {
        code: 'config_missing',
        message: expect.stringContaining('API_SECRET, TWIML_APP_SID'),
      },
    });
  });
});

describe('step-02 on the real runtime', () => {
  let server: StepServer;
  beforeAll(async () => {
    server = await startStepServer({ stepDir: dir, env });
  });
  afterAll(() => server?.close());

  it('answers { token } as JSON', async () => {
    const response = await fetch(`${server.url}/token`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { token: string };
    expect(Object.keys(body)).toEqual(['token']);
    expect(verifyAccessToken(body.token, env.API_SECRET).claims.grants.identity).toBe('user');
  });

  it('answers a JSON error, not a stack trace, when the service is not configured', async () => {
    const bare = await startStepServer({ stepDir: dir, env: {} });
    try {
      const response = await fetch(`${bare.url}/token`, {
        headers: { 'user-agent': 'Mozilla/5.0' },
      });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toMatch(/at .+\.js:\d+|node_modules|\/work\//);
      expect(JSON.parse(text).error.code).toBe('config_missing');
    } finally {
      await bare.close();
    }
  });
});
