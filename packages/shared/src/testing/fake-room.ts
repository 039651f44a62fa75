import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidIdentity } from '../identity.js';
import { ROOM_PATHS, type RoomCredentials, type RoomErrorCode, roomError } from '../room.js';

/**
 * A test double of the instructor's room for the attendee's side (room:join,
 * room:help, step:check's report, the doctor): only the routes the kit calls,
 * with no rules beyond the ones a test needs, and every request it received.
 */
export interface FakeRoomRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** The raw body, as sent. */
  text: string;
  /** The body as JSON, or null. */
  body: unknown;
}

export interface FakeRoomOptions {
  /** The code POST /api/join accepts (stored form, `KX34MP`). */
  code?: string;
  /** Every request waits this long before the answer (a slow room); `Infinity` never answers. */
  delayMs?: number;
  /** What GET /api/room answers instead of `{ kind: 'kit-room', version: 1 }`. */
  hello?: unknown;
}

export interface FakeRoom {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: FakeRoomRequest[];
  /** Members the room knows, by token. */
  members: Map<string, { memberId: string; name: string }>;
  /** What GET /api/directory answers a known member (a test may set anything, hostile too). */
  directory: unknown;
  /** Adds a member as a join would, without a request. */
  addMember(name: string): {
    memberId: string;
    token: string;
    name: string;
    credentials: RoomCredentials;
  };
  close(): Promise<void>;
}

export const FAKE_ROOM_CODE = 'KX34MP';

/** Sixteen zeros after the prefix: a visibly fake SID, as the kit's local credentials are. */
const ZEROS = '0'.repeat(16);

/** The room's account, the same for every member of the fake room (visibly fake SIDs). */
export const FAKE_ROOM_ACCOUNT = {
  ACCOUNT_SID: `AC${ZEROS}${'ab'.repeat(8)}`,
  AUTH_TOKEN: 'f'.repeat(32),
} as const;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export async function startFakeRoom(options: FakeRoomOptions = {}): Promise<FakeRoom> {
  const code = options.code ?? FAKE_ROOM_CODE;
  const requests: FakeRoomRequest[] = [];
  const members = new Map<string, { memberId: string; name: string }>();
  const addMember = (name: string) => {
    const memberId = `m-${randomBytes(8).toString('hex')}`;
    const token = randomBytes(32).toString('base64url');
    members.set(token, { memberId, name });
    const credentials: RoomCredentials = {
      ...FAKE_ROOM_ACCOUNT,
      API_KEY: `SK${ZEROS}${hex(8)}`,
      API_SECRET: hex(16),
      TWIML_APP_SID: `AP${ZEROS}${hex(8)}`,
    };
    return { memberId, token, name, credentials };
  };
  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const error = (
    response: ServerResponse,
    status: number,
    errorCode: RoomErrorCode,
    text: string,
  ) => send(response, status, roomError(errorCode, text));

  const room: FakeRoom = {
    url: '',
    requests,
    members,
    directory: { phones: [] },
    addMember,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };

  const handle = (request: IncomingMessage, response: ServerResponse, record: FakeRoomRequest) => {
    const path = record.path;
    if (path === ROOM_PATHS.hello && request.method === 'GET') {
      return send(response, 200, options.hello ?? { kind: 'kit-room', version: 1 });
    }
    if (path === ROOM_PATHS.join && request.method === 'POST') {
      const body = record.body as { code?: unknown; name?: unknown } | null;
      if (body?.code !== code) {
        return error(
          response,
          403,
          'code_wrong',
          '参加コードが違います。講師が示したコードを確認してください。',
        );
      }
      if (typeof body.name !== 'string')
        return error(response, 400, 'name_invalid', '表示名が不正です。');
      // The phone name the member owns: the one asked for, or the display name when it fits the rule.
      const asked = (body as { identity?: unknown }).identity;
      const identity = asked === undefined ? body.name : asked;
      const joined = addMember(body.name);
      return send(response, 201, isValidIdentity(identity) ? { ...joined, identity } : joined);
    }
    const token = /^Bearer (\S+)$/.exec(record.authorization ?? '')?.[1];
    const member = token === undefined ? undefined : members.get(token);
    const known = () => {
      if (member) return true;
      error(
        response,
        401,
        'member_unknown',
        'この参加者は教室にいません。もう一度参加してください。',
      );
      return false;
    };
    if (path === ROOM_PATHS.membership && request.method === 'GET') {
      if (known()) send(response, 200, member);
      return;
    }
    if (path === ROOM_PATHS.report && request.method === 'POST') {
      if (known()) send(response, 202, { ok: true });
      return;
    }
    if (path === ROOM_PATHS.mediaProblem && request.method === 'POST') {
      if (known()) send(response, 202, { ok: true });
      return;
    }
    if (path === ROOM_PATHS.directory && request.method === 'GET') {
      if (known()) send(response, 200, room.directory);
      return;
    }
    if (path === ROOM_PATHS.hand && (request.method === 'POST' || request.method === 'DELETE')) {
      if (known()) send(response, 200, { ok: true });
      return;
    }
    error(response, 404, 'not_found', 'ありません。');
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        body = null;
      }
      const record: FakeRoomRequest = {
        method: request.method ?? '',
        path: (request.url ?? '').split('?')[0] ?? '',
        authorization: request.headers.authorization,
        text,
        body,
      };
      requests.push(record);
      const delay = options.delayMs ?? 0;
      if (delay === Number.POSITIVE_INFINITY) return;
      if (delay > 0) setTimeout(() => handle(request, response, record), delay);
      else handle(request, response, record);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  room.url = `http://127.0.0.1:${port}`;
  return room;
}

/** A loopback port nothing listens on (a room that is not there): connections are refused at once. */
export async function closedRoomUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}
