import {
  type ApiError,
  type EnvVarName,
  findMissingEnv,
  missingEnvError,
  readAllowedOrigins,
  readSignalingHost,
  readTokenTtl,
} from '@kit/shared';

export type TokenEnv = {
  ACCOUNT_SID?: string;
  API_KEY?: string;
  API_SECRET?: string;
  TWIML_APP_SID?: string;
  TOKEN_TTL_SECONDS?: string;
  WORKSHOP_PASSCODE?: string;
  ALLOWED_ORIGINS?: string;
  EMULATOR_SIGNALING_HOST?: string;
};

export interface TokenConfig {
  accountSid: string;
  apiKey: string;
  apiSecret: string;
  twimlAppSid: string;
  ttlSeconds: number;
  /** Empty when the workshop runs without a passcode. */
  passcode: string;
  allowedOrigins: string[];
  /** Set only when running beside the local emulator (pnpm dev); empty in the cloud. */
  emulatorSignalingHost: string;
}

const REQUIRED: readonly EnvVarName[] = ['ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'TWIML_APP_SID'];

// #region read-config
/** Reads and checks the settings; a bad value is the operator's error, reported by name. */
export function readTokenConfig(
  env: TokenEnv,
): { ok: true; config: TokenConfig } | { ok: false; error: ApiError } {
  const missing = findMissingEnv(env, REQUIRED);
  if (missing.length > 0) return { ok: false, error: missingEnvError(missing) };
  const ttl = readTokenTtl(env.TOKEN_TTL_SECONDS);
  if (!ttl.ok) return ttl;
  const origins = readAllowedOrigins(env.ALLOWED_ORIGINS);
  if (!origins.ok) return origins;
  const signalingHost = readSignalingHost(env.EMULATOR_SIGNALING_HOST);
  if (!signalingHost.ok) return signalingHost;
  return {
    ok: true,
    config: {
      accountSid: env.ACCOUNT_SID ?? '',
      apiKey: env.API_KEY ?? '',
      apiSecret: env.API_SECRET ?? '',
      twimlAppSid: env.TWIML_APP_SID ?? '',
      ttlSeconds: ttl.value,
      passcode: env.WORKSHOP_PASSCODE ?? '',
      allowedOrigins: origins.value,
      emulatorSignalingHost: signalingHost.value,
    },
  };
}
// #endregion read-config
