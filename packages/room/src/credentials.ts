import { createHmac, randomBytes } from 'node:crypto';
import { FAKE_SID_MARK } from '@kit/functions/local-env';
import type { RoomCredentials } from '@kit/shared/room';

/**
 * What the room gives each member at the join, as an instructor would create
 * it in a real account: the room's account (SID and auth token, the same for
 * everyone) and the member's own API key and TwiML App. Every SID is visibly
 * fake (`FAKE_SID_MARK`): these work with the room only, never with Twilio.
 *
 * Nothing secret is stored for them. The account and each key's secret are
 * HMAC-SHA256 of the room secret (the second line of `current.key`, mode 600,
 * beside the log), so a restarted room derives the same values; the log
 * records only the SIDs, which are not secret.
 */

/** 32 hex digits of HMAC-SHA256(roomSecret, label). */
function derive(roomSecret: string, label: string): string {
  return createHmac('sha256', roomSecret).update(label).digest('hex').slice(0, 32);
}

/** A visibly fake SID: the prefix, sixteen zeros, sixteen hex digits. */
function fakeSid(prefix: 'AC' | 'SK' | 'AP', hex16: string): string {
  return `${prefix}${FAKE_SID_MARK}${hex16}`;
}

export interface RoomAccount {
  accountSid: string;
  /** Signs the room's webhooks (X-Twilio-Signature). */
  authToken: string;
}

export function roomAccount(roomSecret: string): RoomAccount {
  return {
    accountSid: fakeSid('AC', derive(roomSecret, 'account-sid').slice(0, 16)),
    authToken: derive(roomSecret, 'auth-token'),
  };
}

/** The secret of a member's API key: the same for the same member as long as the room secret is. */
export function memberKeySecret(roomSecret: string, memberId: string): string {
  return derive(roomSecret, `api-key-secret:${memberId}`);
}

/** A new API key SID (`SK…`) and TwiML App SID (`AP…`) for a member: random, recorded in the log. */
export function newMemberSids(): { apiKeySid: string; twimlAppSid: string } {
  return {
    apiKeySid: fakeSid('SK', randomBytes(8).toString('hex')),
    twimlAppSid: fakeSid('AP', randomBytes(8).toString('hex')),
  };
}

/** One member's key and App, as the emulator's account would hold them. */
export interface MemberKey {
  memberId: string;
  keySid: string;
  secret: string;
  appSid: string;
  /**
   * The identity the member owns: the key signs it and its second tabs' names only.
   * A member from before identities owns their member id (`m-…`), which no phone uses.
   */
  owner: string;
  /** Revoked from the board (退室させる): the key is deleted, its tokens refused. */
  revoked: boolean;
}

export function memberCredentials(
  account: RoomAccount,
  key: Pick<MemberKey, 'keySid' | 'secret' | 'appSid'>,
): RoomCredentials {
  return {
    ACCOUNT_SID: account.accountSid,
    AUTH_TOKEN: account.authToken,
    API_KEY: key.keySid,
    API_SECRET: key.secret,
    TWIML_APP_SID: key.appSid,
  };
}

/**
 * What the emulator's `Account` (`@kit/emulator`) offers for loading keys and
 * Apps: written out here so the room does not depend on the emulator.
 */
export interface AccountTables {
  readonly accountSid: string;
  addKey(keySid: string, secret: string, owner?: string, app?: string): void;
  addApp(appSid: string, voiceUrl: string): void;
}

/**
 * Loads every live member key, and every member's App pointed at
 * `voiceUrl(memberId)`, into an emulator account made with the room's
 * account SID and auth token. A revoked member's key is left out.
 */
export function loadMemberKeys(
  account: AccountTables,
  keys: readonly MemberKey[],
  voiceUrl: (memberId: string) => string,
): void {
  for (const key of keys) {
    // The member's key signs only their identities, and calls only through their own App.
    if (!key.revoked) account.addKey(key.keySid, key.secret, key.owner, key.appSid);
    account.addApp(key.appSid, voiceUrl(key.memberId));
  }
}
