/** The token endpoints' successful answer (`/token`, `/voice-token`). */
export interface TokenResponse {
  token: string;
  identity: string;
  /** Seconds from issue to expiry, so the phone can plan its refresh. */
  ttlSeconds: number;
}

/** The header and parameter names a client uses to send the workshop passcode. */
export const PASSCODE_HEADER = 'x-workshop-passcode';
export const PASSCODE_PARAM = 'passcode';
