import { signAccessToken, voiceTokenClaims } from '@kit/shared/testing';
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
export const signClaims = signAccessToken;

/** Claims shaped like AccessToken's for alice, valid for an hour unless overridden. */
export function baseClaims(
  credentials: EmulatorCredentials,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return voiceTokenClaims(credentials, 'alice', overrides);
}
