import { join } from 'node:path';
import { readEnvFile } from '@kit/functions/env-file';
import { FUNCTIONS_PACKAGE_DIR } from '@kit/functions/steps-dir';

/** The kit's one `.env`, at the repository root; KIT_ENV_FILE points elsewhere (tests, a second account). */
export const ENV_PATH = process.env.KIT_ENV_FILE ?? join(FUNCTIONS_PACKAGE_DIR, '../../.env');

export interface KitEnv {
  /** What `.env` holds (empty when there is no file). */
  file: Record<string, string>;
  /** `.env` overlaid by the process environment, as `pnpm dev:step` reads it. */
  merged: Record<string, string>;
}

export async function loadKitEnv(): Promise<KitEnv> {
  const file = (await readEnvFile(ENV_PATH)) ?? {};
  const merged: Record<string, string> = { ...file };
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && value !== '') merged[name] = value;
  }
  return { file, merged };
}

/** The Functions service every step is deployed to (one environment per step). */
export const DEFAULT_SERVICE_NAME = 'browser-phone-kit';

export function serviceName(env: Readonly<Record<string, string>>): string {
  return env.KIT_SERVICE_NAME ?? DEFAULT_SERVICE_NAME;
}
