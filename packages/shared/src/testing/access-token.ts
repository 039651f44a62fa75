import { createHmac } from 'node:crypto';

/** The header twilio's `AccessToken` writes. */
export const ACCESS_TOKEN_HEADER: Readonly<Record<string, string>> = {
  alg: 'HS256',
  typ: 'JWT',
  cty: 'twilio-fpa;v=1',
};

/** What a Voice token names: the account, the API key and the TwiML App. */
export interface TokenCredentials {
  ACCOUNT_SID: string;
  API_KEY: string;
  TWIML_APP_SID: string;
}

/**
 * Signs claims HS256 with node:crypto alone: tokens `AccessToken` will not make
 * (expired, foreign issuer, another `alg`…), and the floor any minting is measured against.
 */
export function signAccessToken(
  claims: object,
  secret: string,
  header: object = ACCESS_TOKEN_HEADER,
): string {
  const body = `${encodeJson(header)}.${encodeJson(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Claims shaped like `AccessToken` + `VoiceGrant`'s (incoming allowed, the TwiML App outgoing), valid for an hour; `overrides` replace top-level claims. */
export function voiceTokenClaims(
  credentials: TokenCredentials,
  identity: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    jti: `${credentials.API_KEY}-${now}`,
    iss: credentials.API_KEY,
    sub: credentials.ACCOUNT_SID,
    iat: now,
    exp: now + 3600,
    grants: {
      identity,
      voice: {
        incoming: { allow: true },
        outgoing: { application_sid: credentials.TWIML_APP_SID },
      },
    },
    ...overrides,
  };
}

function encodeJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
