import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyUpTo } from '@kit/shared/http';
import { ROOM_BODY_MAX_BYTES, type RoomErrorCode, roomError } from '@kit/shared/room';

/** A request the room answers with a 4xx (or its own 500) JSON error instead of going on. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: RoomErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, roomError(error.code, error.message), error.headers);
}

export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function tooLarge(): HttpError {
  // The rest of the body is not read: the connection closes after the answer.
  return new HttpError(
    413,
    'body_too_large',
    `リクエストが大きすぎます(${ROOM_BODY_MAX_BYTES} バイトまで)。`,
    { connection: 'close' },
  );
}

/** The body's bytes, at most ROOM_BODY_MAX_BYTES; beyond that it stops reading (413). */
async function readBytes(req: IncomingMessage): Promise<Buffer> {
  let bytes: Buffer | null;
  try {
    bytes = await readBodyUpTo(req, ROOM_BODY_MAX_BYTES);
  } catch {
    throw new HttpError(400, 'body_invalid', 'リクエストを最後まで読めませんでした。');
  }
  if (bytes === null) throw tooLarge();
  return bytes;
}

/**
 * The body as JSON: `application/json` only (a page elsewhere cannot send
 * that without the room's consent), at most ROOM_BODY_MAX_BYTES, valid UTF-8.
 * An empty body is `undefined`.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > ROOM_BODY_MAX_BYTES) throw tooLarge();
  const bytes = await readBytes(req);
  if (bytes.length === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\s*(;|$)/.test(type)) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Content-Type は application/json にしてください。',
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'body_invalid', 'リクエストが UTF-8 ではありません。');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'body_invalid', 'リクエストの JSON を読めません。');
  }
}

/** The body as an object with only `allowed` keys; anything else is 400. */
export function objectWith(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'body_invalid', 'JSON のオブジェクトを送ってください。');
  }
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    throw new HttpError(
      400,
      'body_invalid',
      `決められていない項目があります(${extra.length} 個)。`,
    );
  }
  return body as Record<string, unknown>;
}
