import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { verifyVoiceToken } from './access-token.js';
import { DeviceConnection } from './connection.js';
import { SignalError, type WireError, wireError } from './error-codes.js';
import { type ClientFrame, parseClientFrame } from './frames.js';
import { type EmulatorOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { Switchboard } from './switchboard.js';

/** The path the SDK always connects to: `wss://<chunderw>/signal`. */
export const SIGNAL_PATH = '/signal';

export interface EmulatorStats {
  /** Identities with at least one registered device. */
  registrations: number;
  /** Registered devices (sockets that sent `register {audio:true}`). */
  devices: number;
  /** Calls in the call table, from `invite` until they end. */
  calls: number;
  /** Open WebSockets. */
  sockets: number;
  /** Counters since start, for measuring. */
  totals: {
    sockets: number;
    frames: number;
    rejectedFrames: number;
    calls: number;
  };
}

export interface Emulator {
  /** `host:port`: the Device option `chunderw`. */
  signalingHost: string;
  /** `ws://host:port/signal`. */
  url: string;
  port: number;
  stats(): EmulatorStats;
  /** Ends every call, closes every socket and the server. */
  close(): Promise<void>;
}

/**
 * Starts a local stand-in for Twilio's Voice gateway: PStream 1.6 over plain
 * `ws://HOST:PORT/signal`, the TwiML App webhook, and a TwiML interpreter
 * for `<Dial><Client>` between browsers. See PROTOCOL.md.
 */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const settings = resolveOptions(options);
  const { log } = settings;
  const connections = new Set<DeviceConnection>();
  const totals = { sockets: 0, frames: 0, rejectedFrames: 0 };
  const switchboard = new Switchboard(
    {
      accountSid: settings.credentials.ACCOUNT_SID,
      applicationSid: settings.credentials.TWIML_APP_SID,
      authToken: settings.credentials.AUTH_TOKEN,
      voiceUrl: settings.voiceUrl,
      webhookTimeoutMs: settings.webhookTimeoutMs,
      dialTimeoutSeconds: settings.dialTimeoutSeconds,
      reconnectGraceMs: settings.reconnectGraceMs,
      devicesOf(identity) {
        let withoutIncomingGrant = 0;
        const ringable: DeviceConnection[] = [];
        for (const connection of connections) {
          if (!connection.canRing(identity)) continue;
          if (connection.token?.incomingAllowed) ringable.push(connection);
          else withoutIncomingGrant += 1;
        }
        return { ringable, withoutIncomingGrant };
      },
    },
    log,
  );

  const stats = (): EmulatorStats => {
    const registered = [...connections].filter((connection) => connection.registered);
    return {
      registrations: new Set(registered.map((connection) => connection.identity)).size,
      devices: registered.length,
      calls: switchboard.callCount,
      sockets: connections.size,
      totals: { ...totals, calls: switchboard.callsPlaced },
    };
  };

  const http = createServer((request, response) => answerHttp(request, response, stats));
  // The socket cap sits above maxFrameBytes so an oversize frame gets a reply, not a 1009 close.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Math.max(1024 * 1024, settings.maxFrameBytes * 2),
  });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathOf(request) !== SIGNAL_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  let nextId = 1;
  wss.on('connection', (ws: WebSocket) => {
    const connection = new DeviceConnection(nextId++, ws);
    connections.add(connection);
    totals.sockets += 1;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      totals.frames += 1;
      connection.lastHeardAt = performance.now();
      try {
        const accepted = onFrame(connection, data, isBinary);
        if (!accepted) totals.rejectedFrames += 1;
      } catch (error) {
        totals.rejectedFrames += 1;
        log(`${connection.label}: 内部エラー: ${(error as Error).message}`);
      }
    });
    ws.on('error', (error) => log(`${connection.label}: ソケットエラー: ${error.message}`));
    ws.on('close', (code) => {
      connections.delete(connection);
      connection.clearExpiry();
      log(`${connection.label}: 切断 (${code})${connection.registered ? '、登録を解除' : ''}`);
      connection.registered = false;
      switchboard.connectionClosed(connection);
    });
  });

  /** Returns false for a frame that was refused. */
  function onFrame(connection: DeviceConnection, data: RawData, isBinary: boolean): boolean {
    if (isBinary) return false; // PStream itself ignores binary frames; so do we.
    const bytes = Array.isArray(data)
      ? data.reduce((sum, part) => sum + part.length, 0)
      : (data as Buffer | ArrayBuffer).byteLength;
    if (bytes > settings.maxFrameBytes) {
      sendError(
        connection,
        wireError(SignalError.malformed, `フレームが大きすぎます(${bytes} バイト)`),
      );
      return false;
    }
    const parsed = parseClientFrame(rawToString(data));
    if (parsed.kind === 'heartbeat') {
      connection.onHeartbeat();
      return true;
    }
    if (parsed.kind === 'malformed') {
      sendError(
        connection,
        wireError(SignalError.malformed, `フレームを読めません: ${parsed.reason}`),
      );
      return false;
    }
    return dispatch(connection, parsed.frame);
  }

  function dispatch(connection: DeviceConnection, frame: ClientFrame): boolean {
    switch (frame.type) {
      case 'listen':
        return listen(connection, frame.payload.token);
      case 'register':
        return register(connection, frame.payload);
      case 'invite':
      case 'answer':
      case 'hangup':
      case 'reject':
      case 'dtmf':
      case 'message':
      case 'reinvite':
        switchboard.handle(connection, frame);
        return true;
      default:
        sendError(
          connection,
          wireError(
            SignalError.malformed,
            `未知のメッセージ type です: ${frame.type.slice(0, 40)}`,
          ),
        );
        return false;
    }
  }

  /** `listen` (on every open and every `updateToken`): verify, then `connected`. */
  function listen(connection: DeviceConnection, token: unknown): boolean {
    const check = verifyVoiceToken(token, settings.credentials);
    if (!check.ok) {
      // Never close the socket here: the SDK would reconnect and retry every 100 ms.
      log(`${connection.label}: listen を拒否 ${check.error.code}: ${check.error.message}`);
      sendAuthError(connection, check.error);
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
    armExpiry(connection, ttl);
    log(
      `${connection.label}: listen OK(残り ${ttl} 秒、着信${check.token.incomingAllowed ? '可' : '不可'})`,
    );
    return true;
  }

  /** When the token runs out, the device stops ringing, as with Twilio. */
  function armExpiry(connection: DeviceConnection, ttlSeconds: number): void {
    connection.clearExpiry();
    const delay = Math.min(ttlSeconds * 1000, 2 ** 31 - 1);
    connection.expiryTimer = setTimeout(() => {
      connection.expiryTimer = null;
      log(`${connection.label}: トークンの有効期限切れ、登録を解除`);
      sendError(
        connection,
        wireError(SignalError.tokenExpired, 'アクセストークンの有効期限が切れました'),
      );
      if (connection.registered) {
        connection.registered = false;
        connection.send({ type: 'offline', payload: {} });
      }
    }, delay);
  }

  /** `register {media:{audio:true}}` makes the device ringable; `audio:false` undoes it. */
  function register(connection: DeviceConnection, payload: Record<string, unknown>): boolean {
    const token = connection.token;
    if (!token) {
      sendAuthError(
        connection,
        wireError(SignalError.tokenInvalid, 'listen で有効なトークンを送ってから登録してください'),
      );
      return false;
    }
    if (token.expiresAt <= Date.now() / 1000) {
      sendAuthError(
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
      log(`${connection.label}: 登録解除`);
      return true;
    }
    if (!connection.registered) {
      log(
        `${connection.label}: 登録${token.incomingAllowed ? '' : '(このトークンでは着信しません: incomingAllow がありません)'}`,
      );
    }
    connection.registered = true;
    connection.send({ type: 'ready', payload: {} });
    return true;
  }

  function sendError(connection: DeviceConnection, error: WireError): void {
    connection.send({ type: 'error', payload: { error } });
  }

  function sendAuthError(connection: DeviceConnection, error: WireError): void {
    sendError(connection, error);
    if (settings.closeOnAuthError) connection.send({ type: 'close', payload: {} });
  }

  // The SDK echoes every "\n"; a socket that stays silent through several is a frozen or gone tab.
  let lastTickAt = performance.now();
  const heartbeat = setInterval(() => {
    const now = performance.now();
    // A late tick means our own event loop stalled: the echoes may be sitting unread, so judge nobody.
    const onTime = now - lastTickAt < settings.heartbeatIntervalMs * 1.5;
    lastTickAt = now;
    for (const connection of connections) {
      if (onTime && now - connection.lastHeardAt > settings.silentPeerTimeoutMs) {
        log(`${connection.label}: ${settings.silentPeerTimeoutMs} ms 無応答のため切断します`);
        connection.terminate();
        continue;
      }
      connection.sendHeartbeat();
    }
  }, settings.heartbeatIntervalMs);

  http.listen(settings.port, settings.host);
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const signalingHost = `${hostForUrl}:${port}`;
  log(`エミュレーター起動: ws://${signalingHost}${SIGNAL_PATH}(Voice URL: ${settings.voiceUrl})`);

  let closing: Promise<void> | null = null;
  return {
    signalingHost,
    url: `ws://${signalingHost}${SIGNAL_PATH}`,
    port,
    stats,
    close() {
      closing ??= shutDown(settings, { http, wss, connections, switchboard, heartbeat });
      return closing;
    },
  };
}

async function shutDown(
  settings: ResolvedOptions,
  parts: {
    http: ReturnType<typeof createServer>;
    wss: WebSocketServer;
    connections: Set<DeviceConnection>;
    switchboard: Switchboard;
    heartbeat: NodeJS.Timeout;
  },
): Promise<void> {
  clearInterval(parts.heartbeat);
  parts.switchboard.endAll();
  for (const connection of parts.connections) {
    connection.clearExpiry();
    connection.terminate();
  }
  await new Promise<void>((resolve) => parts.wss.close(() => resolve()));
  await new Promise<void>((resolve, reject) => {
    parts.http.close((error) => (error ? reject(error) : resolve()));
    parts.http.closeAllConnections();
  });
  settings.log('エミュレーター停止');
}

/** A tiny status page, so launchers and tests can see the emulator is up. */
function answerHttp(
  request: IncomingMessage,
  response: ServerResponse,
  stats: () => EmulatorStats,
): void {
  const path = pathOf(request);
  if (request.method === 'GET' && path === '/healthz') {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(JSON.stringify({ ok: true, ...stats() }));
    return;
  }
  response.writeHead(path === SIGNAL_PATH ? 426 : 404, {
    'content-type': 'text/plain; charset=utf-8',
  });
  response.end(
    path === SIGNAL_PATH
      ? 'WebSocket で接続してください(Twilio Voice SDK の chunderw)\n'
      : 'Not Found\n',
  );
}

function pathOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://emulator').pathname;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
