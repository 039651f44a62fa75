import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { DeviceConnection } from './connection.js';
import { SignalError, wireError } from './error-codes.js';
import { type ClientFrame, parseClientFrame } from './frames.js';

/** The path the SDK always connects to: `wss://<chunderw>/signal`. */
export const SIGNAL_PATH = '/signal';

export interface TransportSettings {
  host: string;
  port: number;
  /** Host names answered, with the listening port (`name:port`); empty: any. */
  allowedHostnames: readonly string[];
  maxFrameBytes: number;
  log: (line: string) => void;
}

/** What the transport hands on: sockets opening and closing, and each readable frame. */
export interface TransportHandlers {
  opened(connection: DeviceConnection): void;
  /** Returns false for a frame that was refused, so it counts as rejected. */
  frame(connection: DeviceConnection, frame: ClientFrame): boolean;
  closed(connection: DeviceConnection, code: number): void;
  /** The body of `GET /healthz`. */
  status(): object;
}

/** Counters since start, for measuring. */
export interface TransportTotals {
  sockets: number;
  frames: number;
  rejectedFrames: number;
}

/**
 * The network side of the emulator: one HTTP server that upgrades `/signal`
 * to a WebSocket and serves a status page, and the reading of every frame
 * (size cap, JSON, heartbeat) before anything else sees it.
 */
export class SignalTransport {
  readonly totals: TransportTotals = { sockets: 0, frames: 0, rejectedFrames: 0 };
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private nextConnectionId = 1;
  private listeningPort = 0;
  /**
   * The Host headers answered (`name:port`, exact, as the room's and the kit's own
   * routes compare them), or null for any. Empty until the port is known.
   */
  private allowedHosts: Set<string> | null;

  private constructor(
    private readonly settings: TransportSettings,
    private readonly handlers: TransportHandlers,
  ) {
    this.allowedHosts = settings.allowedHostnames.length > 0 ? new Set() : null;
    this.http = createServer((request, response) => {
      if (!this.hostAllowed(request)) {
        response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('この名前(Host)では接続できません。表示された接続先を使ってください\n');
        return;
      }
      answerHttp(request, response, handlers);
    });
    // The socket cap sits above maxFrameBytes so an oversize frame gets a reply, not a 1009 close.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: Math.max(1024 * 1024, settings.maxFrameBytes * 2),
    });
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!this.hostAllowed(request)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      if (pathOf(request) !== SIGNAL_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) =>
        this.wss.emit('connection', ws, request),
      );
    });
    this.wss.on('connection', (ws: WebSocket) => this.accept(ws));
  }

  /** Starts listening on `settings.host:settings.port` (0 picks a free port). */
  static async listen(
    settings: TransportSettings,
    handlers: TransportHandlers,
  ): Promise<SignalTransport> {
    const transport = new SignalTransport(settings, handlers);
    transport.http.listen(settings.port, settings.host);
    await once(transport.http, 'listening');
    transport.listeningPort = (transport.http.address() as AddressInfo).port;
    for (const name of settings.allowedHostnames) {
      const shown = name.includes(':') ? `[${name}]` : name;
      transport.allowedHosts?.add(`${shown}:${transport.listeningPort}`.toLowerCase());
    }
    return transport;
  }

  private hostAllowed(request: IncomingMessage): boolean {
    return (
      this.allowedHosts === null ||
      this.allowedHosts.has((request.headers.host ?? '').toLowerCase())
    );
  }

  get port(): number {
    return this.listeningPort;
  }

  /** Closes the servers; open sockets must be ended first (the WebSocket server leaves them). */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve, reject) => {
      this.http.close((error) => (error ? reject(error) : resolve()));
      this.http.closeAllConnections();
    });
  }

  private accept(ws: WebSocket): void {
    const connection = new DeviceConnection(this.nextConnectionId++, ws);
    this.totals.sockets += 1;
    this.handlers.opened(connection);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      this.totals.frames += 1;
      connection.lastHeardAt = performance.now();
      try {
        const accepted = this.readFrame(connection, data, isBinary);
        if (!accepted) this.totals.rejectedFrames += 1;
      } catch (error) {
        this.totals.rejectedFrames += 1;
        this.settings.log(`${connection.label}: 内部エラー: ${(error as Error).message}`);
      }
    });
    ws.on('error', (error) =>
      this.settings.log(`${connection.label}: ソケットエラー: ${error.message}`),
    );
    ws.on('close', (code) => this.handlers.closed(connection, code));
  }

  /** Returns false for a frame that was refused. */
  private readFrame(connection: DeviceConnection, data: RawData, isBinary: boolean): boolean {
    if (isBinary) return false; // PStream itself ignores binary frames; so do we.
    const bytes = Array.isArray(data)
      ? data.reduce((sum, part) => sum + part.length, 0)
      : (data as Buffer | ArrayBuffer).byteLength;
    if (bytes > this.settings.maxFrameBytes) {
      connection.sendError(
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
      connection.sendError(
        wireError(SignalError.malformed, `フレームを読めません: ${parsed.reason}`),
      );
      return false;
    }
    return this.handlers.frame(connection, parsed.frame);
  }
}

/** A tiny status page, so launchers and tests can see the emulator is up. */
function answerHttp(
  request: IncomingMessage,
  response: ServerResponse,
  handlers: Pick<TransportHandlers, 'status'>,
): void {
  const path = pathOf(request);
  if (request.method === 'GET' && path === '/healthz') {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(JSON.stringify({ ok: true, ...handlers.status() }));
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
