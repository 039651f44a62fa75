/**
 * The codes the emulator sends, and why each one. The SDK maps them as
 * PROTOCOL.md §Errors says: in an `error` frame 31204 → 20101, 31205 → 20104,
 * 31201 → 20151; in `hangup.error` the "precise" codes (31201, 31204, 31205,
 * 31404, 31480, 31486, 31603) reach the app as 31005 with `originalError.code`
 * set to ours, unless `enableImprovedSignalingErrorPrecision` is on.
 */
export const SignalError = {
  /** A frame that is not JSON, has no `type`, or lacks a required field. */
  malformed: 31100,
  /**
   * The token is not a valid HS256 Access Token of this account: its `iss`
   * names no key of the account (never created, or revoked), that key's
   * secret does not verify it, or a claim is wrong. Twilio's page for 31204
   * lists "an incorrect Account SID or API Key"; the Device shows 20101
   * AccessTokenInvalid. (31202 "Signature validation failed" would reach an
   * app without `enableImprovedSignalingErrorPrecision` as a bare 53000.)
   */
  tokenInvalid: 31204,
  /** The token's `exp` has passed (or its `nbf` has not come yet). */
  tokenExpired: 31205,
  /** The token lacks the grant this action needs (outgoing, or the callee's incoming). */
  notAuthorized: 31201,
  /**
   * The token's outgoing application is no TwiML App of this account
   * (Twilio: "Invalid ApplicationSid"). @twilio/voice-errors' README: "21218
   * is preferred over Twilio Client code 31001 for TwiML application not
   * found". In `hangup.error` the SDK reports it as 31005 with
   * `originalError.code` 21218.
   */
  applicationSidInvalid: 21218,
  /**
   * Nobody is registered under the dialled identity, or nobody answered
   * before the Dial timeout: SIP 480, "temporarily unavailable" (the
   * message says which).
   */
  calleeUnavailable: 31480,
  /** `<Reject reason="busy">`. */
  busy: 31486,
  /** The callee rejected the call, or `<Reject>`. */
  declined: 31603,
  /** A reconnect invite that matches no live call leg. */
  reconnectRefused: 31209,
  /** The TwiML App's Voice URL failed: non-2xx, unreachable, or too slow. */
  webhookFailed: 11200,
  /** The TwiML could not be parsed or uses something the emulator cannot do. */
  twimlInvalid: 12100,
  /** The Voice URL answered with a Content-Type that is not XML. */
  twimlContentType: 12300,
  /** The emulator is shutting down. */
  shuttingDown: 31005,
  /**
   * The offer has media but no ICE candidates: a phone without the emulator
   * patches, whose call would connect and carry no audio. 53405 is the SDK's
   * own "Media connection failed" (MediaErrors.ConnectionError, which it also
   * raises when ICE fails). It has its own class, so it reaches the app as
   * itself with our message in `err.message`, whatever the precision flag;
   * 31000 would say "unknown error", and a precise or unknown code would reach
   * an app without the flag as a generic 31005.
   */
  offerWithoutCandidates: 53405,
} as const;

export type SignalErrorCode = (typeof SignalError)[keyof typeof SignalError];

/** The `{ code, message }` object of `error` and `hangup.error` frames. */
export interface WireError {
  code: number;
  message: string;
}

export function wireError(code: SignalErrorCode, message: string): WireError {
  return { code, message };
}
