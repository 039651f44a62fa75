import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPortNumber } from '../contract.js';
import { isValidIdentity } from '../identity.js';
import {
  checkDisplayName,
  checkHandMessage,
  checkRoomCredentials,
  checkRoomDirectory,
  isRoomHello,
  MEMBER_ID_PATTERN,
  MEMBER_TOKEN_PATTERN,
  type MediaProblemRequest,
  normalizeRoomCode,
  ROOM_PATHS,
  type RoomCredentials,
  type RoomDirectory,
  type RoomErrorCode,
  type StepReport,
} from '../room.js';

/**
 * The attendee's side of the room (教室モード), Node only: the membership a
 * `pnpm room:join` leaves in `.kit/room.json`, and every request the kit makes
 * to the instructor's room. Each request has a timeout and answers with a
 * result, never an exception: the room is a convenience, and a kit command
 * must work the same when the venue's network does not.
 */

/** What `pnpm room:join` stores (mode 0600): the token is the member's only credential. */
export interface Membership {
  /** The room's origin, `http://192.168.0.10:4600`. */
  roomUrl: string;
  memberId: string;
  token: string;
  name: string;
  /**
   * The Client identity the member owns in the room (their phone's name; a second
   * tab adds `-` and 1–8 letters or digits). Absent in a membership from before identities.
   */
  identity?: string;
  /** ISO time of the join. */
  joinedAt: string;
}

/** Tests (and an instructor's rehearsal) point the kit at another membership file. */
export const ROOM_FILE_ENV = 'KIT_ROOM_FILE';

/** The repository root: this file is `packages/shared/{src,dist}/node/room-client.*`. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** `.kit/room.json` under the repository root (git-ignored), or `KIT_ROOM_FILE`. */
export function roomFilePath(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const override = env[ROOM_FILE_ENV];
  return override !== undefined && override !== ''
    ? override
    : join(REPO_ROOT, '.kit', 'room.json');
}

/** The root package.json's version, or `0.0.0` when it has none (what a report says as kitVersion). */
export async function readKitVersion(): Promise<string> {
  const text = await readFile(join(REPO_ROOT, 'package.json'), 'utf8').catch(() => '{}');
  try {
    const { version } = JSON.parse(text) as { version?: unknown };
    if (typeof version === 'string' && /^[0-9A-Za-z.+-]{1,32}$/.test(version)) return version;
  } catch {
    // A broken package.json is not the room's business.
  }
  return KIT_VERSION_FALLBACK;
}
export const KIT_VERSION_FALLBACK = '0.0.0';

export type MembershipRead =
  | { kind: 'none' }
  | { kind: 'member'; membership: Membership }
  /** The file is there but is not a membership (edited by hand, cut short). */
  | { kind: 'invalid'; message: string };

function isMembership(value: unknown): value is Membership {
  if (typeof value !== 'object' || value === null) return false;
  const { roomUrl, memberId, token, name, joinedAt, identity } = value as Record<string, unknown>;
  return (
    (identity === undefined || isValidIdentity(identity)) &&
    typeof roomUrl === 'string' &&
    normalizeRoomUrl(roomUrl).ok &&
    typeof memberId === 'string' &&
    MEMBER_ID_PATTERN.test(memberId) &&
    typeof token === 'string' &&
    MEMBER_TOKEN_PATTERN.test(token) &&
    typeof name === 'string' &&
    typeof joinedAt === 'string'
  );
}

/** The membership in `file`: none, one, or a file that is not one. Never throws. */
export async function readMembership(file: string): Promise<MembershipRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'invalid', message: `${file} を読めません。` };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (isMembership(value)) {
      const { roomUrl, memberId, token, name, identity, joinedAt } = value;
      return {
        kind: 'member',
        membership: { roomUrl, memberId, token, name, ...(identity ? { identity } : {}), joinedAt },
      };
    }
  } catch {
    // Falls through: not JSON.
  }
  return { kind: 'invalid', message: `${file} は教室の参加情報として読めません。` };
}

/** Writes the membership atomically (a temporary file, then rename), readable by its owner only. */
export async function writeMembership(file: string, membership: Membership): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const { roomUrl, memberId, token, name, identity, joinedAt } = membership;
  const stored = { roomUrl, memberId, token, name, ...(identity ? { identity } : {}), joinedAt };
  try {
    await writeFile(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Removes the membership; true when there was one. Local only: the room is not told. */
export async function forgetMembership(file: string): Promise<boolean> {
  const existed = await readFile(file).then(
    () => true,
    () => false,
  );
  await rm(file, { force: true });
  return existed;
}

/**
 * The room's origin from what a user pastes: `http://192.168.0.10:4600/`,
 * `192.168.0.10:4600`, `https://room.example/board?x#y`. Only http and https;
 * no user name or password in it.
 */
export function normalizeRoomUrl(
  input: string,
): { ok: true; url: string } | { ok: false; message: string; english: string } {
  const trimmed = input.trim();
  const bad = {
    ok: false as const,
    message: `教室の URL として読めません: ${JSON.stringify(trimmed.slice(0, 80))}(例: http://192.168.0.10:4600)。`,
    english: 'not a room URL (e.g. http://192.168.0.10:4600)',
  };
  if (trimmed === '' || trimmed.length > 2048) return bad;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return bad;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      message: `教室の URL は http:// か https:// で始まります(指定値: ${url.protocol})。`,
      english: 'the room URL must be http:// or https://',
    };
  }
  if (url.username !== '' || url.password !== '' || url.hostname === '') return bad;
  return { ok: true, url: url.origin };
}

/** Why a request to the room did not do what was asked. */
export type RoomFailureReason =
  /** The URL is not http(s), or a value was refused here before sending (name, message, code). */
  | 'invalid'
  /** No connection (wrong address, room not started, another network). */
  | 'unreachable'
  /** No answer within the time limit. */
  | 'timeout'
  /** Something answered, but not a kit room (or a room speaking another API version). */
  | 'not_a_room'
  /** The room answered with its own error (`code`, and its Japanese `message`). */
  | 'refused'
  /** The room answered something the kit does not understand. */
  | 'unexpected';

export interface RoomFailure {
  ok: false;
  reason: RoomFailureReason;
  /** Japanese, for the user: the room's own message when it refused. */
  message: string;
  english: string;
  /** The HTTP status, when the room answered. */
  status?: number;
  /** The room's error code, when it refused. */
  code?: RoomErrorCode;
}

export type RoomResult<T extends object = object> = ({ ok: true } & T) | RoomFailure;

export const ROOM_HELLO_TIMEOUT_MS = 3_000;
export const ROOM_REQUEST_TIMEOUT_MS = 5_000;
export const ROOM_REPORT_TIMEOUT_MS = 1_000;
/** Shorter than the phone's refresh (every 5 s): a slow answer must not pile up requests. */
export const ROOM_DIRECTORY_TIMEOUT_MS = 3_000;

export interface RequestOptions {
  timeoutMs?: number;
}

interface Answer {
  status: number;
  body: unknown;
}

function failure(
  reason: RoomFailureReason,
  message: string,
  english: string,
  extra: { status?: number; code?: RoomErrorCode } = {},
): RoomFailure {
  return { ok: false, reason, message, english, ...extra };
}

/** One request to the room: its status and JSON body (null when not JSON), or why there is none. */
async function request(
  roomUrl: string,
  path: string,
  init: { method: 'GET' | 'POST' | 'DELETE'; token?: string; body?: unknown; timeoutMs: number },
): Promise<RoomResult<{ answer: Answer }>> {
  const origin = normalizeRoomUrl(roomUrl);
  if (!origin.ok) return failure('invalid', origin.message, origin.english);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(`${origin.url}${path}`, {
      method: init.method,
      headers,
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      // A redirect would carry the token elsewhere: the room never sends one.
      redirect: 'manual',
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    return { ok: true, answer: { status: response.status, body } };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return failure(
        'timeout',
        `教室(${origin.url})から ${(init.timeoutMs / 1000).toLocaleString('ja-JP')} 秒以内に応答がありません。`,
        `no answer from ${origin.url} within ${init.timeoutMs} ms`,
      );
    }
    return failure(
      'unreachable',
      `教室(${origin.url})に接続できません。URL と、同じネットワークにいるかを確認してください。`,
      `cannot connect to ${origin.url}`,
    );
  }
}

/** The room's `{ error: { code, message } }` as a refusal, or a plain "unexpected answer". */
function refusal(answer: Answer): RoomFailure {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return failure(
      'refused',
      error.message.slice(0, 300),
      `the room refused: ${error.code} (HTTP ${answer.status})`,
      {
        status: answer.status,
        code: error.code as RoomErrorCode,
      },
    );
  }
  return failure(
    'unexpected',
    `教室から予期しない応答がありました(HTTP ${answer.status})。`,
    `unexpected answer from the room (HTTP ${answer.status})`,
    { status: answer.status },
  );
}

/** GET /api/room: is a kit room (API version 1) answering at `url`? `url` comes back normalised. */
export async function roomHello(
  url: string,
  timeoutMs: number = ROOM_HELLO_TIMEOUT_MS,
): Promise<RoomResult<{ url: string; phonesPort: number | null }>> {
  const origin = normalizeRoomUrl(url);
  if (!origin.ok) return failure('invalid', origin.message, origin.english);
  const result = await request(origin.url, ROOM_PATHS.hello, { method: 'GET', timeoutMs });
  if (!result.ok) return result;
  const { answer } = result;
  if (answer.status === 200 && isRoomHello(answer.body)) {
    const port = answer.body.phonesPort;
    return { ok: true, url: origin.url, phonesPort: isPortNumber(port) ? port : null };
  }
  const kind = (answer.body as { kind?: unknown } | null)?.kind;
  if (answer.status === 200 && kind === 'kit-room') {
    return failure(
      'not_a_room',
      '教室のサーバーとキットの版が合いません。講師に知らせてください(キットを更新する必要があるかもしれません)。',
      'the room speaks another API version than this kit',
      { status: answer.status },
    );
  }
  return failure(
    'not_a_room',
    `${origin.url} は教室のサーバーではないようです。講師が示した URL を確認してください。`,
    `${origin.url} does not answer as a kit room`,
    { status: answer.status },
  );
}

/**
 * POST /api/join: the name and code are checked here first (the room checks
 * them again); on 201 the membership to store, with the room's own form of the
 * name, and the credentials the room gave (null from a room that gives none).
 */
export async function joinRoom(
  url: string,
  code: string,
  name: string,
  {
    timeoutMs = ROOM_REQUEST_TIMEOUT_MS,
    identity,
  }: RequestOptions & {
    /** The identity to own; omitted, the room takes the display name when it fits the rule. */
    identity?: string;
  } = {},
): Promise<RoomResult<{ membership: Membership; credentials: RoomCredentials | null }>> {
  const origin = normalizeRoomUrl(url);
  if (!origin.ok) return failure('invalid', origin.message, origin.english);
  const checkedName = checkDisplayName(name);
  if (!checkedName.ok) {
    return failure('invalid', checkedName.error.error.message, 'the display name is not valid', {
      code: 'name_invalid',
    });
  }
  const checkedCode = normalizeRoomCode(code);
  if (checkedCode === null) {
    return failure(
      'invalid',
      '参加コードは 6 文字です(例: KX3-4MP)。講師が示したコードを確認してください。',
      'a room code has 6 characters (e.g. KX3-4MP)',
      { code: 'code_invalid' },
    );
  }
  const result = await request(origin.url, ROOM_PATHS.join, {
    method: 'POST',
    body: {
      code: checkedCode,
      name: checkedName.value,
      ...(identity === undefined ? {} : { identity }),
    },
    timeoutMs,
  });
  if (!result.ok) return result;
  const { answer } = result;
  if (answer.status !== 201) return refusal(answer);
  const body = answer.body as Record<string, unknown> | null;
  const membership = {
    roomUrl: origin.url,
    memberId: body?.memberId,
    token: body?.token,
    name: typeof body?.name === 'string' ? body.name : checkedName.value,
    ...(isValidIdentity(body?.identity) ? { identity: body.identity } : {}),
    joinedAt: new Date().toISOString(),
  };
  if (!isMembership(membership)) {
    return failure(
      'unexpected',
      '教室の応答に参加情報がありません。',
      'the room answered without a membership',
      { status: answer.status },
    );
  }
  return { ok: true, membership, credentials: checkRoomCredentials(body?.credentials) };
}

/** GET /api/membership: does the room still know this member? (401 member_unknown: refused.) */
export async function checkMembership(
  membership: Membership,
  { timeoutMs = ROOM_REQUEST_TIMEOUT_MS }: RequestOptions = {},
): Promise<RoomResult<{ memberId: string; name: string }>> {
  const result = await request(membership.roomUrl, ROOM_PATHS.membership, {
    method: 'GET',
    token: membership.token,
    timeoutMs,
  });
  if (!result.ok) return result;
  const { answer } = result;
  if (answer.status !== 200) return refusal(answer);
  const { memberId, name } = (answer.body ?? {}) as Record<string, unknown>;
  if (typeof memberId !== 'string' || typeof name !== 'string') {
    return failure('unexpected', '教室の応答が読めません。', 'unreadable answer from the room', {
      status: answer.status,
    });
  }
  return { ok: true, memberId, name };
}

/** POST /api/report: one check's report (202), within `timeoutMs` (1 s by default). */
export async function sendReport(
  membership: Membership,
  report: StepReport,
  { timeoutMs = ROOM_REPORT_TIMEOUT_MS }: RequestOptions = {},
): Promise<RoomResult> {
  const result = await request(membership.roomUrl, ROOM_PATHS.report, {
    method: 'POST',
    token: membership.token,
    body: report,
    timeoutMs,
  });
  if (!result.ok) return result;
  return result.answer.status === 202 ? { ok: true } : refusal(result.answer);
}

/** POST /api/hand: raises the hand, with a message (checked here first; '' for none). */
export async function raiseHand(
  membership: Membership,
  message: string,
  { timeoutMs = ROOM_REQUEST_TIMEOUT_MS }: RequestOptions = {},
): Promise<RoomResult> {
  const checked = checkHandMessage(message);
  if (!checked.ok) {
    return failure('invalid', checked.error.error.message, 'the message is not valid', {
      code: 'message_invalid',
    });
  }
  const result = await request(membership.roomUrl, ROOM_PATHS.hand, {
    method: 'POST',
    token: membership.token,
    body: checked.value === '' ? {} : { message: checked.value },
    timeoutMs,
  });
  if (!result.ok) return result;
  return result.answer.status === 200 ? { ok: true } : refusal(result.answer);
}

/** POST /api/media-problem: this member's phone had a call with `peer` whose media never connected. */
export async function reportMediaProblem(
  membership: Membership,
  peer: string,
  { timeoutMs = ROOM_REQUEST_TIMEOUT_MS }: RequestOptions = {},
): Promise<RoomResult> {
  if (!isValidIdentity(peer)) {
    return failure(
      'invalid',
      '相手の名前(identity)が正しくありません。',
      'the peer is not an identity',
      {
        code: 'identity_invalid',
      },
    );
  }
  const result = await request(membership.roomUrl, ROOM_PATHS.mediaProblem, {
    method: 'POST',
    token: membership.token,
    body: { peer } satisfies MediaProblemRequest,
    timeoutMs,
  });
  if (!result.ok) return result;
  return result.answer.status === 202 ? { ok: true } : refusal(result.answer);
}

/** DELETE /api/hand: lowers the hand. */
export async function lowerHand(
  membership: Membership,
  { timeoutMs = ROOM_REQUEST_TIMEOUT_MS }: RequestOptions = {},
): Promise<RoomResult> {
  const result = await request(membership.roomUrl, ROOM_PATHS.hand, {
    method: 'DELETE',
    token: membership.token,
    timeoutMs,
  });
  if (!result.ok) return result;
  return result.answer.status === 200 ? { ok: true } : refusal(result.answer);
}

/** GET /api/directory: the phones registered in the room now, checked as hostile (`checkRoomDirectory`). */
export async function fetchDirectory(
  membership: Membership,
  { timeoutMs = ROOM_DIRECTORY_TIMEOUT_MS }: RequestOptions = {},
): Promise<RoomResult<{ directory: RoomDirectory }>> {
  const result = await request(membership.roomUrl, ROOM_PATHS.directory, {
    method: 'GET',
    token: membership.token,
    timeoutMs,
  });
  if (!result.ok) return result;
  const { answer } = result;
  if (answer.status !== 200) return refusal(answer);
  const directory = checkRoomDirectory(answer.body);
  if (directory === null) {
    return failure(
      'unexpected',
      '教室の電話の一覧が読めません(教室から予期しない応答がありました)。',
      'unreadable directory from the room',
      { status: answer.status },
    );
  }
  return { ok: true, directory };
}
