import { join } from 'node:path';
import { readEnvFile } from '@kit/functions/env-file';
import { FUNCTIONS_PACKAGE_DIR } from '@kit/functions/steps-dir';
import { commandEnv, fail } from './output.js';

/**
 * The kit's one `.env`, at the repository root; KIT_ENV_FILE points elsewhere
 * (tests, a second account). Read per command, not at import: a test runs
 * several commands with different environments in one process.
 */
export function envFilePath(): string {
  return commandEnv().KIT_ENV_FILE ?? join(FUNCTIONS_PACKAGE_DIR, '../../.env');
}

export interface KitEnv {
  /** What `.env` holds (empty when there is no file). */
  file: Record<string, string>;
  /** `.env` overlaid by the process environment, as `pnpm dev:step` reads it. */
  merged: Record<string, string>;
}

export async function loadKitEnv(): Promise<KitEnv> {
  const file = (await readEnvFile(envFilePath())) ?? {};
  const merged: Record<string, string> = { ...file };
  for (const [name, value] of Object.entries(commandEnv())) {
    if (value !== undefined && value !== '') merged[name] = value;
  }
  return { file, merged };
}

/** The Functions service every step is deployed to (one environment per step). */
export const DEFAULT_SERVICE_NAME = 'browser-phone-kit';

/** Becomes part of every step's domain (`<name>-1234-step-04.twil.io`): lower-case letters, digits, hyphens. */
export function serviceName(env: Readonly<Record<string, string>>): string {
  const name = env.KIT_SERVICE_NAME ?? DEFAULT_SERVICE_NAME;
  if (!/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(name)) {
    fail(
      `KIT_SERVICE_NAME は英小文字・数字・ハイフンで 40 文字以内にしてください(ドメイン名の一部になります)。指定値: ${name}`,
      'KIT_SERVICE_NAME must be lower-case letters, digits and hyphens, at most 40 characters',
    );
  }
  return name;
}
