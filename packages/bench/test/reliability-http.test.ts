import { generateLocalCredentials } from '@kit/functions/local-env';
import { pickStepEnv } from '@kit/functions/step-env';
import { findStep } from '@kit/shared';
import { type AccessTokenClaims, verifyAccessToken } from '@kit/shared/access-token';
import { HOSTILE_IDENTITIES } from '@kit/shared/testing';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../src/servers/server-process.js';
import { Counts } from './support/counts.js';

/**
 * Hostile inputs against the real Functions on the real runtime (each step in
 * its own process): the token endpoints must answer 4xx JSON (no token, no
 * stack trace), `/call` must answer TwiML that dials nobody.
 */
const PASSCODE = 'open-sesame';
const credentials = generateLocalCredentials();
const counts = new Counts('endpoint');
const servers = new Map<number, ServerProcess>();

function envFor(step: number): Record<string, string> {
  const found = findStep(step);
  if (!found) throw new Error(`step ${step} missing`);
  return pickStepEnv(found, { ...credentials, WORKSHOP_PASSCODE: PASSCODE });
}

beforeAll(async () => {
  await Promise.all(
    [2, 3, 4, 5].map(async (step) => {
      servers.set(step, await startServerProcess({ kind: 'step', step, env: envFor(step) }));
    }),
  );
}, 30_000);

afterAll(async () => {
  counts.print();
  await Promise.all([...servers.values()].map((server) => server.close()));
});

const url = (step: number, path: string) => `${servers.get(step)?.url}${path}`;

/** Query strings with a correct passcode and a hostile identity (or none, or several). */
const hostileIdentityQueries = [
  `passcode=${PASSCODE}`,
  ...HOSTILE_IDENTITIES.map(
    ({ value }) => `passcode=${PASSCODE}&identity=${encodeURIComponent(value)}`,
  ),
  `passcode=${PASSCODE}&identity=alice&identity=bob`,
  `passcode=${PASSCODE}&identity[name]=alice`,
];

const hostilePasscodeQueries = [
  'identity=alice',
  'identity=alice&passcode=',
  'identity=alice&passcode=wrong',
  `identity=alice&passcode=${PASSCODE}x`,
  `identity=alice&passcode=${PASSCODE}&passcode=${PASSCODE}`,
  `identity=alice&passcode[x]=${PASSCODE}`,
  `identity=alice&passcode=${'p'.repeat(5000)}`,
];

interface Answer {
  status: number;
  type: string;
  text: string;
}

async function call(target: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(target, init);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** The documented refusal: 4xx, JSON `{ error: { code, message } }`, no token, no stack trace. */
function isJsonRefusal(answer: Answer, statuses: readonly number[]): boolean {
  if (!statuses.includes(answer.status) || !answer.type.includes('application/json')) return false;
  if (/eyJ[\w-]+\.eyJ/.test(answer.text) || /\n\s+at |\/work\/|node_modules/.test(answer.text)) {
    return false;
  }
  try {
    const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
    return typeof body.error?.code === 'string' && typeof body.error.message === 'string';
  } catch {
    return false;
  }
}

const MALFORMED_BODIES: { contentType: string; body: string; statuses: number[] }[] = [
  { contentType: 'application/json', body: '{"identity":', statuses: [400] },
  { contentType: 'application/json', body: '{"identity":"alice"}}', statuses: [400] },
  {
    contentType: 'application/x-www-form-urlencoded; charset=utf-16',
    body: 'a=b',
    statuses: [415],
  },
];

describe('token endpoints refuse hostile input with 4xx JSON', () => {
  for (const [step, path, extra] of [
    [4, '/voice-token', ''],
    [5, '/token', '&grants=voice'],
  ] as const) {
    const target = `step-${String(step).padStart(2, '0')} ${path}`;

    it(`${target}: hostile identities → 400`, async () => {
      for (const query of hostileIdentityQueries) {
        const answer = await call(url(step, `${path}?${query}${extra}`));
        const documented = isJsonRefusal(answer, [400]);
        counts.record(target, documented);
        expect(documented, `${query} → ${answer.status} ${answer.text.slice(0, 200)}`).toBe(true);
      }
    });

    it(`${target}: missing or wrong passcode → 401`, async () => {
      for (const query of hostilePasscodeQueries) {
        const answer = await call(url(step, `${path}?${query}${extra}`));
        const documented = isJsonRefusal(answer, [401]);
        counts.record(target, documented);
        expect(documented, `${query} → ${answer.status} ${answer.text.slice(0, 200)}`).toBe(true);
      }
    });

    it(`${target}: malformed bodies → 4xx JSON`, async () => {
      for (const { contentType, body, statuses } of MALFORMED_BODIES) {
        const answer = await call(url(step, path), {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        });
        const documented = isJsonRefusal(answer, statuses);
        counts.record(target, documented);
        expect(documented, `${contentType} → ${answer.status} ${answer.text.slice(0, 200)}`).toBe(
          true,
        );
      }
    });
  }

  it('step-05 /token: unknown grants → 400', async () => {
    for (const grants of ['admin', 'voice,admin', '', 'voice;video', 'VOICE ']) {
      const answer = await call(
        url(5, `/token?passcode=${PASSCODE}&identity=alice&grants=${encodeURIComponent(grants)}`),
      );
      const documented = isJsonRefusal(answer, [400]);
      counts.record('step-05 /token', documented);
      expect(documented, `grants=${grants} → ${answer.status} ${answer.text}`).toBe(true);
    }
  });

  it('step-02 /token reads no input: hostile queries still get identity "user", no incoming grant; malformed bodies → 4xx JSON', async () => {
    for (const query of hostileIdentityQueries) {
      const answer = await call(url(2, `/token?${query}`));
      const claims = decodeClaims(answer.text);
      const documented =
        answer.status === 200 &&
        claims?.grants?.identity === 'user' &&
        claims.grants.voice?.incoming?.allow !== true;
      counts.record('step-02 /token (input ignored)', documented);
      expect(documented, `${query} → ${answer.status} ${answer.text.slice(0, 200)}`).toBe(true);
    }
    for (const { contentType, body, statuses } of MALFORMED_BODIES) {
      const answer = await call(url(2, '/token'), {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      const documented = isJsonRefusal(answer, statuses);
      counts.record('step-02 /token', documented);
      expect(documented, `${contentType} → ${answer.status} ${answer.text.slice(0, 200)}`).toBe(
        true,
      );
    }
  });
});

function decodeClaims(text: string): AccessTokenClaims | null {
  try {
    const { token } = JSON.parse(text) as { token: string };
    return verifyAccessToken(token, credentials.API_SECRET);
  } catch {
    return null;
  }
}

describe('/call (step 04, Protected) never dials anything but a browser identity', () => {
  const HOSTILE_CALLS: Record<string, string>[] = [
    // (A digits-only To such as 0120444444 is a valid identity: it becomes <Client>0120444444</Client>, never <Number>.)
    ...HOSTILE_IDENTITIES.map(({ value }) => ({ To: value, From: 'client:alice' })),
    { From: 'client:alice' },
    { To: 'bob', From: '+819012345678' },
    { To: 'bob', From: 'client:' },
    { To: 'bob', From: 'client:<script>' },
    { To: 'bob' },
  ];

  const signedPost = (params: Record<string, string>, signature?: string) => {
    const target = url(4, '/call');
    return call(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature':
          signature ?? twilio.getExpectedTwilioSignature(credentials.AUTH_TOKEN, target, params),
      },
      body: new URLSearchParams(params).toString(),
    });
  };

  it('signed hostile To/From → TwiML without <Dial>, <Number> or <Sip>', async () => {
    for (const params of HOSTILE_CALLS) {
      const answer = await signedPost(params);
      const documented =
        answer.status === 200 &&
        answer.type.includes('text/xml') &&
        answer.text.includes('<Response>') &&
        !/<Dial|<Number|<Sip/.test(answer.text);
      counts.record('step-04 /call (signed)', documented);
      expect(documented, `${JSON.stringify(params)} → ${answer.status} ${answer.text}`).toBe(true);
    }
  });

  it('unsigned or forged → 401', async () => {
    const params = { To: 'bob', From: 'client:alice' };
    for (const signature of [
      '',
      'forged',
      twilio.getExpectedTwilioSignature('x', url(4, '/call'), params),
    ]) {
      const answer = await signedPost(params, signature);
      const documented = answer.status === 401 && !/<Dial/.test(answer.text);
      counts.record('step-04 /call (unsigned/forged)', documented);
      expect(documented, `${signature} → ${answer.status}`).toBe(true);
    }
  });

  it('the same server still dials a valid identity (the checks above can fail)', async () => {
    const answer = await signedPost({ To: 'bob', From: 'client:alice' });
    expect(answer.text).toMatch(/<Dial[^>]*><Client>bob<\/Client><\/Dial>/);
  });
});
