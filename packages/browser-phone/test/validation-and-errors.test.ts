import { describe, expect, it } from 'vitest';
import { explainRoomError, explainTwilioError, meaningfulCode } from '../src/twilio-errors.js';
import { checkDestinationField, checkIdentityField, checkRoomIdentity } from '../src/validation.js';

describe('checkIdentityField', () => {
  it('accepts the shared rule, ignoring surrounding spaces typed by a person', () => {
    expect(checkIdentityField(' alice ')).toEqual({ ok: true, value: 'alice' });
  });
  it.each(['', 'al ice', '<b>', 'アリス', 'x'.repeat(65), '+819012345678'])(
    'refuses %j in Japanese',
    (raw) => {
      const result = checkIdentityField(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain('あなたの名前');
    },
  );
});

describe('checkDestinationField', () => {
  it('accepts another identity and refuses phone numbers, SIP and oneself', () => {
    expect(checkDestinationField('bob', 'alice')).toEqual({ ok: true, value: 'bob' });
    expect(checkDestinationField('sip:bob@example.com', 'alice').ok).toBe(false);
    expect(checkDestinationField('+819012345678', 'alice').ok).toBe(false);
    const self = checkDestinationField('alice', 'alice');
    expect(self.ok).toBe(false);
    if (!self.ok) expect(self.message).toContain('自分自身');
  });
});

describe('checkRoomIdentity (教室モード)', () => {
  it('lets the attendee register as their own name or a second tab of it, and says why not otherwise', () => {
    expect(checkRoomIdentity('hanako', 'hanako')).toEqual({ ok: true, value: 'hanako' });
    expect(checkRoomIdentity('hanako', 'hanako-2')).toEqual({ ok: true, value: 'hanako-2' });
    const other = checkRoomIdentity('hanako', 'bob');
    expect(other.ok).toBe(false);
    if (!other.ok) {
      expect(other.message).toContain('あなたの電話の名前は hanako です');
      expect(other.message).toContain('hanako-2');
    }
    expect(checkRoomIdentity('hanako', 'Hanako').ok).toBe(false);
  });
});

describe('explainTwilioError', () => {
  it.each([
    20101, 20151, 31201, 31204, 31205, 31207, 31209, 31401, 31005, 11200, 12100, 12300, 21218,
    31480, 31486, 31603,
  ])('explains %i in Japanese with a hint', (code) => {
    const { message } = explainTwilioError(code);
    expect(message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    expect(message).not.toBe(explainTwilioError(undefined).message);
  });
  it('points at the microphone setting for permission errors', () => {
    expect(explainTwilioError(31401).hint).toContain('マイク');
    expect(explainTwilioError(20101).hint).toContain('API_SECRET');
  });
});

describe('explainRoomError (pnpm dev --room)', () => {
  it("says the room refused the phone for a refused token, not the credentials' wording", () => {
    for (const code of [20101, 31204]) {
      const { message, hint } = explainRoomError(code);
      expect(message).toContain('教室');
      expect(hint).toContain('退室');
      expect(hint).not.toContain('API_SECRET');
    }
  });
  it('explains every other code as in single-laptop mode', () => {
    expect(explainRoomError(11200)).toEqual(explainTwilioError(11200));
  });
});

describe('meaningfulCode', () => {
  it("prefers the TwiML App's code that the SDK wrapped in 31005", () => {
    expect(meaningfulCode({ code: 31005, originalError: { code: 11200 } })).toBe(11200);
    expect(meaningfulCode({ code: 31005 })).toBe(31005);
    expect(meaningfulCode({ code: 31603, originalError: { code: 11200 } })).toBe(31603);
    expect(meaningfulCode({})).toBeUndefined();
  });
});
