import {
  type ApiError,
  type EnvVarName,
  findMissingEnv,
  missingEnvError,
  readAllowedOrigins,
  readTokenTtl,
} from '@kit/shared';

export type ServiceEnv = {
  ACCOUNT_SID?: string;
  API_KEY?: string;
  API_SECRET?: string;
  TWIML_APP_SID?: string;
  CONVERSATIONS_SERVICE_SID?: string;
  SYNC_SERVICE_SID?: string;
  TOKEN_TTL_SECONDS?: string;
  WORKSHOP_PASSCODE?: string;
  ALLOWED_ORIGINS?: string;
};

export interface ServiceConfig {
  accountSid: string;
  apiKey: string;
  apiSecret: string;
  /** Each product's SID; empty when the service does not offer that product. */
  twimlAppSid: string;
  conversationsServiceSid: string;
  syncServiceSid: string;
  ttlSeconds: number;
  passcode: string;
  allowedOrigins: string[];
}

const REQUIRED: readonly EnvVarName[] = ['ACCOUNT_SID', 'API_KEY', 'API_SECRET'];

export function readServiceConfig(
  env: ServiceEnv,
): { ok: true; config: ServiceConfig } | { ok: false; error: ApiError } {
  const missing = findMissingEnv(env, REQUIRED);
  if (missing.length > 0) return { ok: false, error: missingEnvError(missing) };
  const ttl = readTokenTtl(env.TOKEN_TTL_SECONDS);
  if (!ttl.ok) return ttl;
  const origins = readAllowedOrigins(env.ALLOWED_ORIGINS);
  if (!origins.ok) return origins;
  return {
    ok: true,
    config: {
      accountSid: env.ACCOUNT_SID ?? '',
      apiKey: env.API_KEY ?? '',
      apiSecret: env.API_SECRET ?? '',
      twimlAppSid: env.TWIML_APP_SID ?? '',
      conversationsServiceSid: env.CONVERSATIONS_SERVICE_SID ?? '',
      syncServiceSid: env.SYNC_SERVICE_SID ?? '',
      ttlSeconds: ttl.value,
      passcode: env.WORKSHOP_PASSCODE ?? '',
      allowedOrigins: origins.value,
    },
  };
}
