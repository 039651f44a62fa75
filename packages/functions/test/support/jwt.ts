import { type AccessTokenClaims, readAccessToken } from '@kit/shared/access-token';

/** What twilio's `AccessToken` always writes, so the tests read these claims without checks. */
export type MintedClaims = AccessTokenClaims &
  Required<Pick<AccessTokenClaims, 'jti' | 'iss' | 'sub' | 'iat' | 'exp' | 'grants'>>;

/** `@kit/shared`'s verifier, throwing instead of answering null, with the header for the tests that check it. */
export function verifyAccessToken(
  token: string,
  secret: string,
): { header: Record<string, unknown>; claims: MintedClaims } {
  const reading = readAccessToken(token, secret);
  if (!reading.ok) throw new Error(`access token refused: ${reading.refusal}`);
  return { header: reading.header, claims: reading.claims as MintedClaims };
}
