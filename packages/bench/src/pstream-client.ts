import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface Frame {
  type: string;
  payload: Record<string, unknown>;
  /** performance.now() when the frame arrived. */
  at: number;
}

type Waiter = { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void };

export const OFFER_SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=offer\r\n';
export const ANSWER_SDP = 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=answer\r\n';

/**
 * A small PStream 1.6 client, shaped like the SDK on the wire (frames
 * `{payload, type, version}`, heartbeats echoed), that timestamps every frame
 * on arrival so latencies do not include the time a test took to ask.
 */
export class PStreamClient {
  private readonly inbox: Frame[] = [];
  private readonly waiters = new Set<Waiter>();
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === '\n') {
        socket.send('\n');
        return;
      }
      const parsed = JSON.parse(text) as { type: string; payload: Record<string, unknown> };
      const frame: Frame = { type: parsed.type, payload: parsed.payload, at: performance.now() };
      for (const waiter of this.waiters) {
        if (waiter.match(frame)) {
          this.waiters.delete(waiter);
          waiter.resolve(frame);
          return;
        }
      }
      this.inbox.push(frame);
      // Unread frames are kept for `next`; cap them so a long run cannot grow without bound.
      if (this.inbox.length > 200) this.inbox.shift();
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {
      this.closed = true;
    });
  }

  static async connect(url: string): Promise<PStreamClient> {
    const socket = new WebSocket(url);
    const client = new PStreamClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(type: string, payload: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ payload, type, version: '1.6' }));
  }

  /** The next frame of one of `types` (matching `where`), waiting up to `timeoutMs`. */
  next(
    types: string | readonly string[],
    where: (payload: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5000,
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
        reject(new Error(`no ${list.join('/')} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Frames received and not taken by `next`. */
  unread(type?: string): Frame[] {
    return this.inbox.filter((frame) => type === undefined || frame.type === type);
  }

  async listen(token: string): Promise<Frame> {
    this.send('listen', {
      browserinfo: {
        browser: { platform: 'bench', userAgent: 'node' },
        p: 'browser',
        plugin: 'rtc',
        v: '2.18.5',
      },
      reconnectTimeout: 0,
      token,
    });
    return this.next(['connected', 'error']);
  }

  /** `listen` + `register`, as `device.register()` does. */
  async register(token: string): Promise<void> {
    const reply = await this.listen(token);
    if (reply.type !== 'connected') throw new Error(`listen refused: ${JSON.stringify(reply)}`);
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

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close();
    await closed;
  }

  /** Drops the TCP connection without a close frame, like a lost network. */
  async drop(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.terminate();
    await closed;
  }
}
