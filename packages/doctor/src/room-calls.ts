import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { PStreamClient } from '@kit/emulator/client';
import { mediaProbe } from '@kit/shared/member-link';
import { readMembership, roomHello } from '@kit/shared/room-client';
import twilio from 'twilio';
import { type Check, Checklist } from './check.js';

/**
 * `pnpm run doctor --room`: before the workshop, can this laptop take part in
 * room calls? The room answers; its phones port takes a WebSocket; the key in
 * this `.env` may register this member's phone (a `listen` only: nothing rings,
 * nothing shows in the directory); and UDP, the path the audio takes, flows to
 * another laptop on the venue's network (the room's media probe). Asked for
 * explicitly, so each problem is a ✗ with the fix.
 */

const JOIN_AGAIN = 'pnpm room:leave のあと、pnpm room:join <教室の URL> でもう一度参加してください';
const PROBES = 3;
const PROBE_GAP_MS = 300;

export interface RoomCallsOptions {
  roomFile: string;
  /** The `.env` values (the room's credentials, written by room:join). */
  env: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

export async function checkRoomCalls(options: RoomCallsOptions): Promise<Check[]> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const list = new Checklist('room');
  const read = await readMembership(options.roomFile);
  if (read.kind !== 'member') {
    list.fail(
      'room.calls.membership',
      read.kind === 'invalid' ? read.message : 'この PC は教室に参加していません。',
      'pnpm room:join <講師が示す教室の URL>',
    );
    return list.checks;
  }
  const { membership } = read;
  const hello = await roomHello(membership.roomUrl, timeoutMs);
  if (!hello.ok) {
    list.fail(
      'room.calls.reachable',
      `教室(${membership.roomUrl})が応答しません: ${hello.message}`,
      '講師の PC で pnpm room が動いているか、同じ Wi-Fi につないでいるか、VPN を切ってあるかを確かめてください',
    );
    return list.checks;
  }
  if (hello.phonesPort === null) {
    list.fail(
      'room.calls.phones',
      '教室は応答しますが、教室モードの通話に対応していません(電話の接続先がありません)。',
      '講師に、キットを更新して pnpm room を起動し直すよう伝えてください',
    );
    return list.checks;
  }
  const host = new URL(membership.roomUrl).hostname;
  const signalUrl = `ws://${host}:${hello.phonesPort}/signal`;

  const phone = await PStreamClient.connect(signalUrl, { timeoutMs, userAgent: 'kit doctor' }).then(
    (client) => ({ ok: true as const, client }),
    (error: unknown) => ({ ok: false as const, reason: (error as Error).message }),
  );
  if (!phone.ok) {
    list.fail(
      'room.calls.phones',
      `教室の電話の接続先(${signalUrl})に接続できません: ${phone.reason}`,
      'この PC のファイアウォールやセキュリティソフトが、教室の PC への接続を止めていないか確かめてください',
    );
    return list.checks;
  }
  list.ok('room.calls.phones', `教室の電話の接続先(${signalUrl})に接続できます`);

  try {
    const identity = membership.identity;
    const env = options.env;
    if (!identity || !env.API_KEY || !env.API_SECRET || !env.ACCOUNT_SID) {
      list.fail(
        'room.calls.key',
        '.env に教室の API キーがないか、参加情報に電話の名前がありません。',
        JOIN_AGAIN,
      );
    } else {
      // What the member's own Functions mint, for a second-tab name the member owns.
      const { AccessToken } = twilio.jwt;
      const minted = new AccessToken(env.ACCOUNT_SID, env.API_KEY, env.API_SECRET, {
        identity: `${identity}-doctor`,
        ttl: 60,
      });
      minted.addGrant(
        new AccessToken.VoiceGrant({
          outgoingApplicationSid: env.TWIML_APP_SID ?? '',
          incomingAllow: true,
        }),
      );
      const token = minted.toJwt();
      const reply = await phone.client.listen(token, timeoutMs);
      if (reply.type === 'connected') {
        list.ok(
          'room.calls.key',
          `.env の API キーで、電話を ${identity} として教室に登録できます`,
        );
      } else {
        const error = reply.payload.error as { code?: number; message?: string } | undefined;
        list.fail(
          'room.calls.key',
          `教室がこの PC の API キーを断りました(${error?.code ?? '?'}: ${String(error?.message ?? '').slice(0, 200)})。講師が退室させたか、.env が参加したときのものではありません。`,
          JOIN_AGAIN,
        );
      }
    }
  } finally {
    await phone.client.close(500);
  }

  const echoed = await probeUdp(host, hello.phonesPort, timeoutMs);
  if (echoed) {
    list.ok(
      'room.calls.media',
      `講師の PC と UDP(通話の音声と同じ通り道)で通信できます(${echoed} ms)`,
    );
  } else {
    list.fail(
      'room.calls.media',
      '講師の PC から UDP の応答がありません。このままでは通話の音声が届きません(会場の Wi-Fi が端末どうしの通信を止めている、VPN がつながっている、ファイアウォールが UDP を止めている、のどれかです)。',
      'VPN を切り、ファイアウォールで Node.js と Chromium の通信を許可してください。直らないときは講師に伝えてください(会場の Wi-Fi のクライアント分離)',
    );
  }
  return list.checks;
}

/** Milliseconds to the first echo of the room's media probe, or null when none came back in time. */
async function probeUdp(host: string, port: number, timeoutMs: number): Promise<number | null> {
  const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  const probe = mediaProbe(randomBytes(16).toString('hex'));
  const started = performance.now();
  try {
    return await new Promise<number | null>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const finish = (value: number | null) => {
        for (const timer of timers) clearTimeout(timer);
        resolve(value);
      };
      socket.on('message', (message) => {
        if (message.toString('latin1') === probe) finish(Math.round(performance.now() - started));
      });
      socket.on('error', () => finish(null));
      for (let i = 0; i < PROBES; i++) {
        timers.push(setTimeout(() => socket.send(probe, port, host), i * PROBE_GAP_MS));
      }
      timers.push(setTimeout(() => finish(null), timeoutMs));
    });
  } finally {
    socket.close();
  }
}
