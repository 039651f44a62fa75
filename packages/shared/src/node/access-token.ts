import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims of a Twilio Access Token that the kit's checks read. */
export interface AccessTokenClaims {
  jti?: string;
  iss?: string;
  sub?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  grants?: {
    identity?: string;
    voice?: {
      incoming?: { allow?: boolean };
      outgoing?: { application_sid?: string; params?: Record<string, string> };
    };
    [product: string]: unknown;
  };
}

/** Why a token was refused, for callers that tell the user (the first check that failed). */
export type AccessTokenRefusal = 'malformed' | 'algorithm' | 'signature' | 'payload';

export type AccessTokenReading =
  | { ok: true; header: Record<string, unknown>; claims: AccessTokenClaims }
  | { ok: false; refusal: AccessTokenRefusal };

/**
 * Reads an HS256 Access Token signed with the API secret (constant-time
 * comparison): its header and claims, or why it was refused. Only the
 * signature is checked here; what the claims must say is the caller's rule.
 * Node only (node:crypto): the phone never verifies tokens.
 */
export function readAccessToken(token: string, secret: string): AccessTokenReading {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, refusal: 'malformed' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonObject(headerPart);
  if (header === null) return { ok: false, refusal: 'malformed' };
  // Only HS256 is ever accepted, whatever the header asks for (no `none`, no other HMAC).
  if (header.alg !== 'HS256') return { ok: false, refusal: 'algorithm' };
  const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, refusal: 'signature' };
  }
  const claims = decodeJsonObject(payloadPart);
  if (claims === null) return { ok: false, refusal: 'payload' };
  return { ok: true, header, claims: claims as AccessTokenClaims };
}

/** The claims of a token signed with the secret; null when it is not a JWT, not HS256, or not ours. */
export function verifyAccessToken(token: string, secret: string): AccessTokenClaims | null {
  const reading = readAccessToken(token, secret);
  return reading.ok ? reading.claims : null;
}

function decodeJsonObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
