import {
  Account,
  type Emulator,
  SignalError,
  startEmulator,
  type VoiceWebhookSender,
} from '@kit/emulator';
import { loadMemberKeys } from './credentials.js';
import type { RunningRoom } from './server.js';

/**
 * The room as Twilio for its members (教室モードの通話): one emulator whose account
 * is the room's, holding every member's API key (which signs only the member's
 * own identity) and TwiML App. It follows the room: a join adds the key and App,
 * 退室させる revokes the key (the member's phones are unregistered at once), and a
 * token for a name the member does not own is shown on the board as who tried.
 *
 * A member's Voice webhook goes to their own laptop over the connection it opens
 * to the room. Until their kit has opened one, their calls end with 11200, as a
 * call to a Voice URL that does not answer does.
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
}

/** A member App's Voice URL as the account records it: `.invalid` never resolves, nothing is POSTed to it. */
export function memberVoiceUrl(memberId: string): string {
  return `https://room.invalid/members/${memberId}/call`;
}

/** No member connection yet: the caller gets 11200, and nobody else notices. */
const memberNotConnected: VoiceWebhookSender = async () => ({
  ok: false,
  aborted: false,
  error: {
    code: SignalError.webhookFailed,
    message:
      '発信した参加者の PC が教室につながっていないため、その人の /call を呼べません(pnpm dev --room で起動してください)',
  },
  elapsedMs: 0,
});

export async function startRoomEmulator(
  room: Pick<RunningRoom, 'account' | 'memberKeys' | 'identityRefused' | 'onMemberKeys'>,
  options: RoomEmulatorOptions,
): Promise<RoomEmulator> {
  const account = new Account(room.account());
  loadMemberKeys(account, room.memberKeys(), memberVoiceUrl);
  const stopKeys = room.onMemberKeys((change) => {
    if (change.type === 'added') loadMemberKeys(account, [change.key], memberVoiceUrl);
    else account.revokeKey(change.key.keySid);
  });
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
    voiceWebhook: memberNotConnected,
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    url: emulator.url,
    emulator,
    async close() {
      stopKeys();
      stopRefusals();
      await emulator.close();
    },
  };
}
