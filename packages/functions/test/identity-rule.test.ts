import { checkIdentity } from '@kit/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceStepDir } from '../src/steps-dir.js';
import { testCredentials } from './support/credentials.js';
import { hostileCallParams, hostileTokenRequests } from './support/hostile-inputs.js';
import {
  type AnyHandler,
  fakeContext,
  installRuntimeGlobals,
  invoke,
  loadHandler,
} from './support/invoke.js';

/**
 * One identity rule, kept by test rather than by import: each taught Function
 * writes the rule inline (so an attendee can paste it alone), and each must
 * give `@kit/shared`'s checkIdentity verdict on every value, hostile or generated.
 */

/** A small seeded generator (mulberry32), so a failure names a value that fails again. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ...'abcXYZ019_.-',
  ...' +:@/<>&;\'"%$#\\\t\n\r\u0000',
  'ａ', // full-width a
  'а', // Cyrillic a
  'ア',
  '\u200b',
  '😀',
];

function generatedValues(count: number): string[] {
  const random = seeded(20261130);
  return Array.from({ length: count }, () => {
    // Mostly lengths around the 64-character limit and the short end.
    const length = [0, 1, 2, 5, 63, 64, 65, 70][Math.floor(random() * 8)] ?? 1;
    const safeOnly = random() < 0.5;
    return Array.from({ length }, () => {
      const pool = safeOnly ? ALPHABET.slice(0, 12) : ALPHABET;
      return pool[Math.floor(random() * pool.length)] ?? 'a';
    }).join('');
  });
}

/** Identity values taken from the hostile request list (query strings decoded as a server would). */
function hostileValues(): unknown[] {
  const fromQueries = hostileTokenRequests.flatMap((request): unknown[] => {
    const params = new URLSearchParams(request.query ?? '');
    const all = params.getAll('identity');
    return all.length > 1 ? [all] : all;
  });
  const fromJson = hostileTokenRequests.flatMap((request) => {
    try {
      return [(JSON.parse(request.json ?? 'null') as { identity?: unknown } | null)?.identity];
    } catch {
      return [];
    }
  });
  const fromCalls = hostileCallParams
    .map((call) => call.params.To)
    .filter((to) => to !== undefined);
  return [...fromQueries, ...fromJson, ...fromCalls, undefined, null, 42, ['alice'], {}];
}

const VALUES = [...hostileValues(), ...generatedValues(3000)];
const credentials = testCredentials();
const env = {
  ACCOUNT_SID: credentials.ACCOUNT_SID,
  API_KEY: credentials.API_KEY,
  API_SECRET: credentials.API_SECRET,
  TWIML_APP_SID: credentials.TWIML_APP_SID,
};

type Verdict = (value: unknown) => Promise<boolean>;

/** A token Function accepts the identity when it answers with a token. */
function tokenVerdict(handler: () => AnyHandler, extra: object = {}): Verdict {
  return async (identity) => {
    const { payload } = await invoke(handler(), fakeContext(env), { ...extra, identity });
    const body = (payload as { body?: { token?: unknown } }).body;
    return typeof body?.token === 'string';
  };
}

/** `/call` accepts `To` when it dials; it accepts a caller when `From=client:<value>` dials. */
function callVerdict(handler: () => AnyHandler, field: 'To' | 'From'): Verdict {
  return async (value) => {
    const params =
      field === 'To'
        ? { To: value, From: 'client:alice' }
        : { To: 'bob', From: typeof value === 'string' ? `client:${value}` : value };
    const { payload } = await invoke(handler(), fakeContext({}), params);
    return String(payload).includes('<Dial');
  };
}

const CASES = [
  { step: 'step-03', file: 'voice-token.ts', verdict: (h: () => AnyHandler) => tokenVerdict(h) },
  { step: 'step-04', file: 'voice-token.ts', verdict: (h: () => AnyHandler) => tokenVerdict(h) },
  {
    step: 'step-05',
    file: 'token.ts',
    verdict: (h: () => AnyHandler) => tokenVerdict(h, { grants: 'video' }),
  },
  {
    step: 'step-03',
    file: 'call.protected.ts (To)',
    verdict: (h: () => AnyHandler) => callVerdict(h, 'To'),
  },
  {
    step: 'step-03',
    file: 'call.protected.ts (From)',
    verdict: (h: () => AnyHandler) => callVerdict(h, 'From'),
  },
  {
    step: 'step-04',
    file: 'call.protected.ts (To)',
    verdict: (h: () => AnyHandler) => callVerdict(h, 'To'),
  },
];

describe.each(CASES)('$step $file', ({ step, file, verdict }) => {
  let handler: AnyHandler;
  beforeAll(async () => {
    const dir = referenceStepDir({ tag: step } as Parameters<typeof referenceStepDir>[0]);
    await installRuntimeGlobals(dir);
    handler = await loadHandler(dir, file.split(' ')[0] ?? file);
  });

  it(`gives checkIdentity's verdict on ${VALUES.length} values`, { timeout: 60_000 }, async () => {
    const accepts = verdict(() => handler);
    const disagreements: string[] = [];
    for (const value of VALUES) {
      // A caller's `From` is a string by construction; non-strings only apply to the other fields.
      if (file.endsWith('(From)') && typeof value !== 'string') continue;
      const expected = checkIdentity(value).ok;
      if ((await accepts(value)) !== expected) disagreements.push(JSON.stringify(value));
    }
    expect(disagreements).toEqual([]);
  });
});

describe('the generated values', () => {
  it('cover both verdicts, so the comparison means something', () => {
    const verdicts = VALUES.map((value) => checkIdentity(value).ok);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(500);
    expect(verdicts.filter((ok) => !ok).length).toBeGreaterThan(500);
  });
});
