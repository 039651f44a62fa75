import { isValidIdentity } from '@kit/shared';
import type { EmulatorCredentials } from './access-token.js';

/** An API key: its SID is the token's `iss`, its secret signs the token (HS256). */
export interface ApiKey {
  secret: string;
  /**
   * A room member's key: the identity the member owns. Its tokens may name that
   * identity or a second tab's name of it (`ownsIdentity` in @kit/shared), nothing
   * else. Absent: any identity, as with Twilio's own keys.
   */
  owner?: string;
  /**
   * A room member's key: the member's own TwiML App, the only one its tokens may
   * place calls through (another member's App is refused with 21218, as another
   * account's App is on Twilio). Absent: any App of the account.
   */
  app?: string;
}

/** A token refused because its key's member does not own the identity it names. */
export interface IdentityRefusal {
  keySid: string;
  identity: string;
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
  private readonly refusalListeners = new Set<(refusal: IdentityRefusal) => void>();

  constructor(init: AccountInit) {
    if (!init.accountSid) throw new Error('accountSid がありません');
    if (!init.authToken) throw new Error('authToken がありません');
    this.accountSid = init.accountSid;
    this.authToken = init.authToken;
    for (const [keySid, key] of init.keys ?? []) {
      this.addKey(keySid, key.secret, key.owner, key.app);
    }
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

  /** The identity a member's key owns, or undefined for a key that may sign any identity. */
  ownerOf(keySid: string): string | undefined {
    return this.keyTable.get(keySid)?.owner;
  }

  hasKey(keySid: string): boolean {
    return this.keyTable.has(keySid);
  }

  /** Whether a key's tokens may place calls through an App (a member's key: their own only). */
  keyMayUseApp(keySid: string, appSid: string): boolean {
    const only = this.keyTable.get(keySid)?.app;
    return only === undefined || only === appSid;
  }

  /**
   * A new key; with `owner`, a room member's key that signs only that member's
   * identities, and with `app`, one that calls only through that TwiML App.
   * A SID already in use is refused: Twilio never changes a key's secret.
   */
  addKey(keySid: string, secret: string, owner?: string, app?: string): void {
    if (!keySid) throw new Error('API キーの SID がありません');
    if (!secret) throw new Error(`API キー ${keySid} のシークレットがありません`);
    if (this.keyTable.has(keySid)) throw new Error(`API キー ${keySid} はすでにあります`);
    if (owner !== undefined && !isValidIdentity(owner)) {
      throw new Error(`API キー ${keySid} の持ち主の identity が規則に合いません`);
    }
    this.keyTable.set(keySid, {
      secret,
      ...(owner === undefined ? {} : { owner }),
      ...(app === undefined ? {} : { app }),
    });
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

  /** Called with every token refused because its member does not own its identity; returns the unsubscribe. */
  onIdentityRefused(listener: (refusal: IdentityRefusal) => void): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  /** Tells every `onIdentityRefused` listener (the emulator calls it when it refuses a token). */
  identityRefused(refusal: IdentityRefusal): void {
    for (const listener of [...this.refusalListeners]) listener(refusal);
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
