import { type ApiError, IDENTITY_PATTERN } from '@kit/shared';
import type { ServiceConfig } from './service-config.js';

export const PRODUCTS = ['voice', 'video', 'chat', 'sync'] as const;
export type Product = (typeof PRODUCTS)[number];

type Grant = Parameters<InstanceType<typeof Twilio.jwt.AccessToken>['addGrant']>[0];

/** `grants=voice,video` or `grants=voice&grants=video` → the products, each once. */
export function readProducts(
  raw: unknown,
): { ok: true; products: Product[] } | { ok: false; error: ApiError } {
  const parts = (Array.isArray(raw) ? raw : [raw])
    .flatMap((value) => (typeof value === 'string' ? value.split(',') : [value]))
    .map((value) => (typeof value === 'string' ? value.trim() : value))
    .filter((value) => value !== '' && value !== undefined);
  if (parts.length === 0) {
    return {
      ok: false,
      error: {
        code: 'grant_required',
        message: `grants に ${PRODUCTS.join(', ')} のどれか(カンマ区切りで複数可)を指定してください。`,
      },
    };
  }
  const unknown = parts.filter((part) => !PRODUCTS.includes(part as Product));
  if (unknown.length > 0) {
    return {
      ok: false,
      error: {
        code: 'grant_unknown',
        message: `grants に指定できるのは ${PRODUCTS.join(', ')} だけです。`,
      },
    };
  }
  return { ok: true, products: [...new Set(parts as Product[])] };
}

// #region grants
/** One grant per product; a product the service is not set up for is refused by name. */
export function buildGrant(
  product: Product,
  config: ServiceConfig,
  room: string | undefined,
): { ok: true; grant: Grant } | { ok: false; error: ApiError } {
  const { AccessToken } = Twilio.jwt;
  switch (product) {
    case 'voice':
      if (!config.twimlAppSid) return unavailable(product, 'TWIML_APP_SID');
      return {
        ok: true,
        grant: new AccessToken.VoiceGrant({
          outgoingApplicationSid: config.twimlAppSid,
          incomingAllow: true,
        }),
      };
    case 'video':
      // room を指定すると、そのルームにしか入れないトークンになる
      return { ok: true, grant: new AccessToken.VideoGrant(room ? { room } : {}) };
    case 'chat':
      if (!config.conversationsServiceSid) return unavailable(product, 'CONVERSATIONS_SERVICE_SID');
      return {
        ok: true,
        grant: new AccessToken.ChatGrant({ serviceSid: config.conversationsServiceSid }),
      };
    case 'sync':
      if (!config.syncServiceSid) return unavailable(product, 'SYNC_SERVICE_SID');
      return { ok: true, grant: new AccessToken.SyncGrant({ serviceSid: config.syncServiceSid }) };
  }
}
// #endregion grants

/** Room names follow the identity rule: they end up in URLs and logs. */
export function readRoom(
  raw: unknown,
): { ok: true; room: string | undefined } | { ok: false; error: ApiError } {
  if (raw === undefined || raw === '') return { ok: true, room: undefined };
  if (typeof raw === 'string' && IDENTITY_PATTERN.test(raw)) return { ok: true, room: raw };
  return {
    ok: false,
    error: {
      code: 'room_invalid',
      message: 'room は半角英数字と _ - . で 1〜64 文字にしてください。',
    },
  };
}

function unavailable(product: Product, variable: string): { ok: false; error: ApiError } {
  return {
    ok: false,
    error: {
      code: 'grant_unavailable',
      message: `このトークンサービスでは ${product} を発行できません(${variable} が未設定です)。`,
    },
  };
}
