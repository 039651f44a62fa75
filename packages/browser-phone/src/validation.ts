import { checkIdentity, ownsIdentity } from '@kit/shared';

/** The phone checks inputs with the same rule as the server, before any request. */
export type FieldCheck = { ok: true; value: string } | { ok: false; message: string };

export function checkIdentityField(raw: string): FieldCheck {
  const result = checkIdentity(raw.trim(), 'あなたの名前(identity)');
  return result.ok
    ? { ok: true, value: result.identity }
    : { ok: false, message: result.error.message };
}

export function checkDestinationField(raw: string, ownIdentity: string | null): FieldCheck {
  const result = checkIdentity(raw.trim(), '宛先');
  if (!result.ok) return { ok: false, message: result.error.message };
  if (result.identity === ownIdentity) {
    return { ok: false, message: '自分自身には発信できません。別の名前を入力してください。' };
  }
  return { ok: true, value: result.identity };
}

/**
 * In a room, the phone registers only as the name the attendee owns (`owner`) or
 * a second tab's name of it: the room's emulator refuses anyone else's, so the
 * phone says so first, in words, instead of an invalid-token error.
 */
export function checkRoomIdentity(owner: string, identity: string): FieldCheck {
  if (ownsIdentity(owner, identity)) return { ok: true, value: identity };
  return {
    ok: false,
    message: `この教室では、あなたの電話の名前は ${owner} です。ほかの人の名前では登録できません(2 つ目のタブでは ${owner}-2 のように、${owner}- に英数字 1〜8 文字を続けます)。`,
  };
}
