import { createHmac } from 'node:crypto';
import twilio from 'twilio';
import type { EmulatorCredentials } from '../../src/index.js';

/** Mints a Voice token with `twilio`'s AccessToken, the way the step Functions do. */
export function voiceToken(
  credentials: EmulatorCredentials,
  identity: string,
  options: { incoming?: boolean; outgoingApplicationSid?: string | null; ttl?: number } = {},
): string {
  const token = new twilio.jwt.AccessToken(
    credentials.ACCOUNT_SID,
    credentials.API_KEY,
    credentials.API_SECRET,
    { identity, ttl: options.ttl ?? 3600 },
  );
  const outgoing =
    options.outgoingApplicationSid === undefined
      ? credentials.TWIML_APP_SID
      : options.outgoingApplicationSid;
  token.addGrant(
    new twilio.jwt.AccessToken.VoiceGrant({
      incomingAllow: options.incoming ?? true,
      ...(outgoing === null ? {} : { outgoingApplicationSid: outgoing }),
    }),
  );
  return token.toJwt();
}

/** Signs arbitrary claims HS256, for tokens AccessToken will not make (expired, foreign issuer…). */
export function signClaims(
  claims: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' },
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode(header)}.${encode(claims)}`;
  const signature = createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${signature}`;
}

/** Claims shaped like AccessToken's, valid for an hour unless overridden. */
export function baseClaims(
  credentials: EmulatorCredentials,
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
      identity: 'alice',
      voice: {
        incoming: { allow: true },
        outgoing: { application_sid: credentials.TWIML_APP_SID },
      },
    },
    ...overrides,
  };
}
