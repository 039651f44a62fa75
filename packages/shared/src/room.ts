import { isValidIdentity } from './identity.js';

/**
 * The room's contract (教室モード): what an attendee's kit sends to the
 * instructor's room, what the room answers, and the rules every field follows.
 * Shared by the room server, `pnpm room:join` / `room:help` / `step:check`
 * (the attendee side), the doctor and the board. Browser-safe: no Node imports.
 *
 * Everything here crosses the venue's network: the room treats each byte as
 * hostile, and an attendee's kit sends nothing beyond these fields (never code,
 * paths, `.env` values or secrets).
 */

/** Room codes read aloud: no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V). */
export const ROOM_CODE_ALPHABET = 'ACDEFHJKMNPRTWXY34679';
export const ROOM_CODE_LENGTH = 6;

/**
 * A code as typed (`kx3-4mp`, ` KX3 4MP `) in its stored form (`KX34MP`), or null
 * when it cannot be a room code. Look-alikes are not mapped: a code with `0` is wrong.
 */
export function normalizeRoomCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== ROOM_CODE_LENGTH) return null;
  for (const char of code) if (!ROOM_CODE_ALPHABET.includes(char)) return null;
  return code;
}

/** `KX34MP` → `KX3-4MP`: two halves, easier to read aloud and to type. */
export function formatRoomCode(code: string): string {
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)}-${code.slice(half)}`;
}

export const DISPLAY_NAME_MAX_LENGTH = 32;
export const HAND_MESSAGE_MAX_LENGTH = 140;
/** At most this many stages in one report (a step has about ten). */
export const REPORT_MAX_STAGES = 40;
/** The largest request body the room reads, in bytes; anything larger is 413. */
export const ROOM_BODY_MAX_BYTES = 8 * 1024;

/** A stage id as the pages number them: `3-4`. */
export const STAGE_ID_PATTERN = /^[1-9]\d?-[1-9]\d?$/;

/** Page order of stage ids: `3-10` after `3-9`, step 3's after step 2's. */
export function compareStageIds(a: string, b: string): number {
  const [aStep = 0, aStage = 0] = a.split('-').map(Number);
  const [bStep = 0, bStage = 0] = b.split('-').map(Number);
  return aStep - bStep || aStage - bStage;
}
/** A hint's id: `stage:3-4`, `callback`, `exception`, `file-name`, `build`. */
export const HINT_ID_PATTERN = /^[a-z][a-z0-9:.-]{0,63}$/;
export const KIT_VERSION_PATTERN = /^[0-9A-Za-z.+-]{1,32}$/;
/** Member ids are the room's own (`m-` and 16 hex digits); tokens are 32 random bytes, base64url. */
export const MEMBER_ID_PATTERN = /^m-[0-9a-f]{16}$/;
export const MEMBER_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type RoomErrorCode =
  | 'body_invalid'
  | 'body_too_large'
  | 'name_invalid'
  /** A display name that is no identity (Japanese) and no identity given, or an identity the rule refuses. */
  | 'identity_required'
  | 'identity_invalid'
  /** The identity, or a second tab's name of it, belongs to another member of the room. */
  | 'identity_taken'
  | 'message_invalid'
  | 'code_invalid'
  | 'code_wrong'
  | 'too_many_attempts'
  | 'room_full'
  | 'member_unknown'
  /** The instructor removed this member from the board (退室させる): their token and key no longer work. */
  | 'member_revoked'
  | 'instructor_key_required'
  | 'report_invalid'
  | 'not_found'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  /** A Host header that names neither the room's address nor loopback (a DNS rebinding page). */
  | 'host_not_allowed'
  /** The room's own fault (its disk, a bug): JSON all the same, never a stack. */
  | 'internal_error';

/** `{ error: { code, message } }`, as the kit's other HTTP errors: English code, Japanese message. */
export interface RoomErrorBody {
  error: { code: RoomErrorCode; message: string };
}

export function roomError(code: RoomErrorCode, message: string): RoomErrorBody {
  return { error: { code, message } };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: RoomErrorBody };

const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u2028\u2029]/u;

function checkText(
  value: unknown,
  max: number,
  code: 'name_invalid' | 'message_invalid',
  what: string,
  allowEmpty: boolean,
): Checked<string> {
  if (typeof value !== 'string') {
    return { ok: false, error: roomError(code, `${what}を文字列で指定してください。`) };
  }
  const text = value.normalize('NFC').trim();
  const length = [...text].length;
  if (!allowEmpty && length === 0) {
    return {
      ok: false,
      error: roomError(code, `${what}が空です。1〜${max} 文字で指定してください。`),
    };
  }
  if (length > max) {
    return { ok: false, error: roomError(code, `${what}が長すぎます(${max} 文字まで)。`) };
  }
  if (CONTROL_OR_FORMAT.test(text)) {
    return {
      ok: false,
      error: roomError(code, `${what}に制御文字や見えない文字は使えません。`),
    };
  }
  return { ok: true, value: text };
}

/** A display name: 1–32 characters (Japanese welcome), no control or invisible characters. */
export function checkDisplayName(value: unknown): Checked<string> {
  return checkText(value, DISPLAY_NAME_MAX_LENGTH, 'name_invalid', '表示名', false);
}

/** A raised hand's message: optional (empty), at most 140 characters, same rules as names. */
export function checkHandMessage(value: unknown): Checked<string> {
  if (value === undefined) return { ok: true, value: '' };
  return checkText(value, HAND_MESSAGE_MAX_LENGTH, 'message_invalid', 'メッセージ', true);
}

/** POST /api/join */
export interface JoinRequest {
  code: string;
  name: string;
  /**
   * The Client identity the member will call and be called by (the identity rule of
   * @kit/shared). Optional when the display name itself fits the rule (`sakura`);
   * a Japanese display name needs one.
   */
  identity?: string;
}
/**
 * What the room gives each member at the join: what an instructor would create
 * for them in a real account. Every SID is visibly fake (`FAKE_SID_MARK`): the
 * values work with the room only, never with Twilio.
 */
export interface RoomCredentials {
  /** The room's account (`AC…`), the same for every member. */
  ACCOUNT_SID: string;
  /** The auth token the room signs webhooks with, the same for every member. */
  AUTH_TOKEN: string;
  /** The member's own API key (`SK…`). */
  API_KEY: string;
  API_SECRET: string;
  /** The member's own TwiML App (`AP…`). */
  TWIML_APP_SID: string;
}

/** The `.env` keys a join writes, in the order the kit's `.env` lists them. */
export const ROOM_CREDENTIAL_KEYS = [
  'ACCOUNT_SID',
  'AUTH_TOKEN',
  'API_KEY',
  'API_SECRET',
  'TWIML_APP_SID',
] as const satisfies readonly (keyof RoomCredentials)[];

const CREDENTIAL_PATTERNS: Record<keyof RoomCredentials, RegExp> = {
  ACCOUNT_SID: /^AC[0-9a-f]{32}$/,
  AUTH_TOKEN: /^[0-9a-f]{32}$/,
  API_KEY: /^SK[0-9a-f]{32}$/,
  API_SECRET: /^[0-9a-f]{32}$/,
  TWIML_APP_SID: /^AP[0-9a-f]{32}$/,
};

/** The five values as the room sends them, or null (a value a `.env` line could not hold is refused). */
export function checkRoomCredentials(value: unknown): RoomCredentials | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const credentials: Partial<RoomCredentials> = {};
  for (const key of ROOM_CREDENTIAL_KEYS) {
    const field = record[key];
    if (typeof field !== 'string' || !CREDENTIAL_PATTERNS[key].test(field)) return null;
    credentials[key] = field;
  }
  return credentials as RoomCredentials;
}

/** 201 from POST /api/join: the member's id, the token its later requests carry, and its credentials. */
export interface JoinResponse {
  memberId: string;
  token: string;
  name: string;
  /** The identity the member owns: their phone registers as it, or as it plus `-` and 1–8 letters or digits in a second tab. */
  identity: string;
  credentials: RoomCredentials;
}

/** One stage of the step, as the check saw it. */
export interface StageOutcome {
  id: string;
  passed: boolean;
}

/**
 * What `step:check` sends after a check (POST /api/report, `Authorization: Bearer
 * <token>`), and nothing else: the room refuses a report with any other field.
 */
export interface StepReport {
  step: number;
  /** Every stage of the step, in the page's order. */
  stages: StageOutcome[];
  /** The first stage that failed, or null when the check passed. */
  failingStage: string | null;
  /** The id of the hint the check printed first, or null. */
  hintId: string | null;
  passed: boolean;
  durationMs: number;
  kitVersion: string;
}

export const STEP_REPORT_FIELDS = [
  'step',
  'stages',
  'failingStage',
  'hintId',
  'passed',
  'durationMs',
  'kitVersion',
] as const satisfies readonly (keyof StepReport)[];

function reportInvalid(message: string): { ok: false; error: RoomErrorBody } {
  return { ok: false, error: roomError('report_invalid', message) };
}

/** A report exactly as the contract says, or why not (`maxStep`: the catalog's last step). */
export function checkStepReport(value: unknown, maxStep: number): Checked<StepReport> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reportInvalid('報告は JSON のオブジェクトで送ってください。');
  }
  const body = value as Record<string, unknown>;
  const extra = Object.keys(body).filter(
    (key) => !(STEP_REPORT_FIELDS as readonly string[]).includes(key),
  );
  if (extra.length > 0)
    return reportInvalid(`報告に決められていない項目があります(${extra.length} 個)。`);
  const { step, stages, failingStage, hintId, passed, durationMs, kitVersion } = body;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1 || step > maxStep) {
    return reportInvalid(`step は 1〜${maxStep} の整数です。`);
  }
  if (!Array.isArray(stages) || stages.length > REPORT_MAX_STAGES) {
    return reportInvalid(`stages は ${REPORT_MAX_STAGES} 個までの配列です。`);
  }
  const outcomes: StageOutcome[] = [];
  for (const stage of stages) {
    if (typeof stage !== 'object' || stage === null)
      return reportInvalid('stages の要素が不正です。');
    const { id, passed: stagePassed, ...rest } = stage as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return reportInvalid('stages の要素に余分な項目があります。');
    if (typeof id !== 'string' || !STAGE_ID_PATTERN.test(id) || typeof stagePassed !== 'boolean') {
      return reportInvalid('stages の要素は { id: "3-4", passed: true } の形です。');
    }
    if (!id.startsWith(`${step}-`))
      return reportInvalid(`段階 ${id} は手順${step} のものではありません。`);
    outcomes.push({ id, passed: stagePassed });
  }
  if (
    failingStage !== null &&
    (typeof failingStage !== 'string' || !STAGE_ID_PATTERN.test(failingStage))
  ) {
    return reportInvalid('failingStage は "3-4" の形か null です。');
  }
  if (hintId !== null && (typeof hintId !== 'string' || !HINT_ID_PATTERN.test(hintId))) {
    return reportInvalid('hintId の形が不正です。');
  }
  if (typeof passed !== 'boolean') return reportInvalid('passed は true か false です。');
  if (
    typeof durationMs !== 'number' ||
    !Number.isInteger(durationMs) ||
    durationMs < 0 ||
    durationMs > 3_600_000
  ) {
    return reportInvalid('durationMs は 0〜3600000 の整数です。');
  }
  if (typeof kitVersion !== 'string' || !KIT_VERSION_PATTERN.test(kitVersion)) {
    return reportInvalid('kitVersion の形が不正です。');
  }
  return {
    ok: true,
    value: { step, stages: outcomes, failingStage, hintId, passed, durationMs, kitVersion },
  };
}

/** POST /api/media-problem: the member's phone could not connect media with `peer` (an identity). */
export interface MediaProblemRequest {
  peer: string;
}

/** POST /api/hand (raise, with an optional message); DELETE /api/hand lowers it. */
export interface HandRequest {
  message?: string;
}

/** GET /api/room: what any client may learn before joining (the join checks the room answers). */
export interface RoomHello {
  kind: 'kit-room';
  /** The API version; a kit that speaks another one says so instead of misreading. */
  version: 1;
  /**
   * The room's phones port (its emulator, and the media probe on UDP), on the
   * room's own host; absent until the room's emulator runs.
   */
  phonesPort?: number;
}

export function isRoomHello(value: unknown): value is RoomHello {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, version } = value as Record<string, unknown>;
  return kind === 'kit-room' && version === 1;
}

/** A call an attendee's phone is placing now, as the board shows it (live, not logged). */
export interface BoardCall {
  /** The identity that answered, or what the caller dialled until then: at most 64 UTF-16 units, shown as text. */
  to: string;
  /** `dialing`: the room is asking the caller's /call; `ringing`: the callee's phones ring; `connected`: answered. */
  state: 'dialing' | 'ringing' | 'connected';
  placedAt: string;
  /** When the callee answered (the board counts the seconds from here), or null. */
  connectedAt: string | null;
}

/** One attendee on the board (GET /api/board, and each `board` event of the stream). */
export interface BoardMember {
  memberId: string;
  name: string;
  /** The Client identity the member owns (null for a member from before identities). */
  identity: string | null;
  /** The last name the member's key tried to register without owning it (another member's), and when. */
  refusedIdentity: { identity: string; at: string } | null;
  joinedAt: string;
  /** The latest report, or null before the first check. */
  latest: (StepReport & { at: string }) | null;
  /** Since when the same stage has been failing, when it is failing. */
  failingSince: string | null;
  /** The highest step this member has passed, or 0. */
  passedStep: number;
  hand: { message: string; raisedAt: string } | null;
  /** Marked by the room: failing the same stage for longer than the room's stuck time. */
  stuck: boolean;
  /** The identities registered now with this member's API key (live: the room's emulator). */
  phones: string[];
  /** The calls their TwiML App routed that are in progress now (live), oldest first. */
  calls: BoardCall[];
  /** When a call routed by their own /call was first answered (logged), or null. */
  firstCallAt: string | null;
  /**
   * The last call whose media did not connect, as the member's phone reported it
   * (client isolation, a VPN, UDP blocked): whom it was with, and when.
   */
  mediaFailure: { peer: string; at: string } | null;
}

export interface BoardSnapshot {
  /** Room code, formatted (`KX3-4MP`). */
  code: string;
  generatedAt: string;
  /** Stage titles the board shows beside ids (`3-4` → `identity の検査`). */
  stageTitles: Record<string, string>;
  /** Per step number (1…): how many attendees have passed it. */
  passedByStep: Record<string, number>;
  /** The stage most attendees are failing now, with how many. */
  topFailingStage: { id: string; title: string; count: number } | null;
  /** How many attendees have had a call answered that their own code routed: the workshop's finish line. */
  calledCount: number;
  /** Raised hands first, then the rest. */
  members: BoardMember[];
}

/** At most this many phones in the directory: a large room (maxMembers 500) with room to spare for second tabs. */
export const DIRECTORY_MAX_PHONES = 500;

/** One phone registered in the room now: the identity to call, and its owner's display name. */
export interface DirectoryPhone {
  identity: string;
  name: string;
}

/**
 * GET /api/directory (a member's token): the phones registered in the room's
 * emulator now, one per identity, sorted by name then identity, at most
 * `DIRECTORY_MAX_PHONES`. The attendee's phone lists them as 「教室の電話」.
 */
export interface RoomDirectory {
  phones: DirectoryPhone[];
}

/**
 * A directory exactly as the contract says, or null: every identity passes the
 * identity rule (it becomes the phone's `To`), every name the display-name rule
 * in its stored form, no identity twice, no more than the cap. Only the two
 * fields of each phone are kept. The kit reads the room's answer with it, and
 * the phone the kit's.
 */
export function checkRoomDirectory(value: unknown): RoomDirectory | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { phones } = value as Record<string, unknown>;
  if (!Array.isArray(phones) || phones.length > DIRECTORY_MAX_PHONES) return null;
  const seen = new Set<string>();
  const checked: DirectoryPhone[] = [];
  for (const phone of phones) {
    if (typeof phone !== 'object' || phone === null) return null;
    const { identity, name } = phone as Record<string, unknown>;
    if (!isValidIdentity(identity) || seen.has(identity)) return null;
    const shown = checkDisplayName(name);
    if (!shown.ok || shown.value !== name) return null;
    seen.add(identity);
    checked.push({ identity, name: shown.value });
  }
  return { phones: checked };
}

/** Paths of the room's HTTP API. */
export const ROOM_PATHS = {
  hello: '/api/room',
  join: '/api/join',
  membership: '/api/membership',
  report: '/api/report',
  hand: '/api/hand',
  /** GET: the phones registered now, for the members' phones (`RoomDirectory`). */
  directory: '/api/directory',
  board: '/api/board',
  boardEvents: '/api/board/events',
  lowerHand: '/api/board/hands/',
  /** `POST /api/board/members/<memberId>/revoke` (退室させる). */
  boardMembers: '/api/board/members/',
  exportCsv: '/api/export.csv',
  /** `POST` by a member's kit: the phone's call had no media (`MediaProblemRequest`). */
  mediaProblem: '/api/media-problem',
} as const;
