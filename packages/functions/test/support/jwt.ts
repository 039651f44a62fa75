import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AccessTokenClaims {
  jti: string;
  iss: string;
  sub: string;
  iat: number;
  nbf?: number;
  exp: number;
  grants: {
    identity?: string;
    voice?: {
      incoming?: { allow: boolean };
      outgoing?: { application_sid: string; params?: Record<string, string> };
    };
    video?: { room?: string };
    chat?: { service_sid: string };
    data_sync?: { service_sid: string };
    [grant: string]: unknown;
  };
}

/** Decodes an Access Token and checks its HS256 signature against the API secret. */
export function verifyAccessToken(
  token: string,
  secret: string,
): {
  header: Record<string, unknown>;
  claims: AccessTokenClaims;
} {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a JWT');
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Error('bad signature');
  }
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: decode(header), claims: decode(payload) };
}
