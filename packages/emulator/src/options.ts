import type { EmulatorCredentials } from './access-token.js';
import { Account, checkVoiceUrl } from './account.js';
import { fetchVoiceTwiml, type VoiceWebhookSender } from './webhook.js';

export interface EmulatorOptions {
  /** Interface to listen on; loopback by default (the emulator has no TLS). */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * The names a request's Host header may give (each with the emulator's port): any
   * other Host is refused with 403 before a WebSocket opens, so a DNS-rebound page
   * cannot reach the emulator under a name of its own. Empty (the default): any, as on loopback.
   */
  allowedHostnames?: readonly string[];
  /**
   * The single-laptop shorthand, with `voiceUrl`: an account with one API key
   * (API_KEY/API_SECRET) and one TwiML App (TWIML_APP_SID). Give either
   * these two or `account`.
   */
  credentials?: EmulatorCredentials;
  /** The one TwiML App's Voice URL, e.g. `http://127.0.0.1:3000/call`. */
  voiceUrl?: string;
  /** An account with many keys and many TwiML Apps, changeable while the emulator runs. */
  account?: Account;
  /** Twilio gives the Voice URL 15 s before error 11200. */
  webhookTimeoutMs?: number;
  /**
   * How the Voice webhook is sent: POSTed to the App's Voice URL by default. The
   * room passes its own, which reaches the member's laptop over their connection;
   * the call handles its results (TwiML, 11200, a hang-up) the same way.
   */
  voiceWebhook?: VoiceWebhookSender;
  /** Ring time when `<Dial>` has no `timeout` attribute (Twilio's default: 30 s). */
  dialTimeoutSeconds?: number;
  /** How often `"\n"` goes to every socket; the SDK reconnects after 15 s of silence. */
  heartbeatIntervalMs?: number;
  /**
   * A socket that sent nothing (not even a heartbeat echo) for this long is
   * dropped, so a frozen or vanished tab stops being rung. Default: three
   * heartbeat intervals.
   */
  silentPeerTimeoutMs?: number;
  /** How long a leg whose socket dropped may come back with its reconnect token. */
  reconnectGraceMs?: number;
  /** Larger text frames are answered with error 31100 (an SDP is a few KB). */
  maxFrameBytes?: number;
  /** After a token error, also send `{"type":"close"}` so `register()` rejects instead of waiting. */
  closeOnAuthError?: boolean;
  /** One line per event; never carries tokens or secrets. */
  log?: (line: string) => void;
}

export type ResolvedOptions = Required<
  Omit<EmulatorOptions, 'log' | 'credentials' | 'voiceUrl' | 'account' | 'voiceWebhook'>
> & {
  voiceWebhook: VoiceWebhookSender;
  account: Account;
  log: (line: string) => void;
};

/** The SDK's own heartbeat timeout: a server must speak more often than this. */
export const CLIENT_HEARTBEAT_TIMEOUT_MS = 15_000;

const CREDENTIAL_NAMES = [
  'ACCOUNT_SID',
  'AUTH_TOKEN',
  'API_KEY',
  'API_SECRET',
  'TWIML_APP_SID',
] as const;

/** Fills in defaults and refuses settings that would break the SDK, with a message saying which. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    allowedHostnames: options.allowedHostnames ?? [],
    account: resolveAccount(options),
    webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000,
    voiceWebhook: options.voiceWebhook ?? fetchVoiceTwiml,
    dialTimeoutSeconds: options.dialTimeoutSeconds ?? 30,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 10_000,
    silentPeerTimeoutMs: options.silentPeerTimeoutMs ?? 3 * (options.heartbeatIntervalMs ?? 10_000),
    reconnectGraceMs: options.reconnectGraceMs ?? 10_000,
    maxFrameBytes: options.maxFrameBytes ?? 256 * 1024,
    closeOnAuthError: options.closeOnAuthError ?? false,
    log: options.log ?? (() => {}),
  };
  if (
    !(
      resolved.heartbeatIntervalMs > 0 && resolved.heartbeatIntervalMs < CLIENT_HEARTBEAT_TIMEOUT_MS
    )
  ) {
    throw new Error(
      `heartbeatIntervalMs は 0 より大きく ${CLIENT_HEARTBEAT_TIMEOUT_MS} 未満にしてください(SDK は 15 秒無音で再接続します)`,
    );
  }
  for (const name of [
    'webhookTimeoutMs',
    'dialTimeoutSeconds',
    'reconnectGraceMs',
    'maxFrameBytes',
  ] as const) {
    if (!(resolved[name] > 0)) throw new Error(`${name} は正の数にしてください`);
  }
  return resolved;
}

/** `account`, or the one-key-one-App account the shorthand describes; never both. */
function resolveAccount(options: EmulatorOptions): Account {
  if (options.account) {
    if (options.credentials || options.voiceUrl !== undefined) {
      throw new Error('account と credentials/voiceUrl は同時に指定できません');
    }
    return options.account;
  }
  const { credentials, voiceUrl = '' } = options;
  const missing = CREDENTIAL_NAMES.filter((name) => !credentials?.[name]);
  if (!credentials || missing.length > 0) {
    throw new Error(`エミュレーターの認証情報が足りません: ${missing.join(', ')}`);
  }
  checkVoiceUrl(voiceUrl);
  return Account.fromCredentials(credentials, voiceUrl);
}
