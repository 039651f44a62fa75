import { generateLocalCredentials } from '@kit/functions/local-env';
import { describe, expect, it } from 'vitest';
import { verifyVoiceToken } from '../src/index.js';
import { baseClaims, signClaims, voiceToken } from './support/tokens.js';

const credentials = generateLocalCredentials();

describe('verifyVoiceToken', () => {
  it('accepts what twilio.jwt.AccessToken mints, with its grants', () => {
    const result = verifyVoiceToken(voiceToken(credentials, 'alice', { ttl: 600 }), credentials);
    expect(result).toMatchObject({
      ok: true,
      token: {
        identity: 'alice',
        incomingAllowed: true,
        outgoingApplicationSid: credentials.TWIML_APP_SID,
      },
    });
    if (result.ok) expect(result.token.expiresAt - Date.now() / 1000).toBeGreaterThan(590);
  });

  it('reads a token without incoming or outgoing grants', () => {
    const token = voiceToken(credentials, 'user', {
      incoming: false,
      outgoingApplicationSid: null,
    });
    expect(verifyVoiceToken(token, credentials)).toMatchObject({
      ok: true,
      token: { incomingAllowed: false, outgoingApplicationSid: null },
    });
  });

  it('checks the signature with API_SECRET, byte for byte', () => {
    const token = voiceToken(credentials, 'alice');
    // The second-to-last character carries 6 whole bits of the signature (the last one only 4):
    // swapping it for another always changes the signature's bytes.
    const replaced = token.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${token.slice(0, -2)}${replaced}${token.slice(-1)}`;
    expect(tampered).not.toBe(token);
    expect(verifyVoiceToken(tampered, credentials)).toMatchObject({
      ok: false,
      error: { code: 31204 },
    });
    expect(verifyVoiceToken(token, { ...credentials, API_SECRET: 'other' })).toMatchObject({
      ok: false,
      error: { code: 31204 },
    });
  });

  it('tells expired (31205) from invalid (31204) using the clock it is given', () => {
    const token = signClaims(baseClaims(credentials, { exp: 1000 }), credentials.API_SECRET);
    expect(verifyVoiceToken(token, credentials, 999)).toMatchObject({ ok: true });
    expect(verifyVoiceToken(token, credentials, 1000)).toMatchObject({
      ok: false,
      error: { code: 31205 },
    });
    const noExp = signClaims(baseClaims(credentials, { exp: undefined }), credentials.API_SECRET);
    expect(verifyVoiceToken(noExp, credentials)).toMatchObject({
      ok: false,
      error: { code: 31204 },
    });
  });

  it.each([undefined, 42, '', 'a.b', 'a.b.c.d', 'x'.repeat(9000)])('refuses %j as 31204', (raw) => {
    expect(verifyVoiceToken(raw, credentials)).toMatchObject({ ok: false, error: { code: 31204 } });
  });

  it('never puts the secret or the token in its messages', () => {
    const token = signClaims(baseClaims(credentials, { iss: 'SKx' }), credentials.API_SECRET);
    const result = verifyVoiceToken(token, credentials);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).not.toContain(credentials.API_SECRET);
      expect(result.error.message).not.toContain(token);
    }
  });
});
