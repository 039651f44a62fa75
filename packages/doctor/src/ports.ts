import { freePort, isPortFree } from '@kit/shared/ports';
import { fetchText, parseJson } from './http.js';

export { freePort, isPortFree };

/** Where the kit listens (`HOST` of @kit/launcher; not imported here, so the doctor starts fast). */
export const HOST = '127.0.0.1';

/** Who holds a port: nobody, the kit's Functions (`pnpm dev`), the kit's emulator, or something else. */
export type PortHolder =
  | { kind: 'free' }
  | { kind: 'kit'; baseUrl: string }
  | { kind: 'emulator'; baseUrl: string }
  | { kind: 'other' };

export const DOCTOR_IDENTITY = 'kit-doctor';

/**
 * Asks what answers on a busy port: the kit's token endpoint answers JSON with
 * a token or the kit's `{ error: { code } }` (e.g. a passcode is required);
 * the emulator answers `GET /healthz` with `{ ok: true }`.
 */
export async function identifyPort(port: number): Promise<PortHolder> {
  if (await isPortFree(port)) return { kind: 'free' };
  const baseUrl = `http://${HOST}:${port}`;
  const token = await fetchText(`${baseUrl}/voice-token?identity=${DOCTOR_IDENTITY}`, {
    timeoutMs: 3_000,
  }).catch(() => null);
  if (token && looksLikeKitAnswer(token.body)) return { kind: 'kit', baseUrl };
  const health = await fetchText(`${baseUrl}/healthz`, { timeoutMs: 3_000 }).catch(() => null);
  const healthBody = health ? parseJson(health.body) : undefined;
  if (health?.status === 200 && isRecord(healthBody) && healthBody.ok === true) {
    return { kind: 'emulator', baseUrl };
  }
  return { kind: 'other' };
}

function looksLikeKitAnswer(body: string): boolean {
  const value = parseJson(body);
  if (!isRecord(value)) return false;
  if (typeof value.token === 'string') return true;
  return isRecord(value.error) && typeof value.error.code === 'string';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
