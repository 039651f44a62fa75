import { findMissingEnv } from '@kit/shared';
import { fail, registerSecrets } from './output.js';

export interface AccountCredentials {
  accountSid: string;
  authToken: string;
}

const SID_SHAPE = /^[A-Z]{2}[0-9a-f]{32}$/;

/**
 * ACCOUNT_SID and AUTH_TOKEN, checked before any request: a missing or
 * malformed value is named (never repeated: it may be a secret).
 */
export function readAccountCredentials(env: Readonly<Record<string, string>>): AccountCredentials {
  registerSecrets(env);
  const missing = findMissingEnv(env, ['ACCOUNT_SID', 'AUTH_TOKEN']);
  if (missing.length > 0) {
    fail(
      `${missing.join(', ')} が設定されていません。Twilio Console のトップページ(Account Info)の値を .env に書いてください。`,
      `missing ${missing.join(', ')}`,
    );
  }
  const accountSid = env.ACCOUNT_SID ?? '';
  if (!isSid(accountSid, 'AC')) {
    fail(
      'ACCOUNT_SID は AC で始まる 34 文字です。Console の Account SID を確認してください。',
      'ACCOUNT_SID is malformed',
    );
  }
  return { accountSid, authToken: env.AUTH_TOKEN ?? '' };
}

export function isSid(value: string | undefined, prefix: string): value is string {
  return typeof value === 'string' && value.startsWith(prefix) && SID_SHAPE.test(value);
}
