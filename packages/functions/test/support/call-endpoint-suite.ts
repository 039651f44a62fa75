import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StepServer, startStepServer } from '../../src/server/index.js';
import { testCredentials } from './credentials.js';
import { hostileCallParams, hostileTokenRequests, sendHostile } from './hostile-inputs.js';
import {
  type AnyHandler,
  fakeContext,
  installRuntimeGlobals,
  invoke,
  loadHandler,
  responseParts,
} from './invoke.js';
import { verifyAccessToken } from './jwt.js';
import { stepUnderTest } from './step-under-test.js';
import { postForm, voiceWebhookParams } from './twilio-request.js';

/**
 * Steps 03 and 04 share their Functions (`/voice-token`, protected `/call`):
 * one suite, run by each step's test file against that step's folder. Step 04
 * adds what the phone needs once it is public (passcode, CORS allowlist,
 * no-store), so those tests run for step 04 only.
 */
/** A header of a Twilio.Response, whatever the case the learner wrote its name in. */
function headerOf(headers: Record<string, unknown>, name: string): unknown {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

export function callEndpointSuite(tag: 'step-03' | 'step-04'): void {
  const { dir } = stepUnderTest(tag);
  const publicPhone = tag === 'step-04';
  const credentials = testCredentials();
  const env = {
    ACCOUNT_SID: credentials.ACCOUNT_SID,
    AUTH_TOKEN: credentials.AUTH_TOKEN,
    API_KEY: credentials.API_KEY,
    API_SECRET: credentials.API_SECRET,
    TWIML_APP_SID: credentials.TWIML_APP_SID,
  };

  describe(`${tag} /voice-token handler`, () => {
    let voiceToken: AnyHandler;
    beforeAll(async () => {
      await installRuntimeGlobals(dir);
      voiceToken = await loadHandler(dir, 'voice-token.ts');
    });

    async function mint(extraEnv: Record<string, string>, event: object) {
      const { error, payload } = await invoke(
        voiceToken,
        fakeContext({ ...env, ...extraEnv }),
        event,
      );
      expect(error).toBeNull();
      return responseParts(payload);
    }

    it('mints a token for the requested identity', async () => {
      const response = await mint({}, { identity: 'alice' });
      expect(response.statusCode).toBe(200);
      const body = response.body as { token: string; identity: string };
      expect(body.identity).toBe('alice');
      const { claims } = verifyAccessToken(body.token, env.API_SECRET);
      expect(claims.iss).toBe(env.API_KEY);
      expect(claims.sub).toBe(env.ACCOUNT_SID);
      expect(claims.grants.identity).toBe('alice');
    });

    it('gives it a Voice grant that may call out and be called', async () => {
      const response = await mint({}, { identity: 'alice' });
      const { claims } = verifyAccessToken(
        (response.body as { token: string }).token,
        env.API_SECRET,
      );
      expect(claims.grants.voice).toEqual({
        incoming: { allow: true },
        outgoing: { application_sid: env.TWIML_APP_SID },
      });
    });

    // The page: 既定で 3600 秒; the response's ttlSeconds tells the phone when to refresh.
    it('defaults the lifetime to 3600 seconds without TOKEN_TTL_SECONDS, and answers it as ttlSeconds', async () => {
      const response = await mint({}, { identity: 'alice' });
      const { token, ttlSeconds } = response.body as { token: string; ttlSeconds: number };
      expect(ttlSeconds).toBe(3600);
      const { claims } = verifyAccessToken(token, env.API_SECRET);
      expect(claims.exp - claims.iat).toBe(3600);
    });

    it('uses TOKEN_TTL_SECONDS for the lifetime', async () => {
      const response = await mint({ TOKEN_TTL_SECONDS: '600' }, { identity: 'bob' });
      const { token, ttlSeconds } = response.body as { token: string; ttlSeconds: number };
      expect(ttlSeconds).toBe(600);
      const { claims } = verifyAccessToken(token, env.API_SECRET);
      expect(claims.exp - claims.iat).toBe(600);
    });

    it.each(['30', '86400'])('accepts TOKEN_TTL_SECONDS=%j, inside 30–86400', async (ttl) => {
      const response = await mint({ TOKEN_TTL_SECONDS: ttl }, { identity: 'bob' });
      expect(response.statusCode).toBe(200);
      expect((response.body as { ttlSeconds: number }).ttlSeconds).toBe(Number(ttl));
    });

    // The page's table: no identity, a repeated one (an array) and <script> get 400 identity_invalid.
    it.each([
      ['no identity', {}],
      ['a repeated identity (an array)', { identity: ['a', 'b'] }],
      ['<script>', { identity: '<script>' }],
      ['an empty identity', { identity: '' }],
      ['65 characters', { identity: 'a'.repeat(65) }],
      ['a space', { identity: 'alice bob' }],
    ])('refuses %s with 400 identity_invalid and no token', async (_label, event) => {
      const response = await mint({}, event);
      expect(response.statusCode).toBe(400);
      expect(response.body).toEqual({
        error: { code: 'identity_invalid', message: expect.any(String) },
      });
    });

    it.each(['0', '29', '86401', 'abc', '-5'])(
      'treats TOKEN_TTL_SECONDS=%j as a configuration error, not a silent default',
      async (ttl) => {
        const response = await mint({ TOKEN_TTL_SECONDS: ttl }, { identity: 'bob' });
        expect(response.statusCode).toBe(500);
        expect(response.body).toMatchObject({ error: { code: 'config_invalid' } });
        expect(JSON.stringify(response.body)).not.toContain('token"');
      },
    );

    it('names the missing variables, and never shows a secret', async () => {
      const { error, payload } = await invoke(
        voiceToken,
        fakeContext({ ACCOUNT_SID: env.ACCOUNT_SID, API_SECRET: env.API_SECRET }),
        { identity: 'alice' },
      );
      expect(error).toBeNull();
      const response = responseParts(payload);
      expect(response.statusCode).toBe(500);
      const text = JSON.stringify(response.body);
      expect(text).toContain('API_KEY, TWIML_APP_SID');
      expect(text).not.toContain(env.API_SECRET);
    });

    it.runIf(publicPhone)(
      'keeps the token out of every cache (Cache-Control: no-store)',
      async () => {
        const response = await mint({}, { identity: 'alice' });
        expect(headerOf(response.headers, 'Cache-Control')).toBe('no-store');
      },
    );

    // The page: どの応答にも Cache-Control: no-store が付きます (errors included).
    it.runIf(publicPhone)(
      'sends Cache-Control: no-store on error answers too (401, 500)',
      async () => {
        // Errors another stage's test asserts (passcode 4-1, TTL 3-5), so a mistake
        // there fails that test, not this one.
        for (const extraEnv of [{ WORKSHOP_PASSCODE: 'sakura-2026' }, { TOKEN_TTL_SECONDS: '0' }]) {
          const response = await mint(extraEnv, { identity: 'alice' });
          expect(headerOf(response.headers, 'Cache-Control')).toBe('no-store');
        }
      },
    );

    // Step 4's page: `*` は、どのオリジンにも一致しない.
    it.runIf(publicPhone)('treats ALLOWED_ORIGINS=* as matching no origin', async () => {
      const event = {
        identity: 'alice',
        request: { cookies: {}, headers: { origin: 'https://evil.example' } },
      };
      const response = await mint({ ALLOWED_ORIGINS: '*' }, event);
      expect(headerOf(response.headers, 'Access-Control-Allow-Origin')).toBeUndefined();
    });

    describe.runIf(publicPhone)('with WORKSHOP_PASSCODE', () => {
      const passcodeEnv = { WORKSHOP_PASSCODE: 'sakura-2026' };
      it('refuses a request without the passcode', async () => {
        const response = await mint(passcodeEnv, { identity: 'alice' });
        expect(response.statusCode).toBe(401);
        expect(response.body).toMatchObject({ error: { code: 'passcode_required' } });
      });
      it('refuses a wrong passcode, including a prefix of the right one', async () => {
        for (const passcode of ['sakura', 'sakura-2026 ', 'SAKURA-2026', ['sakura-2026']]) {
          const response = await mint(passcodeEnv, { identity: 'alice', passcode });
          expect(response.statusCode).toBe(401);
          expect(response.body).toMatchObject({ error: { code: 'passcode_invalid' } });
        }
      });
      it('accepts it as a parameter or as the X-Workshop-Passcode header', async () => {
        expect(
          (await mint(passcodeEnv, { identity: 'alice', passcode: 'sakura-2026' })).statusCode,
        ).toBe(200);
        const event = {
          identity: 'alice',
          request: { cookies: {}, headers: { 'x-workshop-passcode': 'sakura-2026' } },
        };
        expect((await mint(passcodeEnv, event)).statusCode).toBe(200);
      });
    });
  });

  describe(`${tag} /call handler`, () => {
    let call: AnyHandler;
    beforeAll(async () => {
      await installRuntimeGlobals(dir);
      call = await loadHandler(dir, 'call.protected.ts');
    });

    async function twimlFor(params: Record<string, unknown>): Promise<string> {
      const { error, payload } = await invoke(call, fakeContext({}), params);
      expect(error).toBeNull();
      expect(payload).toBeInstanceOf(Twilio.twiml.VoiceResponse);
      return String(payload);
    }

    it('dials the browser whose identity is To', async () => {
      const twiml = await twimlFor({ To: 'bob', From: 'client:alice' });
      expect(twiml).toMatch(/<Response><Dial[^>]*><Client>bob<\/Client><\/Dial><\/Response>$/);
    });

    it('shows the caller as callerId client:identity and rings until answered (answerOnBridge)', async () => {
      const twiml = await twimlFor({ To: 'bob', From: 'client:alice' });
      expect(twiml).toBe(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="client:alice" answerOnBridge="true"><Client>bob</Client></Dial></Response>',
      );
    });

    it.each([
      '+819012345678',
      '+1 (415) 555-0100',
      'tel:+819012345678',
      'sip:bob@example.com',
      'sips:bob@example.com:5061',
      'client:bob',
      'bob@example.com',
      '</Client></Dial><Dial><Number>+81</Number>',
      '',
    ])('refuses To=%j with a spoken message (toll-fraud guard)', async (to) => {
      const twiml = await twimlFor({ To: to, From: 'client:alice' });
      expect(twiml).not.toMatch(/<Dial|<Number|<Sip|<Client/);
      expect(twiml).toMatch(/<Say language="ja-JP">[^<]+<\/Say><Hangup\/>/);
    });

    it.each(['819012345678', '0120-000-000', '110'])(
      'keeps a digits-only identity To=%j inside <Client>, never <Number>',
      async (to) => {
        const twiml = await twimlFor({ To: to, From: 'client:alice' });
        expect(twiml).not.toMatch(/<Number|<Sip/);
        expect(twiml).toContain(`<Client>${to}</Client>`);
      },
    );

    it.each([undefined, '+819012345678', 'alice', 'client:', 'client:<b>'])(
      'refuses a call whose From=%j is not a browser of this app',
      async (from) => {
        const twiml = await twimlFor({ To: 'bob', From: from });
        expect(twiml).not.toContain('<Dial');
      },
    );
  });

  describe(`${tag} on the real runtime`, () => {
    let server: StepServer;
    beforeAll(async () => {
      server = await startStepServer({
        stepDir: dir,
        // A comma-separated list, as .env.example describes it.
        env: { ...env, ALLOWED_ORIGINS: 'https://phone.example, https://admin.example' },
      });
    });
    afterAll(() => server?.close());

    // Leftover Functions of earlier steps (hello-*.ts) do not fail these: step:check names them.
    it('marks /call protected, from its file name', () => {
      const access = Object.fromEntries(server.routes.functions.map((fn) => [fn.path, fn.access]));
      expect(access['/call']).toBe('protected');
    });

    it('serves /voice-token as a public Function', () => {
      const access = Object.fromEntries(server.routes.functions.map((fn) => [fn.path, fn.access]));
      expect(access['/voice-token']).toBe('public');
    });

    it('answers GET and POST token requests as JSON', async () => {
      const get = await fetch(`${server.url}/voice-token?identity=alice`);
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toMatch(/^application\/json/);
      expect(get.headers.get('cache-control')).toBe(publicPhone ? 'no-store' : null);
      const post = await fetch(`${server.url}/voice-token`, {
        method: 'POST',
        body: new URLSearchParams({ identity: 'bob' }),
      });
      expect(Object.keys((await get.json()) as object).sort()).toEqual([
        'identity',
        'token',
        'ttlSeconds',
      ]);
      const body = (await post.json()) as { token: string; identity: string };
      expect(body.identity).toBe('bob');
      // The token's own identity is checked on the handler, with its stage (3-1).
      expect(() => verifyAccessToken(body.token, env.API_SECRET)).not.toThrow();
    });

    it.runIf(publicPhone)(
      'names an allowed origin in CORS headers and stays silent for others',
      async () => {
        const allowed = await fetch(`${server.url}/voice-token?identity=alice`, {
          headers: { origin: 'https://phone.example' },
        });
        expect(allowed.headers.get('access-control-allow-origin')).toBe('https://phone.example');
        expect(allowed.headers.get('vary')).toMatch(/Origin/);
        const second = await fetch(`${server.url}/voice-token?identity=alice`, {
          headers: { origin: 'https://admin.example' },
        });
        expect(second.headers.get('access-control-allow-origin')).toBe('https://admin.example');
        const other = await fetch(`${server.url}/voice-token?identity=alice`, {
          headers: { origin: 'https://evil.example' },
        });
        expect(other.headers.get('access-control-allow-origin')).toBeNull();
        // A refused request keeps the header, so the phone can read the error (the refusal
        // itself is the identity rule's test: this one fails only on CORS, stage 4-2).
        const refused = await fetch(`${server.url}/voice-token?identity=%3Cx%3E`, {
          headers: { origin: 'https://phone.example' },
        });
        expect(refused.headers.get('access-control-allow-origin')).toBe('https://phone.example');
      },
    );

    // Step 3's page: no CORS headers yet; step 4's: only the listed origins, never *.
    it('never allows an origin outside ALLOWED_ORIGINS (no Access-Control-Allow-Origin: *)', async () => {
      for (const identity of ['alice', '%3Cx%3E']) {
        const response = await fetch(`${server.url}/voice-token?identity=${identity}`, {
          headers: { origin: 'https://evil.example' },
        });
        expect(response.status, 'the Function answers').not.toBe(404);
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
      }
    });

    it('leaves the CORS preflight to the runtime, as Twilio does', async () => {
      const preflight = await fetch(`${server.url}/voice-token`, {
        method: 'OPTIONS',
        headers: { origin: 'https://phone.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    });

    it('refuses /call without a signature, with a wrong one, and for a tampered request', async () => {
      const url = `${server.url}/call`;
      const params = voiceWebhookParams(env.ACCOUNT_SID, {});
      const unsigned = await postForm(url, params, 'unsigned');
      expect(unsigned.status).toBe(401);
      expect(await unsigned.json()).toMatchObject({ error: { code: 'signature_invalid' } });
      expect((await postForm(url, params, { signature: 'AAAA' })).status).toBe(401);
      expect((await postForm(url, params, { authToken: 'not-the-auth-token' })).status).toBe(401);
      // Signed for bob, sent for +81…: the signature covers the parameters.
      const { getExpectedTwilioSignature } = (await import('twilio')).default;
      const signature = getExpectedTwilioSignature(env.AUTH_TOKEN, url, params);
      const tampered = await postForm(url, { ...params, To: '+819012345678' }, { signature });
      expect(tampered.status).toBe(401);
      // Signed for another host: the signature covers the URL as requested.
      const otherHost = getExpectedTwilioSignature(
        env.AUTH_TOKEN,
        url.replace('127.0.0.1', 'localhost'),
        params,
      );
      expect((await postForm(url, params, { signature: otherHost })).status).toBe(401);
    });

    it('answers a signed /call with TwiML that dials the browser', async () => {
      const url = `${server.url}/call`;
      const response = await postForm(url, voiceWebhookParams(env.ACCOUNT_SID, {}), {
        authToken: env.AUTH_TOKEN,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
      // The exact <Dial> attributes are checked on the handler, each with its stage.
      expect(await response.text()).toMatch(/<Dial[^>]*><Client>bob<\/Client><\/Dial>/);
    });

    it(`answers each of ${hostileTokenRequests.length} hostile token requests with a 4xx JSON error and no token`, async () => {
      expect(hostileTokenRequests.length).toBeGreaterThanOrEqual(30);
      for (const hostile of hostileTokenRequests) {
        const response = await sendHostile(`${server.url}/voice-token`, hostile);
        const text = await response.text();
        const context = `${hostile.name}: ${response.status} ${text.slice(0, 200)}`;
        expect(response.status, context).toBeGreaterThanOrEqual(400);
        expect(response.status, context).toBeLessThan(500);
        expect(response.headers.get('content-type'), context).toMatch(/^application\/json/);
        const body = JSON.parse(text) as {
          error?: { code?: string; message?: string };
          token?: string;
        };
        expect(body.token, context).toBeUndefined();
        expect(body.error?.code, context).toMatch(/^[a-z_]+$/);
        expect(body.error?.message, context).toMatch(/[ぁ-んァ-ヶ一-龠]/);
      }
    });

    it(`answers each of ${hostileCallParams.length} hostile signed /call requests without dialing anything but a browser`, async () => {
      expect(hostileCallParams.length).toBeGreaterThanOrEqual(30);
      const url = `${server.url}/call`;
      for (const hostile of hostileCallParams) {
        const params = voiceWebhookParams(env.ACCOUNT_SID, hostile.params);
        const response = await postForm(url, params, { authToken: env.AUTH_TOKEN });
        const twiml = await response.text();
        expect(response.status, hostile.name).toBe(200);
        expect(response.headers.get('content-type'), hostile.name).toMatch(/^text\/xml/);
        expect(twiml, hostile.name).not.toMatch(/<Number|<Sip|<Dial/);
        expect(twiml, hostile.name).toMatch(/<Say language="ja-JP">[^<]+<\/Say><Hangup\/>/);
      }
    });

    it('checks the signature over the URL including its query string', async () => {
      const url = `${server.url}/call?attempt=1`;
      const params = voiceWebhookParams(env.ACCOUNT_SID, {});
      expect((await postForm(url, params, { authToken: env.AUTH_TOKEN })).status).toBe(200);
      const { getExpectedTwilioSignature } = (await import('twilio')).default;
      const signature = getExpectedTwilioSignature(env.AUTH_TOKEN, `${server.url}/call`, params);
      expect((await postForm(url, params, { signature })).status).toBe(401);
    });
  });
}
