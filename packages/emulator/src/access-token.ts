import { createHmac, timingSafeEqual } from 'node:crypto';
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

/**
 * Verifies a Twilio Access Token the way Twilio's gateway does for Voice:
 * HS256 with the API secret, `iss` = API key, `sub` = account, a live
 * `exp`/`nbf` and an identity. node:crypto rather than a JWT library: about
 * 7 µs per check, and the token format is fixed.
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
  const parts = raw.split('.');
  if (parts.length !== 3) return invalid('JWT の形式ではありません');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];

  const header = decodeJsonPart(headerPart);
  if (header === null || header.alg !== 'HS256') return invalid('署名方式が HS256 ではありません');

  const expected = createHmac('sha256', credentials.API_SECRET)
    .update(`${headerPart}.${payloadPart}`)
    .digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return invalid('署名が API_SECRET と一致しません');
  }

  const claims = decodeJsonPart(payloadPart);
  if (claims === null) return invalid('ペイロードが JSON ではありません');
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

function decodeJsonPart(part: string): Record<string, unknown> | null {
  try {
    return asRecord(JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
