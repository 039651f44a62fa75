import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { type BoardSnapshot, ROOM_PATHS } from '@kit/shared/room';

/**
 * A stand-in for the room server, as far as the board sees it: the built board
 * at `/` and `/board` (and `/assets/*`), GET /api/board, the `board` event
 * stream, POST /api/board/hands/<id>/lower and /api/export.csv, with the
 * instructor's key checked (`?key=` or `Authorization: Bearer`). The snapshots
 * are the test's: `push` sends one to every open stream. Swap it for the real
 * room server once that is merged: the spec uses only `url`, `push`, `lowered`.
 */
export interface BoardStub {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The board's page, with the key. */
  url: (search?: string) => string;
  /** Sends `snapshot` to every open stream (and keeps it for new ones). */
  push: (snapshot: BoardSnapshot) => void;
  /** Member ids whose hand the board lowered, in order. */
  lowered: string[];
  /** Requests refused for a missing or wrong key. */
  refused: string[];
  /** Ends every open stream, as a restarted server or a dropped Wi-Fi would. */
  dropStreams: () => void;
  close: () => Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function sendEvent(stream: ServerResponse, snapshot: BoardSnapshot): void {
  stream.write(`event: board\ndata: ${JSON.stringify(snapshot)}\n\n`);
}

export function startBoardStub(
  boardDir: string,
  first: BoardSnapshot,
  key: string,
): Promise<BoardStub> {
  let current = first;
  const streams = new Set<ServerResponse>();
  const lowered: string[] = [];
  const refused: string[] = [];

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      const bearer = request.headers.authorization?.replace(/^Bearer /, '');
      if (url.searchParams.get('key') !== key && bearer !== key) {
        refused.push(path);
        response.writeHead(401, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'instructor_key_required', message: '' } }));
        return;
      }
    }
    if (request.method === 'GET' && path === ROOM_PATHS.board) {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(current));
      return;
    }
    if (request.method === 'GET' && path === ROOM_PATHS.boardEvents) {
      response.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      streams.add(response);
      request.on('close', () => streams.delete(response));
      // Reconnect quickly after a drop (the browser's default is about 3 s).
      response.write('retry: 300\n\n');
      sendEvent(response, current);
      return;
    }
    const lower = /^\/api\/board\/hands\/([^/]+)\/lower$/.exec(path);
    if (request.method === 'POST' && lower?.[1]) {
      const memberId = decodeURIComponent(lower[1]);
      lowered.push(memberId);
      push({
        ...current,
        members: current.members.map((member) =>
          member.memberId === memberId ? { ...member, hand: null } : member,
        ),
      });
      response.writeHead(204).end();
      return;
    }
    if (request.method === 'GET' && path === ROOM_PATHS.exportCsv) {
      response.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8' });
      response.end('name\n');
      return;
    }
    let file = path === '/' || path === '/board' ? join(boardDir, 'index.html') : '';
    if (path.startsWith('/assets/')) {
      file = normalize(join(boardDir, path));
      if (!file.startsWith(`${boardDir}${sep}`)) file = '';
    }
    if (request.method !== 'GET' || !file || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });

  function push(snapshot: BoardSnapshot): void {
    current = snapshot;
    for (const stream of streams) sendEvent(stream, snapshot);
  }

  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      done({
        origin,
        url: (search = '') => {
          const params = new URLSearchParams(search);
          params.set('key', key);
          return `${origin}/board?${params.toString().replace(/=(?=&|$)/g, '')}`;
        },
        push,
        lowered,
        refused,
        dropStreams: () => {
          for (const stream of streams) stream.end();
        },
        close: () =>
          new Promise((closed) => {
            for (const stream of streams) stream.end();
            server.closeAllConnections();
            server.close(() => closed());
          }),
      });
    });
  });
}
