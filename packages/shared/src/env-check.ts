import { ENV_VARS, type EnvVarName } from './env.js';
import type { ApiError } from './errors.js';

/**
 * Reading a step's settings: the Functions, the dev launcher, the deploy script
 * and the doctor all use these, so a bad value means the same thing everywhere.
 * Errors name the variable; they never repeat a value (it may be a secret).
 */
export type EnvRead<T> = { ok: true; value: T } | { ok: false; error: ApiError };

type EnvSource = Readonly<Record<string, unknown>>;

/** Names of the variables that are unset or blank. */
export function findMissingEnv(source: EnvSource, names: readonly EnvVarName[]): EnvVarName[] {
  return names.filter((name) => {
    const value = source[name];
    return typeof value !== 'string' || value.trim() === '';
  });
}

export function missingEnvError(missing: readonly EnvVarName[]): ApiError {
  return {
    code: 'config_missing',
    message: `環境変数 ${missing.join(', ')} が設定されていません。.env(または Console の Environment Variables)に設定してください。`,
  };
}

/** `TOKEN_TTL_SECONDS`: unset means the default; anything else must be a whole number in range. */
export function readTokenTtl(raw: unknown): EnvRead<number> {
  const spec = ENV_VARS.TOKEN_TTL_SECONDS.shape;
  if (spec.kind !== 'seconds') throw new Error('TOKEN_TTL_SECONDS must be described as seconds');
  if (raw === undefined || raw === '') return { ok: true, value: spec.default };
  const text = typeof raw === 'string' ? raw.trim() : '';
  const value = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= spec.min && value <= spec.max)) {
    return {
      ok: false,
      error: {
        code: 'config_invalid',
        message: `TOKEN_TTL_SECONDS は ${spec.min}〜${spec.max} の整数(秒)で指定してください。`,
      },
    };
  }
  return { ok: true, value };
}

/**
 * `ALLOWED_ORIGINS`: a comma-separated list of exact origins (`https://example.com`).
 * A wildcard is refused: the token endpoint must name who may read its answer.
 */
export function readAllowedOrigins(raw: unknown): EnvRead<string[]> {
  if (raw === undefined || raw === '') return { ok: true, value: [] };
  const entries = typeof raw === 'string' ? raw.split(',').map((entry) => entry.trim()) : [''];
  const origins: string[] = [];
  for (const entry of entries) {
    if (!isExactOrigin(entry)) {
      return {
        ok: false,
        error: {
          code: 'config_invalid',
          message:
            'ALLOWED_ORIGINS は https://example.com のようなオリジンをカンマ区切りで指定してください(* やパスは使えません)。',
        },
      };
    }
    origins.push(entry);
  }
  return { ok: true, value: origins };
}

function isExactOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === entry;
  } catch {
    return false;
  }
}
