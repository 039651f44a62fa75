import type { Account } from './account.js';
import type { DeviceConnection } from './connection.js';
import { SignalError, wireError } from './error-codes.js';
import type { ClientFrame } from './frames.js';
import { type EmulatorOptions, resolveOptions } from './options.js';
import { Sessions } from './session.js';
import { type CallView, Switchboard } from './switchboard.js';
import { SIGNAL_PATH, SignalTransport } from './transport.js';

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

export interface RegistrationView {
  identity: string;
  keySid: string;
}

export interface Emulator {
  /** `host:port`: the Device option `chunderw`. */
  signalingHost: string;
  /** `ws://host:port/signal`. */
  url: string;
  port: number;
  stats(): EmulatorStats;
  /** The registered devices now: each one's identity and the API key its token was signed with. */
  registrations(): RegistrationView[];
  /** The calls in progress now (placed and not yet ended). */
  calls(): CallView[];
  /** Called each time a callee answers. Returns the unsubscribe. */
  onCallConnected(listener: (call: CallView) => void): () => void;
  /**
   * The account whose keys and TwiML Apps this emulator serves: change it
   * here (`addKey`, `revokeKey`, `addApp`, `setVoiceUrl(appSid, url)`) while
   * the emulator runs.
   */
  account: Account;
  /**
   * The Voice URL of the account's only TwiML App, for calls placed from now
   * on (live reload of twiml-app.json). Throws when the account has several
   * Apps: use `account.setVoiceUrl(appSid, url)`.
   */
  setVoiceUrl(url: string): void;
  /** Ends every call, closes every socket and the server. */
  close(): Promise<void>;
}

/**
 * Starts a local stand-in for Twilio's Voice gateway: PStream 1.6 over plain
 * `ws://HOST:PORT/signal`, the TwiML App webhook, and a TwiML interpreter
 * for `<Dial><Client>` between browsers. See PROTOCOL.md.
 *
 * This only wires the parts together: the transport reads sockets and frames,
 * the sessions own listen/register/expiry/heartbeat, the switchboard the calls.
 */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const settings = resolveOptions(options);
  const { log, account } = settings;
  const sessions = new Sessions(settings);
  const switchboard = new Switchboard(
    {
      account,
      webhookTimeoutMs: settings.webhookTimeoutMs,
      voiceWebhook: settings.voiceWebhook,
      dialTimeoutSeconds: settings.dialTimeoutSeconds,
      reconnectGraceMs: settings.reconnectGraceMs,
      devicesOf: (identity) => sessions.devicesOf(identity),
    },
    log,
  );
  const transport = await SignalTransport.listen(settings, {
    opened: (connection) => sessions.opened(connection),
    frame: (connection, frame) => routeFrame(connection, frame, sessions, switchboard),
    closed: (connection, code) => {
      sessions.closed(connection, code);
      switchboard.connectionClosed(connection);
    },
    status: () => stats(),
  }).catch((error: unknown) => {
    sessions.closeAll(); // stops the heartbeat timer, which would keep the process alive
    throw error;
  });
  const stopWatchingKeys = account.onKeyRevoked((keySid) => sessions.keyRevoked(keySid));

  function stats(): EmulatorStats {
    const registered = sessions.registered();
    return {
      registrations: new Set(registered.map((connection) => connection.identity)).size,
      devices: registered.length,
      calls: switchboard.callCount,
      sockets: sessions.size,
      totals: { ...transport.totals, calls: switchboard.callsPlaced },
    };
  }

  const { port } = transport;
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const signalingHost = `${hostForUrl}:${port}`;
  const [onlyApp] = account.apps.values();
  log(
    `エミュレーター起動: ws://${signalingHost}${SIGNAL_PATH}(${
      account.apps.size === 1 && onlyApp
        ? `Voice URL: ${onlyApp.voiceUrl}`
        : `API キー ${account.keys.size} 個、TwiML App ${account.apps.size} 個`
    })`,
  );

  let closing: Promise<void> | null = null;
  const shutDown = async () => {
    stopWatchingKeys();
    switchboard.endAll();
    sessions.closeAll();
    await transport.close();
    log('エミュレーター停止');
  };
  return {
    signalingHost,
    url: `ws://${signalingHost}${SIGNAL_PATH}`,
    port,
    stats,
    registrations: () =>
      sessions
        .registered()
        .flatMap((connection) =>
          connection.token
            ? [{ identity: connection.token.identity, keySid: connection.token.keySid }]
            : [],
        ),
    calls: () => switchboard.views(),
    onCallConnected: (listener) => switchboard.onConnected(listener),
    account,
    setVoiceUrl(url) {
      const appSids = [...account.apps.keys()];
      const [appSid] = appSids;
      if (appSids.length !== 1 || appSid === undefined) {
        throw new Error(
          `TwiML App が ${appSids.length} 個あります: account.setVoiceUrl(appSid, url) で App を指定してください`,
        );
      }
      account.setVoiceUrl(appSid, url); // the same checks as at start
      log(`Voice URL: ${url}`);
    },
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}

/** Hands each frame to the part that owns its `type`; returns false for a refused frame. */
function routeFrame(
  connection: DeviceConnection,
  frame: ClientFrame,
  sessions: Sessions,
  switchboard: Switchboard,
): boolean {
  switch (frame.type) {
    case 'listen':
      return sessions.listen(connection, frame.payload.token);
    case 'register':
      return sessions.register(connection, frame.payload);
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
      connection.sendError(
        wireError(SignalError.malformed, `未知のメッセージ type です: ${frame.type.slice(0, 40)}`),
      );
      return false;
  }
}
