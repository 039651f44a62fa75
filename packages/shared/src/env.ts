/**
 * Every environment variable a step can use, described once. The step catalog
 * names which ones each step needs; `.env.example`, `pnpm dev:step`, the deploy
 * script and the docs read their descriptions from here.
 */
export type EnvVarName =
  | 'ACCOUNT_SID'
  | 'AUTH_TOKEN'
  | 'API_KEY'
  | 'API_SECRET'
  | 'TWIML_APP_SID'
  | 'TOKEN_TTL_SECONDS'
  | 'WORKSHOP_PASSCODE'
  | 'ALLOWED_ORIGINS'
  | 'CONVERSATIONS_SERVICE_SID'
  | 'SYNC_SERVICE_SID';

export type EnvVarShape =
  | { kind: 'sid'; prefix: 'AC' | 'SK' | 'AP' | 'IS' }
  | { kind: 'secret' }
  | { kind: 'seconds'; min: number; max: number; default: number }
  | { kind: 'origins' }
  | { kind: 'text' };

export interface EnvVarSpec {
  name: EnvVarName;
  /** Japanese, one line: what it is and where to find it. */
  description: string;
  /** Secrets are never printed, logged or put on a page. */
  secret: boolean;
  shape: EnvVarShape;
}

export const TOKEN_TTL_DEFAULT_SECONDS = 3600;
/** Twilio rejects Access Tokens that live longer than 24 hours. */
export const TOKEN_TTL_MAX_SECONDS = 86_400;
/**
 * The Voice SDK raises tokenWillExpire 10 s before expiry (Device option
 * tokenRefreshMs, default 10000): a shorter token would be renewed in a loop.
 * 30 s leaves 20 s between renewals.
 */
export const TOKEN_TTL_MIN_SECONDS = 30;

export const ENV_VARS: Readonly<Record<EnvVarName, EnvVarSpec>> = {
  ACCOUNT_SID: {
    name: 'ACCOUNT_SID',
    description: 'Twilio のアカウント SID(AC で始まる 34 文字、Console のトップページ)',
    secret: false,
    shape: { kind: 'sid', prefix: 'AC' },
  },
  AUTH_TOKEN: {
    name: 'AUTH_TOKEN',
    description:
      'アカウントの Auth Token(Protected な Function の署名 X-Twilio-Signature の検証に使う)',
    secret: true,
    shape: { kind: 'secret' },
  },
  API_KEY: {
    name: 'API_KEY',
    description: 'API キーの SID(SK で始まる 34 文字、Console の API keys & tokens で作成)',
    secret: false,
    shape: { kind: 'sid', prefix: 'SK' },
  },
  API_SECRET: {
    name: 'API_SECRET',
    description: 'API キーのシークレット(作成時に一度だけ表示される)',
    secret: true,
    shape: { kind: 'secret' },
  },
  TWIML_APP_SID: {
    name: 'TWIML_APP_SID',
    description: 'TwiML App の SID(AP で始まる 34 文字、発信時に Twilio が呼ぶ Voice URL を持つ)',
    secret: false,
    shape: { kind: 'sid', prefix: 'AP' },
  },
  TOKEN_TTL_SECONDS: {
    name: 'TOKEN_TTL_SECONDS',
    description: 'アクセストークンの有効期間(秒、30〜86400、省略時 3600)。用途が許す限り短くする',
    secret: false,
    shape: {
      kind: 'seconds',
      min: TOKEN_TTL_MIN_SECONDS,
      max: TOKEN_TTL_MAX_SECONDS,
      default: TOKEN_TTL_DEFAULT_SECONDS,
    },
  },
  WORKSHOP_PASSCODE: {
    name: 'WORKSHOP_PASSCODE',
    description:
      '設定するとトークンの発行にこの合言葉が必要になる(Public な Function は誰でも呼べるため)',
    secret: true,
    shape: { kind: 'secret' },
  },
  ALLOWED_ORIGINS: {
    name: 'ALLOWED_ORIGINS',
    description: '別オリジンのページからトークンを取得させる場合の許可オリジン(カンマ区切り)',
    secret: false,
    shape: { kind: 'origins' },
  },
  // Not `SERVICE_SID`: Twilio sets context.SERVICE_SID to the Functions service's own SID (ZS…).
  CONVERSATIONS_SERVICE_SID: {
    name: 'CONVERSATIONS_SERVICE_SID',
    description:
      'Conversations(Chat)サービスの SID(IS で始まる 34 文字、Chat グラントを付けるときのみ)。SERVICE_SID は Functions のサービス SID として予約済みのため使わない',
    secret: false,
    shape: { kind: 'sid', prefix: 'IS' },
  },
  SYNC_SERVICE_SID: {
    name: 'SYNC_SERVICE_SID',
    description: 'Sync サービスの SID(IS で始まる 34 文字、Sync グラントを付けるときのみ)',
    secret: false,
    shape: { kind: 'sid', prefix: 'IS' },
  },
};
