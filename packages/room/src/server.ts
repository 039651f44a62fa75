import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { CallView } from '@kit/emulator';
import {
  checkIdentity,
  identitiesCollide,
  isValidIdentity,
  ownsIdentity,
  STEPS,
} from '@kit/shared';
import { MEMBER_LINK_CLOSE, MEMBER_LINK_PATH } from '@kit/shared/member-link';
import {
  type BoardSnapshot,
  checkDisplayName,
  checkHandMessage,
  checkStepReport,
  type JoinResponse,
  MEMBER_ID_PATTERN,
  MEMBER_TOKEN_PATTERN,
  normalizeRoomCode,
  ROOM_PATHS,
  type RoomHello,
  roomError,
  type StepReport,
} from '@kit/shared/room';
import { bearerToken, instructorAccess, isLoopbackAddress } from './access.js';
import { buildSnapshot } from './board.js';
import { BOARD_CSP, boardFile } from './board-files.js';
import { BoardStream } from './board-stream.js';
import {
  type MemberKey,
  memberCredentials,
  memberKeySecret,
  newMemberSids,
  type RoomAccount,
  roomAccount,
} from './credentials.js';
import { exportCsv } from './csv.js';
import { buildDirectory } from './directory.js';
import type { RoomEvent, RoomEventBody } from './events.js';
import { HttpError, objectWith, readJsonBody, sendError, sendJson, sendText } from './http-io.js';
import { MemberLinks } from './member-links.js';
import { pollPhones } from './phone-watch.js';
import { cutText, type RoomPhones, readPhones } from './phones.js';
import { StrikeCounter } from './rate-limit.js';
import { openRoom, RoomStartError, randomSecret, sha256Hex } from './room-files.js';
import { type MemberState, type RoomState, reduce } from './state.js';

export interface RoomServerOptions {
  /** The instructor's room folder: `current.jsonl` (the event log), `current.key`, archived rooms. */
  dataDir: string;
  /** The address to bind: '127.0.0.1' in tests, the LAN address in `pnpm room`. */
  host: string;
  /** 0 = any free port. */
  port: number;
  /**
   * Also listen on 127.0.0.1, same port, so the instructor opens the board on this
   * machine without a key (`pnpm room`: a request there comes from loopback).
   */
  loopback?: boolean;
  /** A fixed room code (--code); otherwise the log's, or a new one. */
  code?: string;
  /** --new: start a new room; the old log is archived beside it, never deleted. */
  fresh?: boolean;
  /** `3-4` → `identity の検査`. */
  stageTitles: Record<string, string>;
  /** Step → its stage ids in order: a report naming any other stage of the step is refused. */
  stepStages?: Record<number, string[]>;
  /** Failing the same stage longer than this marks a member stuck (default 10 minutes). */
  stuckAfterMs?: number;
  /** Default 500: a large workshop (100 attendees), each on two machines, with room to spare. */
  maxMembers?: number;
  /** The built board (index.html + assets/), served at GET / and /board. */
  boardDir?: string;
  now?: () => number;
  /** One line per warning or handler failure (default: console.error). */
  log?: (line: string) => void;
  /** The CSV export's time zone (default: the machine's). */
  csvTimeZone?: string;
  /** How often the board reads the room's emulator for phones and calls (default 1 s). */
  phonesPollMs?: number;
}

export type { RoomPhones };

/** A member key added at a join, or revoked from the board. */
export type MemberKeyChange =
  | { type: 'added'; key: MemberKey }
  | { type: 'revoked'; key: MemberKey };

export interface RunningRoom {
  /** http://host:port */
  url: string;
  /** Stored form, e.g. 'KX34MP'. */
  code: string;
  /** Random, kept in `current.key` so a restarted room keeps it. */
  instructorKey: string;
  /** True when an existing log was replayed. */
  resumed: boolean;
  /** Files an earlier room was archived to by this start (`--new`). */
  archived: string[];
  snapshot(): BoardSnapshot;
  /** The room's account: its SID and the auth token its webhooks are signed with (derived from `current.key`). */
  account(): RoomAccount;
  /**
   * Every member's API key and TwiML App, revoked ones marked, in joined order:
   * what an emulator account for the room loads (`loadMemberKeys`).
   */
  memberKeys(): MemberKey[];
  /**
   * The room's emulator refused a token because its key's member does not own the
   * name (`Account.onIdentityRefused` of @kit/emulator): recorded, and shown on the
   * board against the member who tried. False for a key no member holds.
   */
  identityRefused(refusal: { keySid: string; identity: string }): Promise<boolean>;
  /**
   * Called with every member key added (a join) or revoked (退室させる) from now on,
   * after the event is on disk: the room's emulator keeps its account in step.
   * Returns the unsubscribe.
   */
  onMemberKeys(listener: (change: MemberKeyChange) => void): () => void;
  /**
   * The members' kits' links (`pnpm dev --room`): the room's emulator sends each
   * member's Voice webhook through them, and tells them its port.
   */
  memberLinks: MemberLinks;
  /**
   * The room's emulator, once it runs (`startRoomEmulator`): who is registered and
   * who is calling whom, for the board (read once a second, shown when it changes),
   * and each member's first call their own code connected (logged). Returns the detach.
   */
  watchPhones(phones: RoomPhones): () => void;
  /** The CSV of GET /api/export.csv. */
  csv(): string;
  /** Closes the server, the open board streams and the log. */
  close(): Promise<void>;
}

const WRONG_CODE_LIMIT = 5;
const WRONG_CODE_WINDOW_MS = 10 * 60_000;
/** Writes one member may make per minute: a check every second is already more than a person does. */
const MEMBER_WRITES_PER_MINUTE = 60;

export const ROOM_HELLO: RoomHello = { kind: 'kit-room', version: 1 };

/** Stage-level checks the contract leaves to the room, which knows the step's stages. */
export function checkReportAgainstSteps(
  report: StepReport,
  stepStages: Record<number, string[]> | undefined,
): string | null {
  const ids = report.stages.map((stage) => stage.id);
  if (new Set(ids).size !== ids.length) return '同じ段階が 2 回報告されています。';
  if (report.failingStage !== null && !report.failingStage.startsWith(`${report.step}-`))
    return `段階 ${report.failingStage} は手順${report.step} のものではありません。`;
  if (report.passed && (report.failingStage !== null || report.stages.some((s) => !s.passed)))
    return '合格の報告に失敗した段階があります。';
  const known = stepStages?.[report.step];
  if (known) {
    const unknown = [...ids, ...(report.failingStage ? [report.failingStage] : [])].find(
      (id) => !known.includes(id),
    );
    if (unknown !== undefined) return `段階 ${unknown} は手順${report.step} にありません。`;
  }
  return null;
}

function listenUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startRoomServer(options: RoomServerOptions): Promise<RunningRoom> {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.error(line));
  const stuckAfterMs = options.stuckAfterMs ?? 10 * 60_000;
  const maxMembers = options.maxMembers ?? 500;
  const stepCount = STEPS.length;
  let fixedCode: string | undefined;
  if (options.code !== undefined) {
    const normalized = normalizeRoomCode(options.code);
    if (normalized === null)
      throw new RoomStartError(
        `教室コード「${options.code}」は使えません(紛らわしい文字を除いた 6 文字です)。`,
      );
    fixedCode = normalized;
  }

  const opened = await openRoom({
    dataDir: options.dataDir,
    code: fixedCode,
    fresh: options.fresh,
    now,
  });
  for (const warning of opened.warnings) log(`room: ${warning}`);
  const eventLog = opened.log;
  const instructorKey = opened.instructorKey;
  const account = roomAccount(opened.roomSecret);
  let state: RoomState = opened.state;
  const code = state.code ?? '';

  /** The room's emulator, once attached (null in tests of the room alone), and its watch's stop. */
  let phones: { phones: RoomPhones; stop: () => void } | null = null;
  const snapshot = () =>
    buildSnapshot(state, {
      stageTitles: options.stageTitles,
      stepCount,
      stuckAfterMs,
      now: now(),
      phones: phones && readPhones(phones.phones),
    });
  const csv = () => exportCsv(state, { stepCount, timeZone: options.csvTimeZone });
  const stream = new BoardStream({ snapshot });
  const wrongCodes = new StrikeCounter(WRONG_CODE_LIMIT, WRONG_CODE_WINDOW_MS);
  const memberWrites = new StrikeCounter(MEMBER_WRITES_PER_MINUTE, 60_000);

  const keyListeners = new Set<(change: MemberKeyChange) => void>();
  const memberLinks = new MemberLinks(log);

  /** Writes an event (fsync'ed) and applies it; call inside `eventLog.serial`. */
  async function commit(body: RoomEventBody): Promise<RoomEvent> {
    const event = await eventLog.write(body);
    state = reduce(state, event);
    stream.changed();
    if (event.type === 'member-joined' || event.type === 'member-revoked') {
      const member = state.members.get(event.memberId);
      const key = member && keyOf(member);
      if (key) {
        const change: MemberKeyChange =
          event.type === 'member-joined' ? { type: 'added', key } : { type: 'revoked', key };
        for (const listener of [...keyListeners]) listener(change);
      }
      if (event.type === 'member-revoked') {
        memberLinks.drop(event.memberId, MEMBER_LINK_CLOSE.revoked, '講師が退室させました');
      }
    }
    return event;
  }

  function member(req: IncomingMessage): MemberState {
    const token = bearerToken(req.headers.authorization);
    const memberId =
      token !== null && MEMBER_TOKEN_PATTERN.test(token)
        ? state.tokens.get(sha256Hex(token))
        : undefined;
    const found = memberId === undefined ? undefined : state.members.get(memberId);
    if (!found) {
      throw new HttpError(
        401,
        'member_unknown',
        'この教室の参加者として認識できません。pnpm room:join で参加し直してください。',
      );
    }
    if (found.revoked) {
      throw new HttpError(
        403,
        'member_revoked',
        '講師がこの参加者を教室から退室させました。もう一度参加するときは、講師に確かめてから pnpm room:leave と pnpm room:join を実行してください。',
      );
    }
    return found;
  }

  function throttleWrites(memberId: string): void {
    const wait = memberWrites.blockedFor(memberId, now());
    if (wait > 0) {
      throw new HttpError(
        429,
        'too_many_attempts',
        '送信が多すぎます。少し待ってからもう一度試してください。',
        { 'retry-after': String(Math.ceil(wait / 1000)) },
      );
    }
    memberWrites.strike(memberId, now());
  }

  function requireInstructor(req: IncomingMessage, url: URL): void {
    const access = instructorAccess(
      {
        remoteAddress: req.socket.remoteAddress,
        authorization: req.headers.authorization,
        queryKey: url.searchParams.get('key'),
      },
      instructorKey,
    );
    if (access === 'missing')
      throw new HttpError(401, 'instructor_key_required', 'ボードには講師キーが必要です。');
    if (access === 'wrong')
      throw new HttpError(403, 'instructor_key_required', '講師キーが違います。');
  }

  /**
   * The identity a joining member asks for, or their display name when it fits the
   * identity rule (`sakura`); a Japanese display name needs one given.
   */
  function joinIdentity(given: unknown, displayName: string): string {
    if (given === undefined || given === '') {
      if (isValidIdentity(displayName)) return displayName;
      throw new HttpError(
        400,
        'identity_required',
        `表示名「${displayName}」は identity に使えません(半角英数字と _ - . のみ)。電話で使う名前を --identity で指定してください(例: --identity sakura)。`,
      );
    }
    const checked = checkIdentity(given);
    if (!checked.ok) throw new HttpError(400, 'identity_invalid', checked.error.message);
    return checked.identity;
  }

  async function join(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = objectWith(await readJsonBody(req), ['code', 'name', 'identity']);
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = wrongCodes.blockedFor(address, now());
    if (wait > 0) {
      throw new HttpError(
        429,
        'too_many_attempts',
        `教室コードの間違いが続いたため、しばらく参加できません。${Math.ceil(wait / 60_000)} 分ほど待って、講師が示すコードを確かめてから試してください。`,
        { 'retry-after': String(Math.ceil(wait / 1000)) },
      );
    }
    const given = normalizeRoomCode(body.code);
    if (given === null) {
      throw new HttpError(400, 'code_invalid', '教室コードは 6 文字です(例: KX3-4MP)。');
    }
    // Both are 6 ASCII letters after normalising: equal-length buffers, compared in constant time.
    if (!timingSafeEqual(Buffer.from(given), Buffer.from(code))) {
      wrongCodes.strike(address, now());
      throw new HttpError(
        403,
        'code_wrong',
        '教室コードが違います。講師が示すコードを確かめてください。',
      );
    }
    const name = checkDisplayName(body.name);
    if (!name.ok) throw new HttpError(400, name.error.error.code, name.error.error.message);
    const identity = joinIdentity(body.identity, name.value);
    const token = randomSecret();
    const joined = await eventLog.serial(async () => {
      if (state.members.size >= maxMembers) {
        throw new HttpError(
          409,
          'room_full',
          `教室が満員です(${maxMembers} 人まで)。講師に知らせてください。`,
        );
      }
      const holder = [...state.members.values()].find(
        (other) =>
          !other.revoked && other.identity !== null && identitiesCollide(other.identity, identity),
      );
      if (holder) {
        throw new HttpError(
          409,
          'identity_taken',
          `identity「${identity}」は、この教室の別の参加者(${holder.identity})の名前と重なります。別の identity を --identity で指定してください。`,
        );
      }
      let memberId: string;
      do memberId = `m-${randomBytes(8).toString('hex')}`;
      while (state.members.has(memberId));
      const { apiKeySid, twimlAppSid } = newMemberSids();
      await commit({
        type: 'member-joined',
        memberId,
        name: name.value,
        tokenHash: sha256Hex(token),
        apiKeySid,
        twimlAppSid,
        identity,
      });
      return { memberId, apiKeySid, twimlAppSid };
    });
    const response: JoinResponse = {
      memberId: joined.memberId,
      token,
      name: name.value,
      identity,
      credentials: memberCredentials(account, {
        keySid: joined.apiKeySid,
        secret: memberKeySecret(opened.roomSecret, joined.memberId),
        appSid: joined.twimlAppSid,
      }),
    };
    sendJson(res, 201, response);
  }

  async function report(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const who = member(req);
    const body = await readJsonBody(req);
    const checked = checkStepReport(body, stepCount);
    if (!checked.ok) throw new HttpError(400, 'report_invalid', checked.error.error.message);
    const problem = checkReportAgainstSteps(checked.value, options.stepStages);
    if (problem !== null) throw new HttpError(400, 'report_invalid', problem);
    throttleWrites(who.memberId);
    const event = await eventLog.serial(() =>
      commit({ type: 'report', memberId: who.memberId, report: checked.value }),
    );
    sendJson(res, 202, { ok: true, seq: event.seq });
  }

  async function raiseHand(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const who = member(req);
    const body = objectWith((await readJsonBody(req)) ?? {}, ['message']);
    const message = checkHandMessage(body.message);
    if (!message.ok) throw new HttpError(400, 'message_invalid', message.error.error.message);
    throttleWrites(who.memberId);
    const raised = await eventLog.serial(async () => {
      const current = state.members.get(who.memberId)?.hand;
      if (current?.message !== message.value || current === undefined) {
        await commit({ type: 'hand-raised', memberId: who.memberId, message: message.value });
      }
      return state.members.get(who.memberId)?.hand;
    });
    sendJson(res, 200, {
      ok: true,
      raisedAt: raised ? new Date(raised.raisedAt).toISOString() : null,
    });
  }

  /** The member's phone says a call's media never connected (their kit relays it). */
  async function mediaProblem(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const who = member(req);
    const body = objectWith(await readJsonBody(req), ['peer']);
    const peer = checkIdentity(body.peer);
    if (!peer.ok) throw new HttpError(400, 'identity_invalid', peer.error.message);
    throttleWrites(who.memberId);
    const event = await eventLog.serial(() =>
      commit({ type: 'media-failed', memberId: who.memberId, peer: peer.identity }),
    );
    sendJson(res, 202, { ok: true, seq: event.seq });
  }

  async function lower(memberId: string, by: 'member' | 'instructor'): Promise<boolean> {
    return eventLog.serial(async () => {
      if (!state.members.get(memberId)?.hand) return false;
      await commit({ type: 'hand-lowered', memberId, by });
      return true;
    });
  }

  async function revoke(memberId: string): Promise<boolean> {
    return eventLog.serial(async () => {
      if (state.members.get(memberId)?.revoked !== false) return false;
      await commit({ type: 'member-revoked', memberId, by: 'instructor' });
      return true;
    });
  }

  async function identityRefused(refusal: { keySid: string; identity: string }): Promise<boolean> {
    return eventLog.serial(async () => {
      const tried = [...state.members.values()].find(
        (candidate) => candidate.apiKeySid === refusal.keySid,
      );
      if (!tried || tried.revoked) return false;
      const identity = cutText(refusal.identity);
      if (identity.length === 0) return false;
      await commit({ type: 'identity-refused', memberId: tried.memberId, identity });
      return true;
    });
  }

  /**
   * A callee answered. A call routed by a member's own TwiML App (their /call) from
   * a phone of theirs is their code working end to end: logged, so the board's
   * 「N 人が自分のコードで通話しました」 survives a restart. Only a member's first:
   * the count and the CSV need no more, and a member calling in a loop must not
   * grow the log, nor queue fsyncs ahead of everyone's reports, without bound.
   */
  async function callConnected(call: CallView): Promise<boolean> {
    return eventLog.serial(async () => {
      const caller = [...state.members.values()].find(
        (candidate) => candidate.twimlAppSid === call.applicationSid,
      );
      if (!caller || caller.revoked || caller.firstCall !== null) return false;
      // Another member's phone using this App's SID ran this member's code, not its own.
      if (caller.identity === null || !ownsIdentity(caller.identity, call.from)) return false;
      const to = cutText(call.answeredBy ?? call.to);
      if (to === '') return false;
      await commit({ type: 'call-connected', memberId: caller.memberId, to });
      return true;
    });
  }

  /** A member's key and App as the emulator's account holds them (null for a member from before keys). */
  function keyOf(member: MemberState): MemberKey | null {
    if (member.apiKeySid === null || member.twimlAppSid === null) return null;
    return {
      memberId: member.memberId,
      keySid: member.apiKeySid,
      secret: memberKeySecret(opened.roomSecret, member.memberId),
      appSid: member.twimlAppSid,
      owner: member.identity ?? member.memberId,
      revoked: member.revoked,
    };
  }

  function memberKeys(): MemberKey[] {
    return [...state.members.values()].flatMap((member) => keyOf(member) ?? []);
  }

  /** `host:port` values a request's Host header may carry (filled once the port is known). */
  const allowedHosts = new Set<string>();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://room.invalid');
    } catch {
      throw new HttpError(404, 'not_found', 'そのページはありません。');
    }
    // A page elsewhere that rebinds its own name to this address (DNS rebinding) sends
    // its own name as Host: only the room's address and loopback are answered.
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.has(host)) {
      throw new HttpError(
        403,
        'host_not_allowed',
        '教室の URL(pnpm room が表示したアドレス)で開いてください。',
      );
    }
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const allow = (...methods: string[]) => {
      if (!methods.includes(method)) {
        throw new HttpError(405, 'method_not_allowed', `${methods.join(', ')} で送ってください。`, {
          allow: methods.join(', '),
        });
      }
    };

    switch (path) {
      case ROOM_PATHS.hello:
        allow('GET');
        return sendJson(res, 200, {
          ...ROOM_HELLO,
          ...(memberLinks.phonesPort !== null ? { phonesPort: memberLinks.phonesPort } : {}),
        });
      case ROOM_PATHS.join:
        allow('POST');
        return join(req, res);
      case ROOM_PATHS.membership: {
        allow('GET');
        const who = member(req);
        return sendJson(res, 200, { memberId: who.memberId, name: who.name });
      }
      case ROOM_PATHS.report:
        allow('POST');
        return report(req, res);
      case ROOM_PATHS.mediaProblem:
        allow('POST');
        return mediaProblem(req, res);
      case ROOM_PATHS.hand:
        allow('POST', 'DELETE');
        if (method === 'POST') return raiseHand(req, res);
        return sendJson(res, 200, {
          ok: true,
          lowered: await lower(member(req).memberId, 'member'),
        });
      case ROOM_PATHS.directory: {
        allow('GET');
        member(req);
        // No emulator attached (the room alone): nobody can be registered.
        const directory = buildDirectory(
          phones?.phones.registrations() ?? [],
          state.members.values(),
        );
        return sendJson(res, 200, directory);
      }
      case ROOM_PATHS.board:
        allow('GET');
        requireInstructor(req, url);
        return sendJson(res, 200, snapshot());
      case ROOM_PATHS.boardEvents:
        allow('GET');
        requireInstructor(req, url);
        if (!stream.add(res))
          throw new HttpError(429, 'too_many_attempts', 'ボードの接続が多すぎます。');
        return;
      case ROOM_PATHS.exportCsv:
        allow('GET');
        requireInstructor(req, url);
        return sendText(res, 200, 'text/csv; charset=utf-8', csv(), {
          'content-disposition': `attachment; filename="room-${code}.csv"`,
        });
    }

    /** `<prefix><memberId>/<action>`, POSTed by the instructor: the member it names. */
    const boardMemberAction = (prefix: string, action: string): string | null => {
      if (!path.startsWith(prefix)) return null;
      const match = /^([^/]+)\/([a-z]+)$/.exec(path.slice(prefix.length));
      if (!match || match[2] !== action) return null;
      allow('POST');
      requireInstructor(req, url);
      const memberId = match[1] ?? '';
      if (!MEMBER_ID_PATTERN.test(memberId) || !state.members.has(memberId))
        throw new HttpError(404, 'member_unknown', 'その参加者はいません。');
      return memberId;
    };
    const lowering = boardMemberAction(ROOM_PATHS.lowerHand, 'lower');
    if (lowering)
      return sendJson(res, 200, { ok: true, lowered: await lower(lowering, 'instructor') });
    const revoking = boardMemberAction(ROOM_PATHS.boardMembers, 'revoke');
    if (revoking) return sendJson(res, 200, { ok: true, revoked: await revoke(revoking) });

    if (path === '/' || path === '/board' || path === '/board/' || path.startsWith('/assets/')) {
      allow('GET');
      if (options.boardDir) {
        const file = await boardFile(options.boardDir, path);
        if (file) {
          return sendText(res, 200, file.contentType, file.body, {
            'content-security-policy': BOARD_CSP,
            'x-frame-options': 'DENY',
          });
        }
      } else if (!path.startsWith('/assets/')) {
        return sendText(
          res,
          200,
          'text/plain; charset=utf-8',
          'これは教室モードのサーバーです。ボードの画面はビルドされていません(pnpm build のあとで pnpm room を起動し直してください)。\n',
        );
      }
    }
    throw new HttpError(404, 'not_found', 'そのページはありません。');
  }

  /** `GET /api/member-link` with a member's token: the kit's link (everything else is refused in HTTP). */
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    try {
      const path = new URL(req.url ?? '/', 'http://room.invalid').pathname;
      if (path !== MEMBER_LINK_PATH)
        throw new HttpError(404, 'not_found', 'そのページはありません。');
      if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
        throw new HttpError(403, 'host_not_allowed', '教室の URL で接続してください。');
      }
      memberLinks.accept(member(req).memberId, req, socket, head);
    } catch (error) {
      const refusal =
        error instanceof HttpError
          ? error
          : new HttpError(500, 'internal_error', '教室サーバーで問題が起きました。');
      const body = JSON.stringify(roomError(refusal.code, refusal.message));
      socket.end(
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n` +
          'content-type: application/json; charset=utf-8\r\n' +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    }
  }

  const createRoomServer = () =>
    createServer(
      {
        // A slow client must not pin the room: whole headers in 10 s, the whole request in 15 s.
        headersTimeout: 10_000,
        requestTimeout: 15_000,
        keepAliveTimeout: 5_000,
      },
      (req, res) => {
        route(req, res).catch((error: unknown) => {
          if (error instanceof HttpError) return sendError(res, error);
          const reason = error instanceof Error ? error.message : String(error);
          log(`room: ${req.method} ${String(req.url).slice(0, 200)}: ${reason.split('\n')[0]}`);
          sendJson(
            res,
            500,
            roomError('internal_error', '教室サーバーで問題が起きました。講師に知らせてください。'),
          );
        });
      },
    );
  const server = createRoomServer();
  const loopbackServer =
    options.loopback && !isLoopbackAddress(options.host) ? createRoomServer() : null;
  server.on('upgrade', upgrade);
  loopbackServer?.on('upgrade', upgrade);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    stream.close();
    await eventLog.close();
    throw error;
  }
  server.on('error', (error) => log(`room: ${error.message}`));
  const { port } = server.address() as AddressInfo;
  const ownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  for (const name of [ownHost, '127.0.0.1', 'localhost', '[::1]']) {
    allowedHosts.add(`${name.toLowerCase()}:${port}`);
  }
  if (loopbackServer) {
    try {
      await new Promise<void>((resolve, reject) => {
        loopbackServer.once('error', reject);
        loopbackServer.listen(port, '127.0.0.1', () => {
          loopbackServer.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      stream.close();
      server.close();
      await eventLog.close();
      throw error;
    }
    loopbackServer.on('error', (error) => log(`room: ${error.message}`));
  }

  let closing: Promise<void> | null = null;
  return {
    url: listenUrl(options.host, port),
    code,
    instructorKey,
    resumed: opened.resumed,
    archived: opened.archived,
    snapshot,
    account: () => ({ ...account }),
    memberKeys,
    identityRefused,
    onMemberKeys(listener) {
      keyListeners.add(listener);
      return () => keyListeners.delete(listener);
    },
    memberLinks,
    watchPhones(attached) {
      phones?.stop();
      const stop = pollPhones({
        phones: attached,
        intervalMs: options.phonesPollMs ?? 1000,
        changed: () => stream.changed(),
        connected: (call) => {
          stream.changed();
          callConnected(call).catch((error: unknown) =>
            log(`room: 通話の記録に失敗しました: ${(error as Error).message}`),
          );
        },
        log,
      });
      const watching = { phones: attached, stop };
      phones = watching;
      return () => {
        stop();
        if (phones !== watching) return;
        phones = null;
        stream.changed();
      };
    },
    csv,
    close() {
      closing ??= (async () => {
        phones?.stop();
        phones = null;
        stream.close();
        await memberLinks.close();
        await Promise.all(
          [server, loopbackServer].map(
            (open) =>
              new Promise<void>((resolve) => {
                if (!open) return resolve();
                open.close(() => resolve());
                open.closeAllConnections();
              }),
          ),
        );
        await eventLog.close();
      })();
      return closing;
    },
  };
}
