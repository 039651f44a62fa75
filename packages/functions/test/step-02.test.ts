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

  async function mintClaims() {
    const { error, payload } = await invoke(
      await loadHandler(dir, 'token.ts'),
      fakeContext(env),
      {},
    );
    expect(error).toBeNull();
    const { token } = payload as { token: string };
    return verifyAccessToken(token, env.API_SECRET);
  }

  it('mints a token for identity "user"', async () => {
    const { claims } = await mintClaims();
    expect(claims.grants.identity).toBe('user');
  });

  // The page's claims table: outgoing.application_sid is TWIML_APP_SID; no incoming.
  it('gives it a Voice grant that calls out through the TwiML App and receives no calls (incomingAllow: false)', async () => {
    const { claims } = await mintClaims();
    expect(claims.grants.voice?.outgoing?.application_sid).toBe(env.TWIML_APP_SID);
    expect(claims.grants.voice?.incoming?.allow ?? false).toBe(false);
  });

  // iss / sub: the API key's SID / the account SID; signed with the API secret.
  it('signs it with the API key (iss) for the account (sub)', async () => {
    const { header, claims } = await mintClaims();
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    expect(claims.iss).toBe(env.API_KEY);
    expect(claims.sub).toBe(env.ACCOUNT_SID);
  });

  it('keeps the default lifetime of 3600 seconds (exp - iat)', async () => {
    const { claims } = await mintClaims();
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
    // What the token holds is checked above, each claim with its own stage.
    expect(() => verifyAccessToken(body.token, env.API_SECRET)).not.toThrow();
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
