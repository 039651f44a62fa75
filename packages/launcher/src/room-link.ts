import {
  type LinkAnswer,
  type LinkUnreachable,
  MEMBER_LINK_CLOSE,
  MEMBER_LINK_MAX_FRAME_BYTES,
  MEMBER_LINK_PATH,
  type MemberFrame,
  parseRoomFrame,
} from '@kit/shared/member-link';
import type { Membership } from '@kit/shared/room-client';
import WebSocket from 'ws';

/**
 * The kit's end of the member link (`pnpm dev --room`): one WebSocket out to the
 * room, so the room's emulator reaches this laptop's `/call` while the laptop
 * opens no port beyond loopback. The room is on the network, so its frames are
 * hostile until parsed (`parseRoomFrame`), and the only place the kit posts to is
 * its own Voice URL on loopback, whatever the room says.
 */

/** Twilio's own limit for a Voice URL; the room gives up at the same time. */
const LOCAL_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 5_000;
const RECONNECT_MAX_MS = 10_000;
/** Webhooks posted to the local /call at once: the room sends a few; more is answered "busy". */
const MAX_IN_FLIGHT = 16;
/** The most TwiML the link carries back: one character past Twilio's 64 KB, so the room says "too large". */
const MAX_BODY_CHARS = 64 * 1024 + 1;

export class RoomLinkError extends Error {
  constructor(
    readonly japanese: string,
    english: string,
  ) {
    super(english);
  }
}

export interface RoomLink {
  /** The room's host name (`192.168.0.10`): the one host off loopback the phone may register with. */
  roomHostname: string;
  /** `host:port` of the room's emulator (the room's own host): where the phone registers. */
  signalingHost: string;
  /** Says which URL the room should sign; the kit posts there, and only there. */
  setVoiceUrl(url: string): void;
  close(): Promise<void>;
}

export interface RoomLinkOptions {
  membership: Pick<Membership, 'roomUrl' | 'token'>;
  log: (line: string) => void;
}

/**
 * Connects, and resolves once the room has said where its emulator is; rejects
 * with a RoomLinkError (said in Japanese) when the room refuses or cannot be
 * reached. Afterwards a dropped link is reopened, with a growing pause, until
 * the room revokes the member or `close` is called.
 */
export function openRoomLink(options: RoomLinkOptions): Promise<RoomLink> {
  const room = new URL(options.membership.roomUrl);
  const linkUrl = `${room.protocol === 'https:' ? 'wss' : 'ws'}://${room.host}${MEMBER_LINK_PATH}`;
  const { log } = options;
  let voiceUrl: string | null = null;
  let socket: WebSocket | null = null;
  let closed = false;
  let retryMs = 1000;
  let retryTimer: NodeJS.Timeout | null = null;
  /** Webhooks being posted to the local /call, by the room's id: a cancel aborts one. */
  const inFlight = new Map<number, AbortController>();

  const send = (frame: MemberFrame) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };

  async function answer(id: number, params: Record<string, string>, signature: string) {
    if (inFlight.size >= MAX_IN_FLIGHT || inFlight.has(id)) {
      send({ type: 'unreachable', id, reason: 'busy' });
      return;
    }
    const target = voiceUrl;
    const controller = new AbortController();
    inFlight.set(id, controller);
    let frame: LinkAnswer | LinkUnreachable;
    try {
      if (target === null) throw new Error('Voice URL がまだありません');
      const response = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'user-agent': 'TwilioProxy/1.1 (kit room link)',
        },
        body: new URLSearchParams(params),
        redirect: 'manual',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(LOCAL_TIMEOUT_MS)]),
      });
      const body = await response.text();
      frame = {
        type: 'answer',
        id,
        status: response.status,
        contentType: (response.headers.get('content-type') ?? '').slice(0, 200),
        body: body.slice(0, MAX_BODY_CHARS),
      };
    } catch (error) {
      if (controller.signal.aborted) return inFlight.delete(id); // The caller hung up.
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      frame = { type: 'unreachable', id, reason: String(cause).slice(0, 200) };
    }
    inFlight.delete(id);
    send(frame);
  }

  return new Promise<RoomLink>((resolve, reject) => {
    let opened: RoomLink | null = null;

    const connect = () => {
      const ws = new WebSocket(linkUrl, {
        headers: { authorization: `Bearer ${options.membership.token}` },
        handshakeTimeout: CONNECT_TIMEOUT_MS,
        maxPayload: MEMBER_LINK_MAX_FRAME_BYTES,
        followRedirects: false,
      });
      socket = ws;
      ws.on('unexpected-response', (_request, response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < 2000) text += chunk;
        });
        response.on('end', () => {
          let message = `HTTP ${response.statusCode}`;
          try {
            const parsed = JSON.parse(text) as { error?: { message?: unknown } };
            if (typeof parsed.error?.message === 'string') message = parsed.error.message;
          } catch {}
          // A refusal (not a member, revoked) does not get better by retrying.
          stop(
            `教室が接続を断りました: ${message}`,
            `room refused the link (${response.statusCode})`,
          );
          ws.terminate();
        });
      });
      ws.on('open', () => {
        retryMs = 1000;
        if (voiceUrl !== null) send({ type: 'hello', voiceUrl });
      });
      ws.on('message', (data, isBinary) => {
        const frame = isBinary ? null : parseRoomFrame(String(data));
        if (!frame) {
          log('⚠ 教室から読めないメッセージが届いたので、接続し直します。');
          ws.terminate();
          return;
        }
        if (frame.type === 'ready') {
          const signalingHost = `${room.hostname}:${frame.emulatorPort}`;
          if (!opened) {
            opened = link(signalingHost);
            resolve(opened);
          } else if (opened.signalingHost !== signalingHost) {
            log(
              `⚠ 教室の電話の接続先が ${signalingHost} に変わりました。pnpm dev --room を起動し直してください。`,
            );
          }
        } else if (frame.type === 'webhook') {
          void answer(frame.id, frame.params, frame.signature);
        } else {
          inFlight.get(frame.id)?.abort();
        }
      });
      ws.on('error', () => {}); // Followed by close, which says it and reconnects.
      ws.on('close', (code, reason) => {
        if (socket === ws) socket = null;
        for (const controller of inFlight.values()) controller.abort();
        inFlight.clear();
        if (closed) return;
        if (code === MEMBER_LINK_CLOSE.revoked || code === MEMBER_LINK_CLOSE.replaced) {
          stop(
            `教室との接続が終わりました: ${String(reason) || code}`,
            `room closed the link (${code})`,
          );
          return;
        }
        if (!opened) {
          stop(
            `教室(${room.origin})につながりません。講師の pnpm room が動いているか、同じネットワークにいるかを確かめてください(pnpm run doctor --room)。`,
            `cannot reach the room at ${room.origin}`,
          );
          return;
        }
        log(`⚠ 教室との接続が切れました。${Math.round(retryMs / 1000)} 秒後につなぎ直します。`);
        retryTimer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
      });
    };

    const stop = (japanese: string, english: string) => {
      if (closed) return;
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (opened) log(`⚠ ${japanese}`);
      else reject(new RoomLinkError(japanese, english));
    };

    const link = (signalingHost: string): RoomLink => ({
      roomHostname: room.hostname,
      signalingHost,
      setVoiceUrl(url) {
        voiceUrl = url;
        send({ type: 'hello', voiceUrl: url });
      },
      async close() {
        closed = true;
        if (retryTimer) clearTimeout(retryTimer);
        const ws = socket;
        if (!ws || ws.readyState === WebSocket.CLOSED) return;
        await new Promise<void>((done) => {
          const timer = setTimeout(() => ws.terminate(), 1000);
          ws.once('close', () => {
            clearTimeout(timer);
            done();
          });
          ws.close(1000, 'pnpm dev --room を停止しました');
        });
      },
    });

    connect();
    // A room that accepts the link but never says where its emulator is (an older room).
    setTimeout(() => {
      if (opened || closed) return;
      stop(
        '教室が電話の接続先を知らせてきません。講師の pnpm room が教室モードの通話に対応しているか確かめてください。',
        'the room sent no ready frame',
      );
      socket?.terminate();
    }, CONNECT_TIMEOUT_MS * 2).unref();
  });
}
