import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AccessTokenClaims {
  iss?: string;
  sub?: string;
  exp?: number;
  grants?: {
    identity?: string;
    voice?: { incoming?: { allow?: boolean }; outgoing?: { application_sid?: string } };
    [product: string]: unknown;
  };
}

/** Verifies an HS256 Access Token with the API secret and returns its claims (null if the signature is wrong). */
export function verifyAccessToken(token: string, secret: string): AccessTokenClaims | null {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) return null;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string })
    .alg;
  if (alg !== 'HS256') return null;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessTokenClaims;
}
