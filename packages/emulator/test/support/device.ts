import WebSocket from 'ws';

export interface ServerMessage {
  type: string;
  payload: Record<string, unknown>;
}

type Waiter = {
  match: (message: ServerMessage) => boolean;
  resolve: (message: ServerMessage) => void;
};

/**
 * A plain WebSocket client that speaks PStream 1.6 the way the SDK does:
 * frames as `{payload, type, version:'1.6'}`, heartbeats echoed. It records
 * every message, so tests can wait for one or assert that none came.
 */
export class TestDevice {
  /** Frames the real SDK could not take (checked after every test by the harness). */
  static readonly violations: string[] = [];
  readonly messages: ServerMessage[] = [];
  heartbeats = 0;
  closeCode: number | null = null;
  /** Echo `"\n"` like the SDK (tests of the heartbeat turn it off). */
  echoHeartbeats = true;
  private readonly waiters = new Set<Waiter>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === '\n') {
        this.heartbeats += 1;
        if (this.echoHeartbeats) socket.send('\n');
        return;
      }
      let message: ServerMessage;
      try {
        message = JSON.parse(text) as ServerMessage;
      } catch {
        // The SDK's JSON.parse is unguarded: a frame like this would throw inside it.
        TestDevice.violations.push(`not JSON: ${text.slice(0, 80)}`);
        return;
      }
      if (typeof message.type !== 'string' || typeof message.payload !== 'object') {
        TestDevice.violations.push(`no type/payload: ${text.slice(0, 80)}`);
      }
      // A hangup without a callsid hangs up every accepted call of the Device.
      if (message.type === 'hangup' && !message.payload.callsid) {
        TestDevice.violations.push(`hangup without callsid: ${text.slice(0, 80)}`);
      }
      this.messages.push(message);
      for (const waiter of this.waiters) {
        if (waiter.match(message)) {
          this.waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
    socket.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async connect(url: string): Promise<TestDevice> {
    const socket = new WebSocket(url);
    const device = new TestDevice(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return device;
  }

  send(type: string, payload: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ payload, type, version: '1.6' }));
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /**
   * The next message of `type` (matching `where`) not yet returned by an
   * earlier `next`, waiting up to `timeoutMs`.
   */
  next(
    type: string | string[],
    where: (payload: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<ServerMessage> {
    const types = Array.isArray(type) ? type : [type];
    const match = (message: ServerMessage) =>
      types.includes(message.type) && where(message.payload);
    const index = this.messages.findIndex(match);
    if (index >= 0) {
      const found = this.messages[index] as ServerMessage;
      this.messages.splice(index, 1);
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (message) => {
          clearTimeout(timer);
          this.messages.splice(this.messages.indexOf(message), 1);
          resolve(message);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.messages.map((message) => message.type).join(', ') || 'nothing';
        reject(new Error(`no ${types.join('/')} within ${timeoutMs} ms (unread: ${seen})`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Messages received and not yet taken by `next`. */
  unread(type?: string): ServerMessage[] {
    return this.messages.filter((message) => type === undefined || message.type === type);
  }

  /** `listen` then wait for `connected` (or the error that refused it). */
  async listen(token: string): Promise<ServerMessage> {
    this.send('listen', {
      browserinfo: {
        browser: { platform: 'test', userAgent: 'vitest' },
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
    if (reply.type !== 'connected')
      throw new Error(`listen refused: ${JSON.stringify(reply.payload)}`);
    this.send('register', { media: { audio: true } });
    await this.next('ready');
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Closes like `device.destroy()` (code 1005 on the server) and waits for it. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close();
    await closed;
  }

  /** Drops the TCP connection without a close frame, like a lost network. */
  async drop(): Promise<void> {
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.terminate();
    await closed;
  }
}
