import { describe, expect, it } from 'vitest';
import { readAccessToken, verifyAccessToken } from '../src/node/access-token.js';
import { signAccessToken } from '../src/testing/index.js';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyAccessToken', () => {
  const claims = { iss: 'SK1', sub: 'AC1', grants: { identity: 'alice' } };

  it('returns the claims of a token signed with the secret', () => {
    expect(verifyAccessToken(signAccessToken(claims, 's3cret'), 's3cret')).toEqual(claims);
  });

  it.each([
    ['another secret', signAccessToken(claims, 'other'), 'signature'],
    ['alg none', `${encode({ alg: 'none' })}.${encode(claims)}.`, 'algorithm'],
    ['HS512 claimed', signAccessToken(claims, 's3cret', { alg: 'HS512' }), 'algorithm'],
    ['not a JWT', 'not-a-jwt', 'malformed'],
    ['four parts', `${signAccessToken(claims, 's3cret')}.x`, 'malformed'],
    ['a header that is not JSON', `x.${encode(claims)}.x`, 'malformed'],
    ['claims that are not an object', signAccessToken([1, 2], 's3cret'), 'payload'],
  ])('refuses %s, saying why', (_name, token, refusal) => {
    expect(verifyAccessToken(token, 's3cret')).toBeNull();
    expect(readAccessToken(token, 's3cret')).toEqual({ ok: false, refusal });
  });

  it('gives the header too, for checks of what the token declares', () => {
    expect(readAccessToken(signAccessToken(claims, 's3cret'), 's3cret')).toEqual({
      ok: true,
      header: { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' },
      claims,
    });
  });
});
