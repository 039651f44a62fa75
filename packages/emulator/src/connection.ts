import type { WebSocket } from 'ws';
import type { VoiceToken } from './access-token.js';
import type { WireError } from './error-codes.js';
import { HEARTBEAT, type ServerFrame, serializeFrame } from './frames.js';

/**
 * One WebSocket from one Device (a browser tab). It becomes an identity with
 * a valid `listen`, and ringable with `register {media:{audio:true}}`.
 */
export class DeviceConnection {
  token: VoiceToken | null = null;
  registered = false;
  /** Set when we send `"\n"`: the next `"\n"` from the client is its echo, not a heartbeat to answer. */
  private awaitingEcho = false;
  /** When the client last sent anything (its heartbeat echoes included). */
  lastHeardAt = performance.now();
  /** Fires when the token expires: the device stops being ringable. */
  expiryTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
  ) {}

  get identity(): string | null {
    return this.token?.identity ?? null;
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Whether a `<Dial><Client>` for this identity should ring this device. */
  canRing(identity: string): boolean {
    return this.isOpen && this.registered && this.token?.identity === identity;
  }

  /** `alice#3`: enough to follow a device through the log, never its token. */
  get label(): string {
    return `${this.identity ?? '(未認証)'}#${this.id}`;
  }

  send(frame: ServerFrame): void {
    if (this.isOpen) this.socket.send(serializeFrame(frame));
  }

  /** An `error` frame: a Device `error` event; the socket and any call stay up. */
  sendError(error: WireError): void {
    this.send({ type: 'error', payload: { error } });
  }

  sendHeartbeat(): void {
    if (!this.isOpen) return;
    this.awaitingEcho = true;
    this.socket.send(HEARTBEAT);
  }

  /**
   * The SDK echoes our `"\n"`; a client that starts a heartbeat of its own
   * gets one back. Answering echoes too would ping-pong forever.
   */
  onHeartbeat(): void {
    if (this.awaitingEcho) {
      this.awaitingEcho = false;
      return;
    }
    this.sendHeartbeat();
  }

  clearExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }
}
