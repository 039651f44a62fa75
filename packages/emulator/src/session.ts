import { verifyVoiceToken } from './access-token.js';
import type { Account } from './account.js';
import type { DeviceConnection } from './connection.js';
import { SignalError, type WireError, wireError } from './error-codes.js';

export interface SessionSettings {
  account: Account;
  closeOnAuthError: boolean;
  heartbeatIntervalMs: number;
  silentPeerTimeoutMs: number;
  log: (line: string) => void;
}

/** The registered devices of one identity, split by whether their token allows incoming calls. */
export interface RingableDevices {
  ringable: DeviceConnection[];
  withoutIncomingGrant: number;
}

/**
 * The connection table, and each device's session on its socket: `listen`
 * (token check, `connected`, the expiry timer), `register`, and the
 * heartbeat that keeps sockets alive and drops the silent ones.
 */
export class Sessions {
  private readonly connections = new Set<DeviceConnection>();
  private readonly heartbeat: NodeJS.Timeout;
  private lastTickAt = performance.now();

  constructor(private readonly settings: SessionSettings) {
    this.heartbeat = setInterval(() => this.beat(), settings.heartbeatIntervalMs);
  }

  get size(): number {
    return this.connections.size;
  }

  /** The devices that are registered (sent `register {audio:true}`) and still open. */
  registered(): DeviceConnection[] {
    return [...this.connections].filter((connection) => connection.registered);
  }

  opened(connection: DeviceConnection): void {
    this.connections.add(connection);
  }

  /** A closed socket unregisters its device at once; its call legs are the switchboard's. */
  closed(connection: DeviceConnection, code: number): void {
    this.connections.delete(connection);
    connection.clearExpiry();
    this.settings.log(
      `${connection.label}: 切断 (${code})${connection.registered ? '、登録を解除' : ''}`,
    );
    connection.registered = false;
  }

  /** Who a `<Dial><Client>identity` rings. */
  devicesOf(identity: string): RingableDevices {
    let withoutIncomingGrant = 0;
    const ringable: DeviceConnection[] = [];
    for (const connection of this.connections) {
      if (!connection.canRing(identity)) continue;
      if (connection.token?.incomingAllowed) ringable.push(connection);
      else withoutIncomingGrant += 1;
    }
    return { ringable, withoutIncomingGrant };
  }

  /** `listen` (on every open and every `updateToken`): verify, then `connected`. */
  listen(connection: DeviceConnection, token: unknown): boolean {
    const check = verifyVoiceToken(token, this.settings.account);
    if (!check.ok) {
      // Never close the socket here: the SDK would reconnect and retry every 100 ms.
      this.settings.log(
        `${connection.label}: listen を拒否 ${check.error.code}: ${check.error.message}`,
      );
      if (check.identityRefused) this.settings.account.identityRefused(check.identityRefused);
      this.sendAuthError(connection, check.error);
      return false;
    }
    const previous = connection.identity;
    connection.token = check.token;
    if (previous !== null && previous !== check.token.identity) connection.registered = false;
    const ttl = Math.max(0, Math.floor(check.token.expiresAt - Date.now() / 1000));
    connection.send({
      type: 'connected',
      payload: { region: 'local', edge: 'local', token: { identity: check.token.identity, ttl } },
    });
    this.armExpiry(connection, ttl);
    this.settings.log(
      `${connection.label}: listen OK(残り ${ttl} 秒、着信${check.token.incomingAllowed ? '可' : '不可'})`,
    );
    return true;
  }

  /** `register {media:{audio:true}}` makes the device ringable; `audio:false` undoes it. */
  register(connection: DeviceConnection, payload: Record<string, unknown>): boolean {
    const token = connection.token;
    if (!token) {
      this.sendAuthError(
        connection,
        wireError(SignalError.tokenInvalid, 'listen で有効なトークンを送ってから登録してください'),
      );
      return false;
    }
    if (!this.settings.account.hasKey(token.keySid)) {
      this.settings.log(
        `${connection.label}: register を拒否: API キー ${token.keySid} は取り消されました`,
      );
      this.sendAuthError(connection, revokedKeyError(token.keySid));
      return false;
    }
    if (token.expiresAt <= Date.now() / 1000) {
      this.sendAuthError(
        connection,
        wireError(SignalError.tokenExpired, 'アクセストークンの有効期限が切れています'),
      );
      return false;
    }
    const media = payload.media;
    const audio =
      typeof media === 'object' && media !== null
        ? (media as { audio?: unknown }).audio
        : undefined;
    if (audio === false) {
      connection.registered = false;
      connection.send({ type: 'offline', payload: {} });
      this.settings.log(`${connection.label}: 登録解除`);
      return true;
    }
    if (!connection.registered) {
      this.settings.log(
        `${connection.label}: 登録${token.incomingAllowed ? '' : '(このトークンでは着信しません: incomingAllow がありません)'}`,
      );
    }
    connection.registered = true;
    connection.send({ type: 'ready', payload: {} });
    return true;
  }

  /**
   * A key was revoked: every device whose token it signed stops being rung
   * at once, and is told so as for an expired token (an `error` 31204, then
   * `offline` if it was registered); its socket stays open so that
   * `updateToken` with a token from a live key brings it back. Its `register`
   * and `invite` are refused from now on. Calls under way are left alone.
   */
  keyRevoked(keySid: string): void {
    let devices = 0;
    for (const connection of this.connections) {
      if (connection.token?.keySid !== keySid) continue;
      devices += 1;
      connection.clearExpiry();
      this.sendAuthError(connection, revokedKeyError(keySid));
      if (connection.registered) {
        connection.registered = false;
        connection.send({ type: 'offline', payload: {} });
      }
    }
    this.settings.log(`API キー ${keySid} を取り消しました(端末 ${devices} 台の登録を解除)`);
  }

  /** Shutdown: no more heartbeats, and every socket is dropped. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const connection of this.connections) {
      connection.clearExpiry();
      connection.terminate();
    }
  }

  /** When the token runs out, the device stops ringing, as with Twilio. */
  private armExpiry(connection: DeviceConnection, ttlSeconds: number): void {
    connection.clearExpiry();
    const delay = Math.min(ttlSeconds * 1000, 2 ** 31 - 1);
    connection.expiryTimer = setTimeout(() => {
      connection.expiryTimer = null;
      this.settings.log(`${connection.label}: トークンの有効期限切れ、登録を解除`);
      connection.sendError(
        wireError(SignalError.tokenExpired, 'アクセストークンの有効期限が切れました'),
      );
      if (connection.registered) {
        connection.registered = false;
        connection.send({ type: 'offline', payload: {} });
      }
    }, delay);
  }

  /** The SDK echoes every "\n"; a socket that stays silent through several is a frozen or gone tab. */
  private beat(): void {
    const now = performance.now();
    // A late tick means our own event loop stalled: the echoes may be sitting unread, so judge nobody.
    const onTime = now - this.lastTickAt < this.settings.heartbeatIntervalMs * 1.5;
    this.lastTickAt = now;
    for (const connection of this.connections) {
      if (onTime && now - connection.lastHeardAt > this.settings.silentPeerTimeoutMs) {
        this.settings.log(
          `${connection.label}: ${this.settings.silentPeerTimeoutMs} ms 無応答のため切断します`,
        );
        connection.terminate();
        continue;
      }
      connection.sendHeartbeat();
    }
  }

  private sendAuthError(connection: DeviceConnection, error: WireError): void {
    connection.sendError(error);
    if (this.settings.closeOnAuthError) connection.send({ type: 'close', payload: {} });
  }
}

/** A token whose key is gone: Twilio's "invalid token" (the SDK shows 20101). */
export function revokedKeyError(keySid: string): WireError {
  return wireError(
    SignalError.tokenInvalid,
    `アクセストークンが無効です: API キー ${keySid} は取り消されました`,
  );
}
