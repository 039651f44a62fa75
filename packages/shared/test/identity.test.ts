import { describe, expect, it } from 'vitest';
import {
  checkIdentity,
  IDENTITY_MAX_LENGTH,
  identitiesCollide,
  ownsIdentity,
} from '../src/identity.js';
import { HOSTILE_IDENTITIES } from '../src/testing/index.js';

const JAPANESE = /[ぁ-んァ-ヶ一-龠]/;

describe('checkIdentity', () => {
  it.each(['alice', 'bob-2', 'user_1', 'a.b', 'A', 'x'.repeat(IDENTITY_MAX_LENGTH)])(
    'accepts %j',
    (identity) => {
      expect(checkIdentity(identity)).toEqual({ ok: true, identity });
    },
  );

  it.each([
    ['', 'identity_required'],
    [undefined, 'identity_required'],
    [null, 'identity_required'],
    [['alice', 'bob'], 'identity_not_single'],
    [42, 'identity_invalid'],
    [{ name: 'alice' }, 'identity_invalid'],
    ['x'.repeat(IDENTITY_MAX_LENGTH + 1), 'identity_too_long'],
    [' alice', 'identity_invalid'],
  ])('rejects %j with %s and a Japanese message', (input, code) => {
    const result = checkIdentity(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(JAPANESE);
  });

  it.each(HOSTILE_IDENTITIES)(
    'rejects the hostile identity "$name" with a Japanese message',
    ({ value }) => {
      const result = checkIdentity(value);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.message).toMatch(JAPANESE);
    },
  );

  it('names the field it checked', () => {
    const result = checkIdentity('', 'To');
    expect(result.ok || result.error.message.startsWith('To ')).toBe(true);
    expect(result.ok).toBe(false);
  });
});

describe('identities owned by a room member', () => {
  it('owns its identity and second-tab names of it, nothing that only looks alike', () => {
    for (const identity of ['alice', 'alice-2', 'alice-phone', 'alice-Tab12345'])
      expect(ownsIdentity('alice', identity), identity).toBe(true);
    for (const identity of [
      'bob',
      'Alice',
      'alicex',
      'alice-',
      'alice-2-3',
      'alice-123456789',
      'alice-タブ',
      'alice_2',
    ])
      expect(ownsIdentity('alice', identity), identity).toBe(false);
  });

  it('sees two members collide when either could register the other’s names, letter case aside', () => {
    expect(identitiesCollide('alice', 'alice')).toBe(true);
    expect(identitiesCollide('alice', 'Alice')).toBe(true);
    expect(identitiesCollide('alice', 'alice-2')).toBe(true);
    expect(identitiesCollide('alice-2', 'alice')).toBe(true);
    expect(identitiesCollide('alice', 'alicex')).toBe(false);
    expect(identitiesCollide('alice', 'bob')).toBe(false);
    for (const hostile of HOSTILE_IDENTITIES.filter((value) => typeof value === 'string'))
      expect(ownsIdentity('alice', hostile as string)).toBe(false);
  });
});
