import { describe, expect, it } from 'vitest';
import { checkIdentity, IDENTITY_MAX_LENGTH } from '../src/identity.js';

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
    ['alice ', 'identity_invalid'],
    ['al ice', 'identity_invalid'],
    ['alice\n', 'identity_invalid'],
    ['al\u0000ice', 'identity_invalid'],
    ['client:alice', 'identity_invalid'],
    ['sip:alice@example.com', 'identity_invalid'],
    ['+819012345678', 'identity_invalid'],
    ['a/b', 'identity_invalid'],
    ['<script>', 'identity_invalid'],
    ['</Client><Number>+1</Number>', 'identity_invalid'],
    ['アリス', 'identity_invalid'],
    ['аlice', 'identity_invalid'], // Cyrillic "а"
    ['ａlice', 'identity_invalid'], // full-width "a"
    ['alice\u200b', 'identity_invalid'], // zero-width space
  ])('rejects %j with %s and a Japanese message', (input, code) => {
    const result = checkIdentity(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
  });

  it('names the field it checked', () => {
    const result = checkIdentity('', 'To');
    expect(result.ok || result.error.message.startsWith('To ')).toBe(true);
    expect(result.ok).toBe(false);
  });
});
