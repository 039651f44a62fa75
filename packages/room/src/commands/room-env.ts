import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ROOM_CREDENTIAL_KEYS, type RoomCredentials } from '@kit/shared/room';

/**
 * The room's credentials in the attendee's `.env`: `pnpm room:join` puts the
 * five values the room gave in place of the file's own (every other line,
 * comment and blank kept as it was), after saving those five lines as they
 * were (or their absence) in a backup beside the membership file (mode 600:
 * it may hold a real account's secrets, as `.env` itself does).
 * `pnpm room:leave` puts exactly those lines back and deletes the backup.
 */

type Key = (typeof ROOM_CREDENTIAL_KEYS)[number];

export interface EnvBackup {
  version: 1;
  /** The `.env` the join changed: the leave restores that one, whatever KIT_ENV_FILE says then. */
  envFile: string;
  /** False when the join created the file: the leave removes it again if nothing else is left. */
  existed: boolean;
  /** Each key's lines as they were, byte for byte (`[]`: the key was not there). */
  lines: Record<Key, string[]>;
}

/** `.kit/room-env-backup.json`, beside the membership file `.kit/room.json` (named after it). */
export function envBackupPath(membershipFile: string): string {
  return join(dirname(membershipFile), `${basename(membershipFile, '.json')}-env-backup.json`);
}

function definesKey(line: string, key: string): boolean {
  return new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=`).test(line);
}

function indicesOf(lines: readonly string[], key: string): number[] {
  return lines.flatMap((line, index) => (definesKey(line, key) ? [index] : []));
}

/** Adds lines at the end, before the final newline (the file keeps ending with one). */
function append(lines: string[], added: readonly string[]): void {
  if (added.length === 0) return;
  if (lines.length === 1 && lines[0] === '') lines.splice(0, 1, ...added, '');
  else if (lines.at(-1) === '') lines.splice(lines.length - 1, 0, ...added);
  else lines.push(...added, '');
}

/** Puts `replacement` where the key's first line is, removing its other lines; appends when it has none. */
function replaceKey(lines: string[], key: string, replacement: readonly string[]): void {
  const [first, ...others] = indicesOf(lines, key);
  for (const index of others.reverse()) lines.splice(index, 1);
  if (first === undefined) append(lines, replacement);
  else lines.splice(first, 1, ...replacement);
}

/** The text with the room's values, and the five keys' lines as they were. */
export function withRoomCredentials(
  text: string,
  credentials: RoomCredentials,
): { text: string; previous: Record<Key, string[]> } {
  const crlf = text.includes('\r\n');
  const lines = text.split('\n');
  const previous = {} as Record<Key, string[]>;
  for (const key of ROOM_CREDENTIAL_KEYS) {
    const found = indicesOf(lines, key);
    previous[key] = found.map((index) => lines[index] ?? '');
    const first = found[0] === undefined ? undefined : lines[found[0]];
    const eol = (first === undefined ? crlf : first.endsWith('\r')) ? '\r' : '';
    replaceKey(lines, key, [`${key}=${credentials[key]}${eol}`]);
  }
  return { text: lines.join('\n'), previous };
}

/** The text with the five keys' lines as the backup has them (a key that was absent is removed). */
export function withPreviousLines(text: string, previous: Record<Key, string[]>): string {
  const lines = text.split('\n');
  for (const key of ROOM_CREDENTIAL_KEYS) replaceKey(lines, key, previous[key] ?? []);
  return lines.length === 1 && lines[0] === '' ? '' : lines.join('\n');
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function readBackup(file: string): Promise<EnvBackup | null> {
  const text = await readText(file);
  if (text === null) return null;
  const value = JSON.parse(text) as Partial<EnvBackup>;
  if (value.version !== 1 || typeof value.envFile !== 'string' || typeof value.lines !== 'object')
    throw new Error(`${file} を読めません。`);
  return value as EnvBackup;
}

/**
 * Writes the room's values into `envFile`, saving the lines they replace in
 * `backupFile` first. A backup already there (a join after a join without a
 * leave) is kept: it holds the values from before the room.
 */
export async function applyRoomCredentials(
  envFile: string,
  backupFile: string,
  credentials: RoomCredentials,
): Promise<void> {
  const before = await readText(envFile);
  const { text, previous } = withRoomCredentials(before ?? '', credentials);
  if ((await readBackup(backupFile)) === null) {
    const backup: EnvBackup = { version: 1, envFile, existed: before !== null, lines: previous };
    await mkdir(dirname(backupFile), { recursive: true, mode: 0o700 });
    await writeFile(backupFile, `${JSON.stringify(backup, null, 2)}\n`, { mode: 0o600 });
  }
  await writeFile(envFile, text, { mode: 0o600 });
}

/** Puts the saved lines back and deletes the backup; null when there was no backup. */
export async function restoreEnv(backupFile: string): Promise<{ envFile: string } | null> {
  const backup = await readBackup(backupFile);
  if (backup === null) return null;
  const current = (await readText(backup.envFile)) ?? '';
  const restored = withPreviousLines(current, backup.lines);
  if (restored === '' && !backup.existed) await rm(backup.envFile, { force: true });
  else await writeFile(backup.envFile, restored, { mode: 0o600 });
  await rm(backupFile, { force: true });
  return { envFile: backup.envFile };
}
