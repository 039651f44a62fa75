import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLocalCredentials, type LocalCredentials } from '@kit/functions/local-env';

export interface EnvFixture {
  dir: string;
  envPath: string;
  credentials: LocalCredentials;
  /** Secret values the output must never show. */
  secrets: string[];
  close(): Promise<void>;
}

/**
 * A scratch folder with a `.env` of fresh local (fake) credentials, changed by
 * `edit` line by line, the way a learner's copy-and-paste would change it.
 */
export async function envFixture(
  edit: (lines: string[], credentials: LocalCredentials) => string[] = (lines) => lines,
  options: { eol?: string; prefix?: string } = {},
): Promise<EnvFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'kit-doctor-'));
  const envPath = join(dir, '.env');
  const credentials = generateLocalCredentials();
  const lines = Object.entries(credentials).map(([name, value]) => `${name}=${value}`);
  const text = edit(['# テスト用', ...lines], credentials).join(options.eol ?? '\n');
  await writeFile(envPath, `${options.prefix ?? ''}${text}${options.eol ?? '\n'}`);
  return {
    dir,
    envPath,
    credentials,
    secrets: [credentials.AUTH_TOKEN, credentials.API_SECRET],
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
