import { randomBytes } from 'node:crypto';

/**
 * Credentials for running offline: SIDs of the right shape, visibly fake
 * (sixteen zeros, then random hex), and random secrets. Twilio would refuse
 * them; the local runtime and the emulator accept them.
 */
export const FAKE_SID_MARK = '0000000000000000';

export interface LocalCredentials {
  ACCOUNT_SID: string;
  AUTH_TOKEN: string;
  API_KEY: string;
  API_SECRET: string;
  TWIML_APP_SID: string;
}

export function generateLocalCredentials(): LocalCredentials {
  const fakeSid = (prefix: string) => `${prefix}${FAKE_SID_MARK}${randomBytes(8).toString('hex')}`;
  return {
    ACCOUNT_SID: fakeSid('AC'),
    AUTH_TOKEN: randomBytes(16).toString('hex'),
    API_KEY: fakeSid('SK'),
    API_SECRET: randomBytes(16).toString('hex'),
    TWIML_APP_SID: fakeSid('AP'),
  };
}

export function isFakeSid(sid: string): boolean {
  return /^(AC|SK|AP)0{16}[0-9a-f]{16}$/.test(sid);
}
