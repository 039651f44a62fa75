import { type AccessTokenRefusal, readAccessToken } from '@kit/shared/access-token';
import { SignalError, type WireError, wireError } from './error-codes.js';

/** What the emulator needs to check Access Tokens and sign webhooks. */
export interface EmulatorCredentials {
  ACCOUNT_SID: string;
  AUTH_TOKEN: string;
  API_KEY: string;
  API_SECRET: string;
  TWIML_APP_SID: string;
}

/** The parts of a verified Voice Access Token the emulator acts on. */
export interface VoiceToken {
  identity: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  incomingAllowed: boolean;
  /** `grants.voice.outgoing.application_sid`, if any. */
  outgoingApplicationSid: string | null;
}

export type TokenCheck = { ok: true; token: VoiceToken } | { ok: false; error: WireError };

/** Tokens much larger than this are not Access Tokens; refuse before hashing. */
const MAX_TOKEN_LENGTH = 8192;
/** Twilio tolerates a little clock skew on `nbf`. */
const CLOCK_SKEW_SECONDS = 60;

/** The first check that failed, in the words the caller's device shows. */
const REFUSALS: Record<AccessTokenRefusal, string> = {
  malformed: 'JWT の形式ではありません',
  algorithm: '署名方式が HS256 ではありません',
  signature: '署名が API_SECRET と一致しません',
  payload: 'ペイロードが JSON ではありません',
};

/**
 * Verifies a Twilio Access Token the way Twilio's gateway does for Voice:
 * HS256 with the API secret (the kit's one reader, @kit/shared/access-token),
 * then `iss` = API key, `sub` = account, a live `exp`/`nbf` and an identity.
 */
export function verifyVoiceToken(
  raw: unknown,
  credentials: EmulatorCredentials,
  nowSeconds: number = Date.now() / 1000,
): TokenCheck {
  const invalid = (why: string): TokenCheck => ({
    ok: false,
    error: wireError(SignalError.tokenInvalid, `アクセストークンが無効です: ${why}`),
  });
  if (typeof raw !== 'string' || raw.length === 0) return invalid('トークンがありません');
  if (raw.length > MAX_TOKEN_LENGTH) return invalid('トークンが長すぎます');
  const reading = readAccessToken(raw, credentials.API_SECRET);
  if (!reading.ok) return invalid(REFUSALS[reading.refusal]);

  const { claims } = reading;
  if (claims.iss !== credentials.API_KEY) return invalid('iss が API_KEY と一致しません');
  if (claims.sub !== credentials.ACCOUNT_SID) return invalid('sub が ACCOUNT_SID と一致しません');
  if (typeof claims.exp !== 'number') return invalid('exp がありません');
  if (claims.exp <= nowSeconds) {
    return {
      ok: false,
      error: wireError(SignalError.tokenExpired, 'アクセストークンの有効期限が切れています'),
    };
  }
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS) {
    return invalid('nbf がまだ来ていません');
  }

  const grants = asRecord(claims.grants);
  const identity = grants?.identity;
  if (typeof identity !== 'string' || identity.length === 0) {
    return invalid('grants.identity がありません');
  }
  const voice = asRecord(grants?.voice);
  const incoming = asRecord(voice?.incoming);
  const outgoing = asRecord(voice?.outgoing);
  const applicationSid = outgoing?.application_sid;
  return {
    ok: true,
    token: {
      identity,
      expiresAt: claims.exp,
      incomingAllowed: incoming?.allow === true,
      outgoingApplicationSid: typeof applicationSid === 'string' ? applicationSid : null,
    },
  };
}

/** Claims come from the token's sender: each level is checked before it is read. */
function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
