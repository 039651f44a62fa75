import { checkIdentity } from '@kit/shared';

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
