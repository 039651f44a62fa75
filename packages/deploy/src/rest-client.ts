import twilio from 'twilio';
import type { AccountCredentials } from './credentials.js';
import { fail } from './output.js';

export type RestClient = ReturnType<typeof twilio>;

/**
 * The `twilio` helper library for the Api 2010 resources (keys, TwiML Apps) and
 * Serverless deletes. It reads HTTP_PROXY, TWILIO_EDGE and TWILIO_REGION itself,
 * like `@twilio-labs/serverless-api` does, so one environment steers both.
 */
export function createRestClient({ accountSid, authToken }: AccountCredentials): RestClient {
  return twilio(accountSid, authToken, { autoRetry: true, maxRetries: 3 });
}

interface RestError {
  status?: number;
  code?: number;
  message?: string;
}

/**
 * The HTTP status of a failed Twilio call, whichever library made it: `twilio`
 * puts it on the error; `@twilio-labs/serverless-api` keeps Twilio's error body
 * in `details` (or the raw got response).
 */
export function restStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as RestError & {
    details?: { status?: number };
    response?: { statusCode?: number };
  };
  return candidate.status ?? candidate.details?.status ?? candidate.response?.statusCode;
}

export function isNotFound(error: unknown): boolean {
  return restStatus(error) === 404;
}

/** Turns the errors every command can meet (bad credentials, no network) into instructions. */
export function explainRestError(error: unknown, doing: string): never {
  const status = restStatus(error);
  if (status === 401 || status === 403) {
    fail(
      `${doing}: Twilio が認証を拒否しました。ACCOUNT_SID と AUTH_TOKEN を Console の値と見比べてください。`,
      `${doing}: HTTP ${status} authentication failed`,
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null ? (error as RestError).code : undefined;
  fail(
    `${doing}: Twilio の API がエラーを返しました(${status ?? 'no response'}${code ? `, ${code}` : ''})。`,
    `${doing}: ${detail}`,
  );
}
