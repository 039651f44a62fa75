import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  readVoiceAnswer,
  SignalError,
  signVoiceWebhook,
  type VoiceWebhookRequest,
  type VoiceWebhookResult,
} from '@kit/emulator';
import {
  MEMBER_LINK_CLOSE,
  MEMBER_LINK_MAX_FRAME_BYTES,
  parseMemberFrame,
  type RoomFrame,
} from '@kit/shared/member-link';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * The room's end of every member link (`@kit/shared/member-link`): the one
 * WebSocket each member's kit opens, through which the room's emulator calls the
 * member's own `/call`, signed for the Voice URL the kit reported. A member has
 * at most one link (a newer one replaces it); a call whose member has none, or
 * whose `/call` is slow, failing or gone, ends with 11200 for that caller only.
 */

/** Webhooks one member may have in flight: a person makes one call at a time, a test a few. */
const MAX_PENDING_PER_LINK = 16;
const PING_INTERVAL_MS = 15_000;
/** Frames one link may send per window: far above a kit's (a hello, one answer per webhook). */
const MAX_FRAMES_PER_WINDOW = 200;
const FRAME_WINDOW_MS = 10_000;

interface Pending {
  resolve(result: VoiceWebhookResult): void;
  started: number;
}

interface Link {
  socket: WebSocket;
  /** Null until the kit's hello: a webhook before it gets 11200. */
  voiceUrl: string | null;
  pending: Map<number, Pending>;
  alive: boolean;
}

export interface MemberLinkStatus {
  memberId: string;
  /** Whether the kit has said which Voice URL to sign (its hello arrived). */
  ready: boolean;
  /** Webhooks sent to the kit and not yet answered, timed out or called off: 0 once its calls are set up. */
  pending: number;
}

const failed = (reason: string, started: number): VoiceWebhookResult => ({
  ok: false,
  aborted: false,
  error: { code: SignalError.webhookFailed, message: reason },
  elapsedMs: Math.round(performance.now() - started),
});

export class MemberLinks {
  private readonly links = new Map<string, Link>();
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: MEMBER_LINK_MAX_FRAME_BYTES,
  });
  private emulatorPort: number | null = null;
  private nextId = 1;
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly log: (line: string) => void) {
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  /** The room's emulator port (null before it runs): GET /api/room says it too. */
  get phonesPort(): number | null {
    return this.emulatorPort;
  }

  /** The room's emulator port, sent to each kit (`ready`) so its phone registers there. */
  setEmulatorPort(port: number): void {
    this.emulatorPort = port;
    for (const link of this.links.values()) this.sendReady(link);
  }

  status(): MemberLinkStatus[] {
    return [...this.links].map(([memberId, link]) => ({
      memberId,
      ready: link.voiceUrl !== null,
      pending: link.pending.size,
    }));
  }

  /** Completes an upgrade the room has already authenticated as `memberId`. */
  accept(memberId: string, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(req, socket, head, (ws) => this.attach(memberId, ws));
  }

  private attach(memberId: string, socket: WebSocket): void {
    this.links
      .get(memberId)
      ?.socket.close(
        MEMBER_LINK_CLOSE.replaced,
        '同じ参加者の別の pnpm dev --room がつながりました',
      );
    const link: Link = { socket, voiceUrl: null, pending: new Map(), alive: true };
    this.links.set(memberId, link);
    socket.on('pong', () => {
      link.alive = true;
    });
    let windowStart = Date.now();
    let framesInWindow = 0;
    socket.on('message', (data, isBinary) => {
      // A kit sends a hello and one answer per webhook: a flood is not a kit.
      if (Date.now() - windowStart > FRAME_WINDOW_MS) {
        windowStart = Date.now();
        framesInWindow = 0;
      }
      if (++framesInWindow > MAX_FRAMES_PER_WINDOW) {
        socket.close(MEMBER_LINK_CLOSE.protocol, 'メッセージが多すぎます');
        return;
      }
      const frame = isBinary ? null : parseMemberFrame(String(data));
      if (!frame) {
        socket.close(MEMBER_LINK_CLOSE.protocol, 'member link の形式ではありません');
        return;
      }
      if (frame.type === 'hello') {
        link.voiceUrl = frame.voiceUrl;
        return;
      }
      const pending = link.pending.get(frame.id);
      if (!pending) return; // Answered late, after a timeout or a hang-up: nobody waits.
      link.pending.delete(frame.id);
      if (frame.type === 'unreachable') {
        pending.resolve(failed(`Voice URL に接続できません(${frame.reason})`, pending.started));
      } else {
        const read = readVoiceAnswer(frame);
        pending.resolve({
          ...read,
          elapsedMs: Math.round(performance.now() - pending.started),
        } as VoiceWebhookResult);
      }
    });
    socket.on('close', () => {
      for (const pending of link.pending.values()) {
        pending.resolve(failed('発信した参加者の PC との接続が切れました', pending.started));
      }
      link.pending.clear();
      if (this.links.get(memberId) === link) this.links.delete(memberId);
    });
    socket.on('error', (error) => this.log(`room: member link ${memberId}: ${error.message}`));
    this.sendReady(link);
  }

  private sendReady(link: Link): void {
    if (this.emulatorPort !== null) {
      this.send(link, { type: 'ready', emulatorPort: this.emulatorPort });
    }
  }

  private send(link: Link, frame: RoomFrame): void {
    if (link.socket.readyState === link.socket.OPEN) link.socket.send(JSON.stringify(frame));
  }

  /**
   * The member's Voice webhook, through their link: the same request and the same
   * results as a POST to a Voice URL (`fetchVoiceTwiml`), 11200 when there is no link.
   */
  webhook(
    memberId: string,
    request: Omit<VoiceWebhookRequest, 'url'>,
  ): Promise<VoiceWebhookResult> {
    const started = performance.now();
    const link = this.links.get(memberId);
    if (!link) {
      return Promise.resolve(
        failed(
          '発信した参加者の PC が教室につながっていないため、その人の /call を呼べません(pnpm dev --room で起動してください)',
          started,
        ),
      );
    }
    const { voiceUrl } = link;
    if (voiceUrl === null) {
      return Promise.resolve(
        failed('発信した参加者の kit が、まだ Voice URL を知らせていません', started),
      );
    }
    if (link.pending.size >= MAX_PENDING_PER_LINK) {
      return Promise.resolve(failed('発信した参加者の /call への呼び出しが多すぎます', started));
    }
    const id = this.nextId++;
    return new Promise<VoiceWebhookResult>((resolve) => {
      const finish = (result: VoiceWebhookResult) => {
        clearTimeout(timer);
        request.signal.removeEventListener('abort', onAbort);
        link.pending.delete(id);
        resolve(result);
      };
      const onAbort = () => {
        this.send(link, { type: 'cancel', id });
        finish({ ok: false, aborted: true, elapsedMs: Math.round(performance.now() - started) });
      };
      const timer = setTimeout(() => {
        this.send(link, { type: 'cancel', id });
        finish(failed(`Voice URL が ${request.timeoutMs} ms 以内に応答しませんでした`, started));
      }, request.timeoutMs);
      if (request.signal.aborted) return onAbort();
      request.signal.addEventListener('abort', onAbort, { once: true });
      link.pending.set(id, { resolve: finish, started });
      this.send(link, {
        type: 'webhook',
        id,
        params: request.params,
        signature: signVoiceWebhook(request.authToken, voiceUrl, request.params),
      });
    });
  }

  /** Closes a member's link (revoked): their pending calls end with 11200. */
  drop(memberId: string, code: number, reason: string): void {
    this.links.get(memberId)?.socket.close(code, reason);
  }

  private ping(): void {
    for (const link of this.links.values()) {
      if (!link.alive) {
        link.socket.terminate();
        continue;
      }
      link.alive = false;
      link.socket.ping();
    }
  }

  /** Says goodbye to every kit, and cuts a kit that does not answer within a second. */
  async close(): Promise<void> {
    clearInterval(this.pinger);
    const sockets = [...this.links.values()].map((link) => link.socket);
    for (const socket of sockets) socket.close(MEMBER_LINK_CLOSE.closing, '教室が閉じました');
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === socket.CLOSED) return resolve();
            const timer = setTimeout(() => socket.terminate(), 1000);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    this.server.close();
  }
}
