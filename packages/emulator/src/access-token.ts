import { ownsIdentity } from '@kit/shared';
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

/** Whose tokens are valid: the account, and the secret of each of its API keys. */
export interface TokenKeys {
  accountSid: string;
  /** undefined: no such key (never created, or revoked). */
  secretOf(keySid: string): string | undefined;
  /**
   * The identity a key's member owns (a room member's key), or undefined for a
   * key that may sign any identity (an account's own keys, as on Twilio).
   */
  ownerOf?(keySid: string): string | undefined;
}

/** The parts of a verified Voice Access Token the emulator acts on. */
export interface VoiceToken {
  identity: string;
  /** The API key that signed it (`iss`): revoking that key stops this token. */
  keySid: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  incomingAllowed: boolean;
  /** `grants.voice.outgoing.application_sid`, if any. */
  outgoingApplicationSid: string | null;
}

export type TokenCheck =
  | { ok: true; token: VoiceToken }
  | {
      ok: false;
      error: WireError;
      /** A room member's key signed a name that member does not own: who tried, for the board. */
      identityRefused?: { keySid: string; identity: string };
    };

/** Tokens much larger than this are not Access Tokens; refuse before hashing. */
const MAX_TOKEN_LENGTH = 8192;
/** Twilio tolerates a little clock skew on `nbf`. */
const CLOCK_SKEW_SECONDS = 60;

/** The first check that failed, in the words the caller's device shows. */
const REFUSALS: Record<AccessTokenRefusal, string> = {
  malformed: 'JWT の形式ではありません',
  algorithm: '署名方式が HS256 ではありません',
  signature: '署名が API キーのシークレットと一致しません',
  payload: 'ペイロードが JSON ではありません',
};

/**
 * Verifies a Twilio Access Token the way Twilio's gateway does for Voice:
 * the key named by `iss` must be one of the account's (twilio's AccessToken
 * names the key only there: its header is `{alg, typ, cty}`, no `kid`), its
 * secret must verify the HS256 signature (the kit's one reader,
 * @kit/shared/access-token), then `sub` = account, a live `exp`/`nbf` and an
 * identity. An unknown key and a wrong secret are both 31204 (the SDK shows
 * 20101 AccessTokenInvalid), with different messages.
 */
export function verifyVoiceToken(
  raw: unknown,
  keys: TokenKeys | EmulatorCredentials,
  nowSeconds: number = Date.now() / 1000,
): TokenCheck {
  const account = 'ACCOUNT_SID' in keys ? keysOf(keys) : keys;
  const invalid = (why: string): TokenCheck => ({
    ok: false,
    error: wireError(SignalError.tokenInvalid, `アクセストークンが無効です: ${why}`),
  });
  if (typeof raw !== 'string' || raw.length === 0) return invalid('トークンがありません');
  if (raw.length > MAX_TOKEN_LENGTH) return invalid('トークンが長すぎます');
  const issuer = readIssuer(raw);
  if (!issuer.ok) return invalid(REFUSALS[issuer.refusal]);
  if (issuer.keySid === null) return invalid('iss(API キーの SID)がありません');
  const secret = account.secretOf(issuer.keySid);
  if (secret === undefined) {
    return invalid(
      `iss の API キー ${JSON.stringify(issuer.keySid.slice(0, 40))} はこのアカウントにありません(存在しないか、取り消されました)`,
    );
  }
  const reading = readAccessToken(raw, secret);
  if (!reading.ok) {
    return invalid(
      reading.refusal === 'signature'
        ? `署名が API キー ${issuer.keySid} のシークレットと一致しません`
        : REFUSALS[reading.refusal],
    );
  }

  const { claims } = reading;
  if (claims.sub !== account.accountSid) return invalid('sub が ACCOUNT_SID と一致しません');
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
  const owner = account.ownerOf?.(issuer.keySid);
  if (owner !== undefined && !ownsIdentity(owner, identity)) {
    return {
      ok: false,
      identityRefused: { keySid: issuer.keySid, identity },
      error: wireError(
        SignalError.tokenInvalid,
        `アクセストークンが無効です: この API キーで登録できる名前は ${owner} と ${owner}-(英数字 1〜8 文字)だけです(${JSON.stringify(identity.slice(0, 64))} は使えません)`,
      ),
    };
  }
  const voice = asRecord(grants?.voice);
  const incoming = asRecord(voice?.incoming);
  const outgoing = asRecord(voice?.outgoing);
  const applicationSid = outgoing?.application_sid;
  return {
    ok: true,
    token: {
      identity,
      keySid: issuer.keySid,
      expiresAt: claims.exp,
      incomingAllowed: incoming?.allow === true,
      outgoingApplicationSid: typeof applicationSid === 'string' ? applicationSid : null,
    },
  };
}

/** One key (API_KEY/API_SECRET) of one account: the single-laptop shorthand. */
function keysOf(credentials: EmulatorCredentials): TokenKeys {
  return {
    accountSid: credentials.ACCOUNT_SID,
    secretOf: (keySid) => (keySid === credentials.API_KEY ? credentials.API_SECRET : undefined),
  };
}

/**
 * The `iss` of a token not verified yet, to pick the secret that verifies it.
 * The checks before it (three parts, a JSON header, HS256, a JSON payload)
 * are the ones `readAccessToken` makes again with the secret.
 */
function readIssuer(
  raw: string,
): { ok: true; keySid: string | null } | { ok: false; refusal: AccessTokenRefusal } {
  const parts = raw.split('.');
  if (parts.length !== 3) return { ok: false, refusal: 'malformed' };
  const header = decodeJsonObject(parts[0] as string);
  if (header === null) return { ok: false, refusal: 'malformed' };
  if (header.alg !== 'HS256') return { ok: false, refusal: 'algorithm' };
  const payload = decodeJsonObject(parts[1] as string);
  if (payload === null) return { ok: false, refusal: 'payload' };
  return { ok: true, keySid: typeof payload.iss === 'string' && payload.iss ? payload.iss : null };
}

function decodeJsonObject(part: string): Record<string, unknown> | null {
  try {
    return asRecord(JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}

/** Claims come from the token's sender: each level is checked before it is read. */
function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
