import { readFile, writeFile } from 'node:fs/promises';
import { ENV_VARS } from '@kit/shared';
import type { LocalCredentials } from './local-env.js';

/**
 * The kit's one `.env` (at the repository root) holds the settings of every
 * step; each step's Functions see only the variables the catalog gives it.
 */
export async function readEnvFile(path: string): Promise<Record<string, string> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseEnv(text);
}

/** `KEY=value` lines; `#` comments and blank lines ignored; one pair of surrounding quotes removed. */
export function parseEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rawValue = ''] = match;
    if (key === undefined) continue;
    const quoted = /^(['"])(.*)\1$/.exec(rawValue);
    values[key] = quoted ? (quoted[2] ?? '') : rawValue;
  }
  return values;
}

/**
 * Writes a `.env` for offline use. The `wx` flag makes this fail if the file
 * exists, so an existing `.env` (perhaps with real credentials) is never overwritten.
 */
export async function writeLocalEnvFile(
  path: string,
  credentials: LocalCredentials,
): Promise<boolean> {
  const lines = [
    '# pnpm dev が作成したローカル専用の設定です(偽の SID とランダムなシークレット)。',
    '# Twilio では使えません。本物のアカウントで動かすときは、各値を Console で確認した値に書き換えます。',
    '',
    ...Object.entries(credentials).flatMap(([name, value]) => [
      `# ${ENV_VARS[name as keyof LocalCredentials].description}`,
      `${name}=${value}`,
    ]),
    '',
  ];
  try {
    await writeFile(path, lines.join('\n'), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
