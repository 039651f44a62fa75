import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAccessToken } from '../src/node/access-token.js';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function sign(header: object, claims: object, secret: string): string {
  const unsigned = `${encode(header)}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('verifyAccessToken', () => {
  const claims = { iss: 'SK1', sub: 'AC1', grants: { identity: 'alice' } };

  it('returns the claims of a token signed with the secret', () => {
    expect(
      verifyAccessToken(sign({ alg: 'HS256', typ: 'JWT' }, claims, 's3cret'), 's3cret'),
    ).toEqual(claims);
  });

  it.each([
    ['another secret', sign({ alg: 'HS256' }, claims, 'other'), 's3cret'],
    ['alg none', `${encode({ alg: 'none' })}.${encode(claims)}.`, 's3cret'],
    ['HS512 claimed', sign({ alg: 'HS512' }, claims, 's3cret'), 's3cret'],
    ['not a JWT', 'not-a-jwt', 's3cret'],
    ['four parts', `${sign({ alg: 'HS256' }, claims, 's3cret')}.x`, 's3cret'],
  ])('refuses %s', (_name, token, secret) => {
    expect(verifyAccessToken(token, secret)).toBeNull();
  });
});
