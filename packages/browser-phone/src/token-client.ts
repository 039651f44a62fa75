import { isApiErrorBody, PASSCODE_PARAM, type TokenResponse } from '@kit/shared';

/** What the phone needs from the token endpoint, checked before use. */
export type TokenResult =
  | { ok: true; token: string; identity: string; ttlSeconds: number }
  | { ok: false; code: string; message: string };

export interface TokenRequest {
  url: string;
  identity: string;
  passcode: string;
}

/**
 * POSTs the identity as a form (URL-encoded for us, unlike the original's
 * string concatenation) and turns every failure into a Japanese message.
 */
export async function fetchVoiceToken(
  request: TokenRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<TokenResult> {
  const body = new URLSearchParams({ identity: request.identity });
  if (request.passcode !== '') body.set(PASSCODE_PARAM, request.passcode);
  let response: Response;
  try {
    response = await fetchImpl(request.url, { method: 'POST', body, cache: 'no-store' });
  } catch {
    return {
      ok: false,
      code: 'network',
      message:
        'トークンを取得できません。Functions が起動しているか、ネットワークを確認してください。',
    };
  }
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (isApiErrorBody(payload)) return { ok: false, ...payload.error };
    return {
      ok: false,
      code: `http_${response.status}`,
      message: `トークンの取得に失敗しました(HTTP ${response.status})。`,
    };
  }
  if (!isTokenResponse(payload)) {
    return { ok: false, code: 'bad_response', message: 'トークンの応答の形式が正しくありません。' };
  }
  return {
    ok: true,
    token: payload.token,
    identity: payload.identity,
    ttlSeconds: payload.ttlSeconds,
  };
}

function isTokenResponse(value: unknown): value is TokenResponse {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<TokenResponse>;
  if (typeof candidate.token !== 'string' || typeof candidate.identity !== 'string') return false;
  return typeof candidate.ttlSeconds === 'number';
}
