import { type ApiError, errorBody } from '@kit/shared';
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';

export type Headers = Record<string, string>;

// #region json
/** A JSON answer that no cache keeps (tokens are personal and short-lived). */
export function json(statusCode: number, body: object, headers: Headers = {}): TwilioResponse {
  const response = new Twilio.Response();
  response.setStatusCode(statusCode);
  response.appendHeader('Content-Type', 'application/json; charset=utf-8');
  response.appendHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) response.appendHeader(name, value);
  response.setBody(body);
  return response;
}

/** `{ error: { code, message } }`: an English code for programs, a Japanese message for people. */
export function fail(statusCode: number, error: ApiError, headers: Headers = {}): TwilioResponse {
  return json(statusCode, errorBody(error.code, error.message), headers);
}
// #endregion json
