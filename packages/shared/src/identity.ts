import type { ApiError } from './errors.js';

/**
 * The identity rule, shared by the token Functions, `/call` and the phone.
 * Twilio accepts almost any string as a Client identity, but `/call` puts it in
 * `<Client>` and the caller ID `client:{identity}`: anything beyond ASCII
 * letters, digits, `_`, `-` and `.` is a way to inject markup or a phone number.
 */
export const IDENTITY_MAX_LENGTH = 64;
export const IDENTITY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export type IdentityCheck = { ok: true; identity: string } | { ok: false; error: ApiError };

/** Checks a value taken straight from a request (string, array of repeated params, or anything). */
export function checkIdentity(value: unknown, label = 'identity'): IdentityCheck {
  if (Array.isArray(value)) {
    return fail(
      'identity_not_single',
      `${label} は 1 つだけ指定してください(複数指定されています)。`,
    );
  }
  if (value === undefined || value === null || value === '') {
    return fail('identity_required', `${label} を指定してください(英数字と _ - . で 1〜64 文字)。`);
  }
  if (typeof value !== 'string') {
    return fail('identity_invalid', `${label} は文字列で指定してください。`);
  }
  if (value.length > IDENTITY_MAX_LENGTH) {
    return fail(
      'identity_too_long',
      `${label} が長すぎます(${IDENTITY_MAX_LENGTH} 文字以内で指定してください)。`,
    );
  }
  if (!IDENTITY_PATTERN.test(value)) {
    return fail(
      'identity_invalid',
      `${label} に使えない文字が含まれています(半角英数字と _ - . のみ使えます)。`,
    );
  }
  return { ok: true, identity: value };
}

export function isValidIdentity(value: unknown): value is string {
  return checkIdentity(value).ok;
}

function fail(code: ApiError['code'], message: string): IdentityCheck {
  return { ok: false, error: { code, message } };
}

/**
 * In a room, a member's own identity and the names of their other tabs: the
 * identity, `-`, then 1–8 ASCII letters or digits (`alice-2`, `alice-phone`).
 */
export const SECOND_TAB_SUFFIX_PATTERN = /^[A-Za-z0-9]{1,8}$/;

/**
 * Whether a room member whose identity is `owner` may register as `identity`:
 * their own name, or it with a second tab's suffix. Exact, as Twilio compares
 * identities; nobody else's name.
 */
export function ownsIdentity(owner: string, identity: string): boolean {
  if (identity === owner) return true;
  return (
    identity.startsWith(`${owner}-`) &&
    SECOND_TAB_SUFFIX_PATTERN.test(identity.slice(owner.length + 1))
  );
}

/**
 * Two members' identities collide when either could register a name the other
 * owns, letter case aside (`Alice` beside `alice` on one board is a mix-up).
 */
export function identitiesCollide(a: string, b: string): boolean {
  const [lowerA, lowerB] = [a.toLowerCase(), b.toLowerCase()];
  return ownsIdentity(lowerA, lowerB) || ownsIdentity(lowerB, lowerA);
}
