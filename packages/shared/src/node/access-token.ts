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
    voice?: { incoming?: { allow?: boolean }; outgoing?: { application_sid?: string } };
    [product: string]: unknown;
  };
}

/**
 * Verifies an HS256 Access Token with the API secret (constant-time) and
 * returns its claims; null when it is not a JWT, not HS256, or not ours.
 * Node only (node:crypto): the phone never verifies tokens.
 */
export function verifyAccessToken(token: string, secret: string): AccessTokenClaims | null {
  const [header, payload, signature, ...extra] = token.split('.');
  if (
    header === undefined ||
    payload === undefined ||
    signature === undefined ||
    extra.length > 0
  ) {
    return null;
  }
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {
      alg?: string;
    };
    if (alg !== 'HS256') return null;
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessTokenClaims;
  } catch {
    return null;
  }
}
