import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** A frame from the server, as the SDK's PStream reads it. */
export interface Frame {
  type: string;
  payload: Record<string, unknown>;
  /** performance.now() when the frame arrived, so latencies exclude the time a caller took to ask. */
  at: number;
}

export interface ClientOptions {
  /** Limit for opening the socket and the default for each wait (`next`, `listen`, `register`). */
  timeoutMs?: number;
  /** Sent in `listen`'s browserinfo; the emulator only logs it. */
  userAgent?: string;
  /** Called with each frame the real SDK could not take, besides recording it in `violations`. */
  onViolation?: (violation: string) => void;
}

type Waiter = { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void };

/** Unread frames kept for `next`: a long run (the bench's soak) must not grow without bound. */
const MAX_UNREAD = 1000;

export const OFFER_SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=offer\r\n';
export const ANSWER_SDP = 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=answer\r\n';

/**
 * A plain WebSocket client that speaks PStream 1.6 the way the Voice SDK does
 * (see PROTOCOL.md): frames as `{payload, type, version:'1.6'}`, heartbeats
 * (`"\n"`) echoed. It keeps what it received so a caller can wait for a frame
 * or check that none came, and records every frame the SDK could not take.
 * The emulator's tests, the bench and the doctor all drive the emulator with it.
 */
export class PStreamClient {
  /** Frames the real SDK could not take: the emulator's tests require none. */
  readonly violations: string[] = [];
  heartbeats = 0;
  /** Echo heartbeats like the SDK (tests of the heartbeat turn it off). */
  echoHeartbeats = true;
  closed = false;
  closeCode: number | null = null;
  private readonly inbox: Frame[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly timeoutMs: number;

  private constructor(
    readonly socket: WebSocket,
    private readonly options: ClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.receive(data.toString());
    });
    socket.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
    socket.on('error', () => {
      this.closed = true;
    });
  }

  /** Opens the socket; rejects with the socket's error, or `timeout` after `options.timeoutMs`. */
  static async connect(url: string, options: ClientOptions = {}): Promise<PStreamClient> {
    const socket = new WebSocket(url);
    const client = new PStreamClient(socket, options);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error('timeout'));
      }, client.timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return client;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(type: string, payload: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ payload, type, version: '1.6' }));
  }

  /** Anything at all, for tests of what the server does with frames the SDK never sends. */
  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /**
   * The next frame of one of `types` (matching `where`) not taken by an
   * earlier `next`, waiting up to `timeoutMs`.
   */
  next(
    types: string | readonly string[],
    where: (payload: Record<string, unknown>) => boolean = () => true,
    timeoutMs = this.timeoutMs,
  ): Promise<Frame> {
    const list = typeof types === 'string' ? [types] : types;
    const match = (frame: Frame) => list.includes(frame.type) && where(frame.payload);
    const index = this.inbox.findIndex(match);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0] as Frame);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.inbox.map((frame) => frame.type).join(', ') || 'nothing';
        reject(new Error(`no ${list.join('/')} within ${timeoutMs} ms (unread: ${seen})`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Frames received and not taken by `next`. */
  unread(type?: string): Frame[] {
    return this.inbox.filter((frame) => type === undefined || frame.type === type);
  }

  /** `listen` with the token, then its answer: `connected`, or the `error` that refused it. */
  listen(token: string, timeoutMs = this.timeoutMs): Promise<Frame> {
    this.send('listen', {
      browserinfo: {
        browser: { platform: 'node', userAgent: this.options.userAgent ?? '@kit/emulator/client' },
        p: 'browser',
        plugin: 'rtc',
        v: '2.18.5',
      },
      reconnectTimeout: 0,
      token,
    });
    return this.next(['connected', 'error'], undefined, timeoutMs);
  }

  /** `listen` + `register`, as `device.register()` does. */
  async register(token: string): Promise<void> {
    const reply = await this.listen(token);
    if (reply.type !== 'connected') {
      throw new Error(`listen refused: ${JSON.stringify(reply.payload)}`);
    }
    this.send('register', { media: { audio: true } });
    await this.next('ready');
  }

  /** `device.connect({ params: { To } })`; returns the TJS id. */
  invite(to: string): string {
    const callsid = `TJS${crypto.randomUUID()}`;
    this.send('invite', {
      callsid,
      sdp: OFFER_SDP,
      twilio: { params: `To=${encodeURIComponent(to)}` },
    });
    return callsid;
  }

  /**
   * Closes like `device.destroy()` (code 1005 on the server) and waits for it;
   * with `terminateAfterMs`, drops the connection if the server has not closed by then.
   */
  async close(terminateAfterMs?: number): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    const timer =
      terminateAfterMs === undefined
        ? undefined
        : setTimeout(() => this.socket.terminate(), terminateAfterMs);
    this.socket.close();
    await closed;
    clearTimeout(timer);
  }

  /** Drops the TCP connection without a close frame, like a lost network. */
  async drop(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.terminate();
    await closed;
  }

  private receive(text: string): void {
    if (text === '\n') {
      this.heartbeats += 1;
      if (this.echoHeartbeats) this.socket.send('\n');
      return;
    }
    let parsed: { type?: unknown; payload?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // The SDK's JSON.parse is unguarded: a frame like this would throw inside it.
      this.violation(`not JSON: ${text.slice(0, 80)}`);
      return;
    }
    const { type, payload } = parsed ?? {};
    if (typeof type !== 'string' || typeof payload !== 'object' || payload === null) {
      this.violation(`no type/payload: ${text.slice(0, 80)}`);
    }
    const frame: Frame = {
      type: String(type),
      payload: typeof payload === 'object' && payload !== null ? (payload as Frame['payload']) : {},
      at: performance.now(),
    };
    // A hangup without a callsid hangs up every accepted call of the Device.
    if (frame.type === 'hangup' && !frame.payload.callsid) {
      this.violation(`hangup without callsid: ${text.slice(0, 80)}`);
    }
    for (const waiter of this.waiters) {
      if (waiter.match(frame)) {
        this.waiters.delete(waiter);
        waiter.resolve(frame);
        return;
      }
    }
    this.inbox.push(frame);
    if (this.inbox.length > MAX_UNREAD) this.inbox.shift();
  }

  private violation(text: string): void {
    this.violations.push(text);
    this.options.onViolation?.(text);
  }
}
