import { createHash, timingSafeEqual } from 'node:crypto';
import { type ApiError, PASSCODE_HEADER, PASSCODE_PARAM } from '@kit/shared';

type PasscodeEvent = {
  [PASSCODE_PARAM]?: unknown;
  request: { headers: Record<string, unknown> };
};

// #region passcode
/**
 * A Public Function answers anyone who knows its URL. With WORKSHOP_PASSCODE set,
 * only people in the room (who were told the passcode) get a token.
 * The comparison takes the same time whatever the guess, so timing tells nothing.
 */
export function checkPasscode(expected: string, event: PasscodeEvent): ApiError | null {
  if (expected === '') return null;
  const given = event.request.headers[PASSCODE_HEADER] ?? event[PASSCODE_PARAM];
  if (given === undefined || given === '') {
    return {
      code: 'passcode_required',
      message: 'ワークショップの合言葉(passcode)を入力してください。',
    };
  }
  if (typeof given !== 'string' || !sameSecret(given, expected)) {
    return { code: 'passcode_invalid', message: '合言葉(passcode)が違います。' };
  }
  return null;
}

function sameSecret(given: string, expected: string): boolean {
  // Hashing first makes both sides the same length, which timingSafeEqual requires.
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
// #endregion passcode
