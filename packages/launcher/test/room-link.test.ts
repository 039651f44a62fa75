import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MEMBER_LINK_CLOSE, parseMemberFrame } from '@kit/shared/member-link';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { openRoomLink, type RoomLink, RoomLinkError } from '../src/room-link.js';

/**
 * The kit's end of the member link against a room played by hand (a WebSocket
 * server this test controls), so a hostile or broken room can be played too:
 * the kit posts only to its own Voice URL, at most a few at once, and says in
 * Japanese why it cannot connect. The happy path with a real room is room.test.ts.
 */

const TOKEN = 'a'.repeat(43);
const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A room by hand: accepts links, hands the test each socket and the frames it got. */
async function handRoom(
  onLink: (socket: WebSocket, request: IncomingMessage) => void,
): Promise<{ url: string }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  server.on('connection', onLink);
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The member's /call on loopback: records each POST, and answers only when told. */
async function localCall(): Promise<{ url: string; posts: IncomingMessage[]; server: Server }> {
  const posts: IncomingMessage[] = [];
  const server = createServer((request) => {
    posts.push(request); // never answered: the kit keeps it in flight
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/call`, posts, server };
}

async function open(roomUrl: string): Promise<RoomLink> {
  const link = await openRoomLink({ membership: { roomUrl, token: TOKEN }, log: () => {} });
  closers.push(() => link.close());
  return link;
}

describe('the member link (the kit side)', () => {
  it('sends its token, learns the phones port, posts webhooks only to its own /call, a few at a time', async () => {
    const call = await localCall();
    const answers: unknown[] = [];
    let authorization = '';
    const room = await handRoom((socket, request) => {
      authorization = request.headers.authorization ?? '';
      socket.send(JSON.stringify({ type: 'ready', emulatorPort: 4601 }));
      socket.on('message', (data) => {
        const frame = parseMemberFrame(String(data));
        if (frame?.type === 'hello') {
          for (let id = 1; id <= 20; id++) {
            socket.send(
              JSON.stringify({ type: 'webhook', id, params: { To: 'bob' }, signature: 'c2ln' }),
            );
          }
        } else answers.push(frame);
      });
    });
    const link = await open(room.url);
    expect(authorization).toBe(`Bearer ${TOKEN}`);
    expect(link.signalingHost).toBe('127.0.0.1:4601');
    link.setVoiceUrl(call.url);
    await expect.poll(() => call.posts.length).toBe(16);
    await expect.poll(() => answers.length).toBe(4);
    expect(answers).toEqual(
      Array.from({ length: 4 }, (_, i) => ({ type: 'unreachable', id: 17 + i, reason: 'busy' })),
    );
    expect(call.posts[0]?.headers['x-twilio-signature']).toBe('c2ln');
    expect(call.posts[0]?.url).toBe('/call');
  });

  it('refuses to start when the room refuses the link, saying the room’s own words', async () => {
    const refusing = createServer((_request, response) => response.end());
    refusing.on('upgrade', (_request, socket) => {
      const body = JSON.stringify({ error: { code: 'member_revoked', message: '退室済みです' } });
      socket.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    refusing.listen(0, '127.0.0.1');
    await once(refusing, 'listening');
    closers.push(() => new Promise((resolve) => refusing.close(resolve)));
    const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    const opened = openRoomLink({ membership: { roomUrl: url, token: TOKEN }, log: () => {} });
    await expect(opened).rejects.toBeInstanceOf(RoomLinkError);
    await expect(opened).rejects.toMatchObject({
      japanese: expect.stringContaining('退室済みです'),
    });
  });

  it('drops a room that speaks another protocol, and stops for good when revoked', async () => {
    const said: string[] = [];
    let links = 0;
    const room = await handRoom((socket) => {
      links++;
      socket.send(JSON.stringify({ type: 'ready', emulatorPort: 4601 }));
      if (links === 1) socket.send('{"type":"webhook","id":1,"params":{"__proto__":"x"}}');
      else socket.close(MEMBER_LINK_CLOSE.revoked, '講師が退室させました');
    });
    const link = await openRoomLink({
      membership: { roomUrl: room.url, token: TOKEN },
      log: (line) => said.push(line),
    });
    closers.push(() => link.close());
    await expect.poll(() => said.join('\n'), { timeout: 5000 }).toContain('講師が退室させました');
    expect(said.join('\n')).toContain('読めないメッセージ');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(links).toBe(2); // no third attempt after the revocation
  });
});
