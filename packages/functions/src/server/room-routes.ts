import {
  type ApiErrorCode,
  checkIdentity,
  errorBody,
  KIT_ROOM_DIRECTORY_PATH,
  KIT_ROOM_HAND_PATH,
  KIT_ROOM_INFO_PATH,
  KIT_ROOM_MEDIA_PATH,
  type KitRoomDirectory,
  type KitRoomInfo,
} from '@kit/shared';
import { readBodyUpTo } from '@kit/shared/http';
import { checkHandMessage } from '@kit/shared/room';
import {
  fetchDirectory,
  lowerHand,
  type Membership,
  type RoomFailure,
  raiseHand,
  readMembership,
  reportMediaProblem,
} from '@kit/shared/room-client';
import type { Request, RequestHandler, Response } from 'express';

/**
 * The kit's room routes (教室モード) in front of the Functions runtime, for the
 * phone served by `pnpm dev`: whether this workspace joined a room, raising or
 * lowering the attendee's hand, and who is registered in the room now (the
 * phone's 「教室の電話」), through the membership `pnpm room:join` left (read
 * again at every request: the attendee may join or leave meanwhile).
 * The member's token stays on this machine: the phone never sees it.
 *
 * Same origin only. The server listens on loopback, but any page the attendee
 * opens can send requests to it: a request must name this server as its Host
 * (a DNS-rebound name is refused), an `Origin` header, when present, must be
 * this server's own, and a POST must be `application/json` (a cross-site form
 * cannot send that without a preflight, which this server never answers).
 */

/** The largest body POST /kit/room/hand reads: a 140-character message is at most ~600 bytes. */
export const ROOM_ROUTE_BODY_MAX_BYTES = 2 * 1024;

/** The names a browser on this machine may use for the server (the launcher prints 127.0.0.1 or localhost). */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** What every route knows: the membership file, and whether the kit runs with `--room`. */
interface RoomContext {
  roomFile: string;
  calls: boolean;
}

type RoomRoute = (context: RoomContext, request: Request, response: Response) => Promise<void>;

/** Each path's handlers by method (HEAD is answered as GET, as Express does). */
const ROUTES: Record<string, Record<string, RoomRoute>> = {
  [KIT_ROOM_INFO_PATH]: { GET: answerInfo },
  [KIT_ROOM_HAND_PATH]: { POST: answerRaise, DELETE: answerLower },
  [KIT_ROOM_DIRECTORY_PATH]: { GET: answerDirectory },
  [KIT_ROOM_MEDIA_PATH]: { POST: answerMediaProblem },
};

/**
 * `calls`: the kit runs with `--room` (its phone registers with the room), so
 * `/kit/room.json` says the phone may call the room's members by name.
 */
export function roomRoutes(
  roomFile: string,
  port: number,
  { calls = false }: { calls?: boolean } = {},
): RequestHandler {
  const context: RoomContext = { roomFile, calls };
  const hosts = new Set(LOOPBACK_NAMES.map((name) => `${name}:${port}`));
  const origins = new Set([...hosts].map((host) => `http://${host}`));
  return (request, response, next) => {
    const methods = Object.hasOwn(ROUTES, request.path) ? ROUTES[request.path] : undefined;
    if (methods === undefined) {
      next();
      return;
    }
    response.set({ 'Cache-Control': 'no-store' });
    const origin = request.headers.origin;
    if (!hosts.has(request.headers.host ?? '') || (origin !== undefined && !origins.has(origin))) {
      fail(
        response,
        403,
        'origin_not_allowed',
        'このページからは教室を操作できません(キットが開いた電話のページから操作してください)。',
      );
      return;
    }
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const route = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (route === undefined) {
      response.set('Allow', Object.keys(methods).join(', '));
      fail(response, 405, 'method_not_allowed', 'このメソッドには対応していません。');
      return;
    }
    route(context, request, response).catch((error: unknown) => {
      console.error(
        '[step-server] room route failed:',
        error instanceof Error ? error.message : error,
      );
      if (!response.headersSent) {
        fail(response, 500, 'internal_error', 'サーバー内部でエラーが発生しました。');
      }
    });
  };
}

async function answerInfo({ roomFile, calls }: RoomContext, _request: Request, response: Response) {
  const read = await readMembership(roomFile);
  const info: KitRoomInfo =
    read.kind === 'member'
      ? {
          joined: true,
          name: read.membership.name,
          roomUrl: read.membership.roomUrl,
          ...(read.membership.identity ? { identity: read.membership.identity } : {}),
          ...(calls ? { calls: true } : {}),
        }
      : { joined: false };
  response.status(200).json(info);
}

/** The request's JSON object (an empty body is `{}`), or null once the answer says why not. */
async function readJsonObject(
  request: Request,
  response: Response,
  shape: string,
): Promise<Record<string, unknown> | null> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    fail(
      response,
      415,
      'unsupported_media_type',
      '本文は JSON で送ってください(Content-Type: application/json)。',
    );
    return null;
  }
  const bytes = await readBodyUpTo(request, ROOM_ROUTE_BODY_MAX_BYTES);
  if (bytes === null) {
    // The rest is not read: the connection closes after the answer.
    response.set('connection', 'close');
    fail(response, 413, 'body_too_large', 'リクエストの本文が大きすぎます。');
    return null;
  }
  const body = bytes.toString('utf8');
  let value: unknown = {};
  try {
    if (body.trim() !== '') value = JSON.parse(body);
  } catch {
    value = null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(response, 400, 'body_invalid', `本文は ${shape} の形の JSON で送ってください。`);
    return null;
  }
  return value as Record<string, unknown>;
}

async function answerMediaProblem({ roomFile }: RoomContext, request: Request, response: Response) {
  const value = await readJsonObject(request, response, '{ "peer": "…" }');
  if (value === null) return;
  const peer = checkIdentity(value.peer);
  if (!peer.ok) {
    fail(response, 400, 'identity_invalid', peer.error.message);
    return;
  }
  const membership = await requireMembership(roomFile, response);
  if (membership === null) return;
  const reported = await reportMediaProblem(membership, peer.identity);
  if (reported.ok) response.status(200).json({ ok: true });
  else failFromRoom(response, reported);
}

async function answerRaise({ roomFile }: RoomContext, request: Request, response: Response) {
  const value = await readJsonObject(request, response, '{ "message": "…" }');
  if (value === null) return;
  const checked = checkHandMessage((value as { message?: unknown }).message);
  if (!checked.ok) {
    fail(response, 400, 'message_invalid', checked.error.error.message);
    return;
  }
  const membership = await requireMembership(roomFile, response);
  if (membership === null) return;
  const raised = await raiseHand(membership, checked.value);
  if (raised.ok) response.status(200).json({ ok: true });
  else failFromRoom(response, raised);
}

async function answerLower({ roomFile }: RoomContext, _request: Request, response: Response) {
  const membership = await requireMembership(roomFile, response);
  if (membership === null) return;
  const lowered = await lowerHand(membership);
  if (lowered.ok) response.status(200).json({ ok: true });
  else failFromRoom(response, lowered);
}

/**
 * The room's directory, as `fetchDirectory` checked it (identities by the rule,
 * names by the display-name rule, capped): the phone lists it as text.
 */
async function answerDirectory({ roomFile }: RoomContext, _request: Request, response: Response) {
  const membership = await requireMembership(roomFile, response);
  if (membership === null) return;
  const answer = await fetchDirectory(membership);
  if (!answer.ok) {
    failFromRoom(response, answer);
    return;
  }
  const directory: KitRoomDirectory = answer.directory;
  response.status(200).json(directory);
}

/** The membership, or null after answering 409 (none, or a file that is not one). */
async function requireMembership(roomFile: string, response: Response): Promise<Membership | null> {
  const read = await readMembership(roomFile);
  if (read.kind === 'member') return read.membership;
  fail(
    response,
    409,
    'room_not_joined',
    read.kind === 'invalid'
      ? `${read.message} ターミナルで pnpm room:leave のあと、pnpm room:join URL でもう一度参加してください。`
      : '教室に参加していません。ターミナルで pnpm room:join URL を実行して参加してください(URL は講師が示します)。',
  );
  return null;
}

/** A room that refused or did not answer: 502, with the room's (or the client's) Japanese message. */
function failFromRoom(response: Response, failure: RoomFailure) {
  if (failure.reason === 'invalid' && failure.code === 'message_invalid') {
    fail(response, 400, 'message_invalid', failure.message);
    return;
  }
  const again =
    failure.code === 'member_unknown'
      ? ' ターミナルで pnpm room:leave のあと、pnpm room:join URL でもう一度参加してください。'
      : '';
  fail(response, 502, 'room_unavailable', `${failure.message}${again}`);
}

function fail(response: Response, status: number, code: ApiErrorCode, message: string) {
  response.status(status).json(errorBody(code, message));
}
