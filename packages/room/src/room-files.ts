import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatRoomCode, ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH } from '@kit/shared/room';
import { EventLog, readLog, syncDirectory } from './event-log.js';
import { EMPTY_ROOM, type RoomState, replay } from './state.js';

/**
 * The room being run, in `dataDir`: the log and, beside it, `current.key` (mode 600):
 * the instructor key on its first line, the room secret (from which the room's
 * account and each member's API key secret are derived) on its second.
 */
export const LOG_FILE = 'current.jsonl';
export const KEY_FILE = 'current.key';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** 32 random bytes, base64url: a member token or the instructor key. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function generateRoomCode(): string {
  let code = '';
  for (let i = 0; i < ROOM_CODE_LENGTH; i += 1)
    code += ROOM_CODE_ALPHABET[randomInt(ROOM_CODE_ALPHABET.length)];
  return code;
}

/** A start the room refuses, said in Japanese for the instructor's terminal. */
export class RoomStartError extends Error {
  override name = 'RoomStartError';
}

export interface OpenedRoom {
  log: EventLog;
  state: RoomState;
  instructorKey: string;
  /** Never leaves the room: the account's auth token and members' key secrets are derived from it. */
  roomSecret: string;
  resumed: boolean;
  /** Where an earlier room's files went (`--new`, or a log without a room in it). */
  archived: string[];
  warnings: string[];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** `current.*` → `room-20250601T013000Z-KX34MP.*`: kept, never deleted. */
async function archiveCurrent(dataDir: string, code: string, now: number): Promise<string[]> {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let base = `room-${stamp}-${code}`;
  for (let n = 2; await exists(join(dataDir, `${base}.jsonl`)); n += 1)
    base = `room-${stamp}-${code}-${n}`;
  const moved: string[] = [];
  for (const [from, ext] of [
    [LOG_FILE, 'jsonl'],
    [KEY_FILE, 'key'],
  ] as const) {
    if (!(await exists(join(dataDir, from)))) continue;
    await rename(join(dataDir, from), join(dataDir, `${base}.${ext}`));
    moved.push(`${base}.${ext}`);
  }
  await syncDirectory(dataDir);
  return moved;
}

async function writeKeyFile(path: string, key: string, roomSecret: string): Promise<void> {
  // A temporary file, then rename: a crash never leaves a key file without the instructor key.
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(`${key}\n${roomSecret}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

export interface OpenRoomOptions {
  dataDir: string;
  code?: string | undefined;
  fresh?: boolean | undefined;
  now: () => number;
}

/**
 * Resumes the room in `dataDir` from its log, or starts one: `fresh` archives
 * the current room first. A fixed `code` must match a resumed room's code.
 */
export async function openRoom(options: OpenRoomOptions): Promise<OpenedRoom> {
  const { dataDir, now } = options;
  await mkdir(dataDir, { recursive: true });
  const logPath = join(dataDir, LOG_FILE);
  const keyPath = join(dataDir, KEY_FILE);
  const archived: string[] = [];
  let read = await readLog(logPath);
  let state = replay(read.events);
  const warnings = [...read.warnings];

  const hasRoom = state.code !== null && state.instructorKeyHash !== null;
  if (options.fresh || (!hasRoom && (await exists(logPath)))) {
    if (!hasRoom && !options.fresh && read.events.length + read.warnings.length > 0)
      warnings.push('イベントログに教室の作成記録がないため、ログを保管して新しい教室を始めます。');
    archived.push(...(await archiveCurrent(dataDir, state.code ?? 'NOCODE', now())));
    read = { events: [], warnings: [], endsClean: true };
    state = EMPTY_ROOM;
  }

  if (state.code !== null && state.instructorKeyHash !== null) {
    if (options.code !== undefined && options.code !== state.code) {
      throw new RoomStartError(
        `この教室フォルダーの教室コードは ${formatRoomCode(state.code)} です。別のコード(${formatRoomCode(options.code)})で始めるには --new を付けてください(今のログは保管されます)。`,
      );
    }
    const [instructorKey = '', storedSecret = ''] = await readFile(keyPath, 'utf8').then(
      (text) => text.split('\n').map((line) => line.trim()),
      () => [],
    );
    if (sha256Hex(instructorKey) !== state.instructorKeyHash) {
      throw new RoomStartError(
        `講師キーのファイル ${keyPath} が見つからないか、ログと合いません。続きから再開できないので、--new で新しい教室を始めてください(今のログは保管されます)。`,
      );
    }
    // A room from before the room secret existed gets one now (none of its members has a key yet).
    let roomSecret = storedSecret;
    if (roomSecret === '') {
      roomSecret = randomSecret();
      await writeKeyFile(keyPath, instructorKey, roomSecret);
      await syncDirectory(dataDir);
    }
    const log = await EventLog.open(logPath, {
      lastSeq: state.lastSeq,
      endsClean: read.endsClean,
      now,
    });
    return { log, state, instructorKey, roomSecret, resumed: true, archived, warnings };
  }

  const instructorKey = randomSecret();
  const roomSecret = randomSecret();
  const code = options.code ?? generateRoomCode();
  await writeKeyFile(keyPath, instructorKey, roomSecret);
  const log = await EventLog.open(logPath, { lastSeq: 0, endsClean: true, now });
  await syncDirectory(dataDir);
  try {
    const created = await log.append({
      type: 'room-created',
      code,
      instructorKeyHash: sha256Hex(instructorKey),
    });
    state = replay([created]);
  } catch (error) {
    await log.close().catch(() => undefined);
    throw error;
  }
  return { log, state, instructorKey, roomSecret, resumed: false, archived, warnings };
}
