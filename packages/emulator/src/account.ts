import type { EmulatorCredentials } from './access-token.js';

/** An API key: its SID is the token's `iss`, its secret signs the token (HS256). */
export interface ApiKey {
  secret: string;
}

/** A TwiML App: a call whose token names it (`outgoingApplicationSid`) goes to its Voice URL. */
export interface TwimlApp {
  voiceUrl: string;
}

export interface AccountInit {
  accountSid: string;
  /** Signs every webhook (X-Twilio-Signature). */
  authToken: string;
  keys?: Iterable<readonly [keySid: string, key: ApiKey]>;
  apps?: Iterable<readonly [appSid: string, app: TwimlApp]>;
}

/**
 * One Twilio account as the emulator sees it: an auth token, any number of
 * API keys (each with its own secret) and TwiML Apps (each with its own
 * Voice URL). Keys and Apps can be added, changed and removed while the
 * emulator runs; revoking a key also tells every emulator using this
 * account, which stops that key's devices (see `onKeyRevoked`).
 */
export class Account {
  readonly accountSid: string;
  readonly authToken: string;
  private readonly keyTable = new Map<string, ApiKey>();
  private readonly appTable = new Map<string, TwimlApp>();
  private readonly revokeListeners = new Set<(keySid: string) => void>();

  constructor(init: AccountInit) {
    if (!init.accountSid) throw new Error('accountSid がありません');
    if (!init.authToken) throw new Error('authToken がありません');
    this.accountSid = init.accountSid;
    this.authToken = init.authToken;
    for (const [keySid, key] of init.keys ?? []) this.addKey(keySid, key.secret);
    for (const [appSid, app] of init.apps ?? []) this.addApp(appSid, app.voiceUrl);
  }

  /** The single-laptop account: one key (API_KEY/API_SECRET) and one App (TWIML_APP_SID). */
  static fromCredentials(credentials: EmulatorCredentials, voiceUrl: string): Account {
    return new Account({
      accountSid: credentials.ACCOUNT_SID,
      authToken: credentials.AUTH_TOKEN,
      keys: [[credentials.API_KEY, { secret: credentials.API_SECRET }]],
      apps: [[credentials.TWIML_APP_SID, { voiceUrl }]],
    });
  }

  get keys(): ReadonlyMap<string, Readonly<ApiKey>> {
    return this.keyTable;
  }

  get apps(): ReadonlyMap<string, Readonly<TwimlApp>> {
    return this.appTable;
  }

  /** The secret of a live key, or undefined for a key this account does not have (or revoked). */
  secretOf(keySid: string): string | undefined {
    return this.keyTable.get(keySid)?.secret;
  }

  hasKey(keySid: string): boolean {
    return this.keyTable.has(keySid);
  }

  /** A new key. A SID already in use is refused: Twilio never changes a key's secret. */
  addKey(keySid: string, secret: string): void {
    if (!keySid) throw new Error('API キーの SID がありません');
    if (!secret) throw new Error(`API キー ${keySid} のシークレットがありません`);
    if (this.keyTable.has(keySid)) throw new Error(`API キー ${keySid} はすでにあります`);
    this.keyTable.set(keySid, { secret });
  }

  /**
   * Deletes a key: tokens it signed are refused from now on, and devices
   * listening with one are told at once (every `onKeyRevoked` listener).
   * Returns false if the account had no such key.
   */
  revokeKey(keySid: string): boolean {
    if (!this.keyTable.delete(keySid)) return false;
    for (const listener of [...this.revokeListeners]) listener(keySid);
    return true;
  }

  /** Called with the SID of every key revoked from now on; returns the unsubscribe. */
  onKeyRevoked(listener: (keySid: string) => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  /** The Voice URL of an App, or undefined for an App this account does not have. */
  voiceUrlOf(appSid: string): string | undefined {
    return this.appTable.get(appSid)?.voiceUrl;
  }

  addApp(appSid: string, voiceUrl: string): void {
    if (!appSid) throw new Error('TwiML App の SID がありません');
    if (this.appTable.has(appSid)) throw new Error(`TwiML App ${appSid} はすでにあります`);
    checkVoiceUrl(voiceUrl);
    this.appTable.set(appSid, { voiceUrl });
  }

  /** Points the App's calls placed from now on at another Voice URL. */
  setVoiceUrl(appSid: string, voiceUrl: string): void {
    const app = this.appTable.get(appSid);
    if (!app) throw new Error(`TwiML App ${appSid} はこのアカウントにありません`);
    checkVoiceUrl(voiceUrl);
    app.voiceUrl = voiceUrl;
  }

  /** Deletes an App: calls naming it are refused from now on (calls under way go on). */
  removeApp(appSid: string): boolean {
    return this.appTable.delete(appSid);
  }
}

/** A Voice URL must be an absolute http(s) URL (the emulator POSTs to it). */
export function checkVoiceUrl(voiceUrl: string): void {
  let url: URL;
  try {
    url = new URL(voiceUrl);
  } catch {
    throw new Error(`voiceUrl が URL ではありません: ${voiceUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`voiceUrl は http(s) の URL にしてください: ${voiceUrl}`);
  }
}
