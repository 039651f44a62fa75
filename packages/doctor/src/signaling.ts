import { type Frame, PStreamClient } from '@kit/emulator/client';

/**
 * A registration as the Voice SDK makes it (PStream 1.6, see
 * packages/emulator/PROTOCOL.md): `listen` with the token → `connected`, then
 * `register` → `ready`, then unregister again so the doctor leaves nothing behind.
 */
export type RegistrationResult =
  | { ok: true; identity: string }
  | { ok: false; stage: 'connect' | 'listen' | 'register'; detail: string };

export async function registerWithEmulator(
  signalingHost: string,
  token: string,
  timeoutMs = 5_000,
): Promise<RegistrationResult> {
  let client: PStreamClient;
  try {
    client = await PStreamClient.connect(`ws://${signalingHost}/signal`, {
      timeoutMs,
      userAgent: 'kit-doctor',
    });
  } catch (error) {
    return { ok: false, stage: 'connect', detail: errorText(error) };
  }
  // No answer within timeoutMs is a refusal to describe, not an error to throw.
  const next = (types: string[]) => client.next(types).catch(() => null);
  try {
    const listened = await client.listen(token).catch(() => null);
    if (listened?.type !== 'connected') {
      return { ok: false, stage: 'listen', detail: describeRefusal(listened) };
    }
    const tokenInfo = listened.payload.token as { identity?: unknown } | undefined;
    client.send('register', { media: { audio: true } });
    const registered = await next(['ready', 'error']);
    if (registered?.type !== 'ready') {
      return { ok: false, stage: 'register', detail: describeRefusal(registered) };
    }
    client.send('register', { media: { audio: false } });
    await next(['offline']);
    return { ok: true, identity: String(tokenInfo?.identity ?? '') };
  } finally {
    await client.close(1_000);
  }
}

function describeRefusal(frame: Frame | null): string {
  if (!frame) return '応答がありません';
  const error = frame.payload.error as { code?: unknown } | undefined;
  return error?.code ? `エラー ${String(error.code)}` : `${frame.type} が返りました`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
