import { Account, type Emulator, startEmulator, type VoiceWebhookSender } from '@kit/emulator';
import { loadMemberKeys, type MemberKey } from './credentials.js';
import { startMediaProbeResponder } from './media-probe.js';
import type { RunningRoom } from './server.js';

/**
 * The room as Twilio for its members (教室モードの通話): one emulator whose account
 * is the room's, holding every member's API key (which signs only the member's
 * own identity) and TwiML App. It follows the room: a join adds the key and App,
 * 退室させる revokes the key (the member's phones are unregistered at once), and a
 * token for a name the member does not own is shown on the board as who tried.
 *
 * A member's Voice webhook goes to their own laptop over the link their kit opens
 * to the room (`pnpm dev --room`, MemberLinks), signed for their own Voice URL.
 * Until their kit has opened one, their calls end with 11200, as a call to a
 * Voice URL that does not answer does.
 */
export interface RoomEmulator {
  /** `ws://host:port/signal`: where the members' phones register. */
  url: string;
  emulator: Emulator;
  close(): Promise<void>;
}

export interface RoomEmulatorOptions {
  /** The room's own address (never every interface): the members' phones connect to it. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  log?: (line: string) => void;
  /** How long a member's /call may take (default: the emulator's, Twilio's 15 s). */
  webhookTimeoutMs?: number;
}

/** A member App's Voice URL as the account records it: `.invalid` never resolves, nothing is POSTed to it. */
export function memberVoiceUrl(memberId: string): string {
  return `https://room.invalid/members/${memberId}/call`;
}

export async function startRoomEmulator(
  room: Pick<
    RunningRoom,
    'account' | 'memberKeys' | 'identityRefused' | 'onMemberKeys' | 'memberLinks' | 'watchPhones'
  >,
  options: RoomEmulatorOptions,
): Promise<RoomEmulator> {
  const account = new Account(room.account());
  /** Each member's TwiML App → the member: whose link carries the App's Voice webhook. */
  const appMembers = new Map<string, string>();
  const load = (keys: MemberKey[]) => {
    loadMemberKeys(account, keys, memberVoiceUrl);
    for (const key of keys) appMembers.set(key.appSid, key.memberId);
  };
  load(room.memberKeys());
  const stopKeys = room.onMemberKeys((change) => {
    if (change.type === 'added') load([change.key]);
    else account.revokeKey(change.key.keySid);
  });
  const viaMemberLink: VoiceWebhookSender = ({ applicationSid, url: _url, ...request }) =>
    room.memberLinks.webhook(appMembers.get(applicationSid) ?? '', request);
  const stopRefusals = account.onIdentityRefused((refusal) => {
    // Recorded for the board; a room that is closing may no longer write, and that is all.
    room.identityRefused(refusal).catch(() => {});
  });
  const emulator = await startEmulator({
    account,
    host: options.host,
    port: options.port,
    // Only the room's own address, as the room's routes (a DNS-rebound name gets 403).
    allowedHostnames: [options.host],
    voiceWebhook: viaMemberLink,
    ...(options.webhookTimeoutMs ? { webhookTimeoutMs: options.webhookTimeoutMs } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  // The media probe shares the phones port number, on UDP (doctor --room).
  const probe = await startMediaProbeResponder(options.host, emulator.port).catch(
    async (error: unknown) => {
      await emulator.close();
      throw error;
    },
  );
  room.memberLinks.setEmulatorPort(emulator.port);
  const stopWatching = room.watchPhones(emulator);
  return {
    url: emulator.url,
    emulator,
    async close() {
      stopKeys();
      stopRefusals();
      stopWatching();
      await probe.close();
      await emulator.close();
    },
  };
}
