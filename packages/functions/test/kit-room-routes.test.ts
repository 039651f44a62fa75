import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findStep,
  isApiErrorBody,
  KIT_ROOM_DIRECTORY_PATH,
  KIT_ROOM_HAND_PATH,
  KIT_ROOM_INFO_PATH,
  KIT_ROOM_MEDIA_PATH,
} from '@kit/shared';
import { forgetMembership, writeMembership } from '@kit/shared/room-client';
import { closedRoomUrl, type FakeRoom, startFakeRoom } from '@kit/shared/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StepServer, startStepServer } from '../src/server/index.js';
import { referenceStepDir } from '../src/steps-dir.js';

/**
 * The kit's room routes for the phone (教室モード): `GET /kit/room.json` says
 * whether this workspace joined a room, `POST`/`DELETE /kit/room/hand` raise and
 * lower the attendee's hand through the membership file, read at each request,
 * and `GET /kit/room/directory` says who is registered in the room now.
 * Same origin only, and never the member's token. Step 01 needs no credentials.
 */
const step = findStep(1);
if (!step) throw new Error('step 01 is missing from the catalog');
const stepDir = referenceStepDir(step);

interface Answer {
  status: number;
  body: unknown;
  text: string;
}

/** node:http, so a test can set Host and Origin as a hostile page's browser would. */
function send(
  server: StepServer,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: string | undefined } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port: server.port, method, path, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = null;
          }
          resolve({ status: response.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const json = (server: StepServer, message?: unknown) => ({
  headers: { 'content-type': 'application/json', origin: server.url },
  body: JSON.stringify(message === undefined ? {} : { message }),
});

/** A Japanese message in the kit's `{ error: { code, message } }`. */
function expectKitError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(isApiErrorBody(answer.body)).toBe(true);
  const { error } = answer.body as { error: { code: string; message: string } };
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
}

describe('the kit’s room routes', () => {
  let room: FakeRoom;
  let dir: string;
  let roomFile: string;
  let server: StepServer;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kit-room-routes-'));
    roomFile = join(dir, '.kit', 'room.json');
    room = await startFakeRoom();
    server = await startStepServer({ stepDir, env: {}, roomFile });
  });
  afterAll(async () => {
    await server?.close();
    await room?.close();
    await rm(dir, { recursive: true, force: true });
  });
  /** Writes the membership the kit reads, for `roomUrl` (the fake room by default). */
  const joinWith = async (roomUrl = room.url) => {
    const member = room.addMember('はなこ');
    token = member.token;
    await writeMembership(roomFile, {
      roomUrl,
      memberId: member.memberId,
      token: member.token,
      name: member.name,
      identity: 'hanako',
      joinedAt: new Date().toISOString(),
    });
  };
  beforeEach(async () => {
    room.requests.length = 0;
    room.directory = { phones: [] };
    await joinWith();
  });

  it('says the room, the name and the phone name it owns, never the token, uncached', async () => {
    const answer = await send(server, 'GET', KIT_ROOM_INFO_PATH);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      joined: true,
      name: 'はなこ',
      roomUrl: room.url,
      identity: 'hanako',
    });
    expect(answer.text).not.toContain(token);
    const response = await fetch(`${server.url}${KIT_ROOM_INFO_PATH}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('says calls: true only when the kit runs with --room (its phone on the room’s emulator)', async () => {
    const inRoom = await startStepServer({
      stepDir,
      env: {},
      roomFile,
      roomHostname: '127.0.0.1',
      emulatorSignalingHost: '127.0.0.1:4601',
    });
    try {
      expect((await send(inRoom, 'GET', KIT_ROOM_INFO_PATH)).body).toMatchObject({ calls: true });
    } finally {
      await inRoom.close();
    }
    expect((await send(server, 'GET', KIT_ROOM_INFO_PATH)).body).not.toHaveProperty('calls');
  });

  it('tells the room of a call without media, with the peer checked first', async () => {
    const sent = await send(server, 'POST', KIT_ROOM_MEDIA_PATH, {
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ peer: 'bob' }),
    });
    expect(sent.status, sent.text).toBe(200);
    expect(room.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/media-problem',
      body: { peer: 'bob' },
      authorization: `Bearer ${token}`,
    });
    const before = room.requests.length;
    const bad = await send(server, 'POST', KIT_ROOM_MEDIA_PATH, {
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ peer: '<b>x</b>' }),
    });
    expectKitError(bad, 400, 'identity_invalid');
    expect(room.requests.length).toBe(before);
  });

  it('raises the hand in the room with the message, and lowers it', async () => {
    const raised = await send(server, 'POST', KIT_ROOM_HAND_PATH, json(server, ' 3-4 で 403 '));
    expect(raised.status, raised.text).toBe(200);
    expect(raised.body).toEqual({ ok: true });
    expect(room.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/api/hand',
        authorization: `Bearer ${token}`,
        body: { message: '3-4 で 403' },
      }),
    ]);

    const lowered = await send(server, 'DELETE', KIT_ROOM_HAND_PATH, {
      headers: { origin: server.url },
    });
    expect(lowered.status, lowered.text).toBe(200);
    expect(room.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/hand' });
  });

  it('raises the hand without a message (an empty body is {})', async () => {
    const raised = await send(server, 'POST', KIT_ROOM_HAND_PATH, {
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(raised.status, raised.text).toBe(200);
    expect(room.requests.map((request) => request.body)).toEqual([{}]);
  });

  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['another port on this machine', { origin: 'http://127.0.0.1:1' }],
    ['a DNS-rebound name', { host: 'evil.example:3000' }],
    ['an opaque origin', { origin: 'null' }],
  ])('refuses %s (403) and tells the room nothing', async (_what, headers) => {
    for (const [method, path] of [
      ['POST', KIT_ROOM_HAND_PATH],
      ['DELETE', KIT_ROOM_HAND_PATH],
      ['GET', KIT_ROOM_INFO_PATH],
    ] as const) {
      const answer = await send(server, method, path, {
        headers: { 'content-type': 'application/json', ...headers },
        body: method === 'POST' ? '{}' : undefined,
      });
      expectKitError(answer, 403, 'origin_not_allowed');
      expect(answer.text).not.toContain(token);
    }
    expect(room.requests).toEqual([]);
  });

  it('refuses a body a cross-site form could send (415), and one too large (413)', async () => {
    const form = await send(server, 'POST', KIT_ROOM_HAND_PATH, {
      headers: { 'content-type': 'text/plain' },
      body: '{"message":"x"}',
    });
    expectKitError(form, 415, 'unsupported_media_type');
    const large = await send(server, 'POST', KIT_ROOM_HAND_PATH, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'あ'.repeat(1000) }),
    });
    expectKitError(large, 413, 'body_too_large');
    expect(room.requests).toEqual([]);
  });

  it.each([
    ['over 140 characters', JSON.stringify({ message: 'あ'.repeat(141) }), 'message_invalid'],
    ['not a string', JSON.stringify({ message: 42 }), 'message_invalid'],
    ['a control character', JSON.stringify({ message: 'a\u0007b' }), 'message_invalid'],
    ['not JSON', '{message:', 'body_invalid'],
    ['an array', '[]', 'body_invalid'],
  ])('refuses a message %s (400), before asking the room', async (_what, body, code) => {
    const answer = await send(server, 'POST', KIT_ROOM_HAND_PATH, {
      headers: { 'content-type': 'application/json' },
      body,
    });
    expectKitError(answer, 400, code);
    expect(room.requests).toEqual([]);
  });

  it('reads the membership at each request: after leaving, not joined (409)', async () => {
    await forgetMembership(roomFile);
    expect((await send(server, 'GET', KIT_ROOM_INFO_PATH)).body).toEqual({ joined: false });
    const raised = await send(server, 'POST', KIT_ROOM_HAND_PATH, json(server, 'help'));
    expectKitError(raised, 409, 'room_not_joined');
    expect((raised.body as { error: { message: string } }).error.message).toContain(
      'pnpm room:join',
    );
    expect(room.requests).toEqual([]);
  });

  it('passes on the room’s refusal as 502 (a member the room forgot)', async () => {
    room.members.clear();
    const raised = await send(server, 'POST', KIT_ROOM_HAND_PATH, json(server));
    expectKitError(raised, 502, 'room_unavailable');
    expect((raised.body as { error: { message: string } }).error.message).toContain(
      'pnpm room:join',
    );
  });

  it('says who is registered in the room now, asking with the token, never showing it', async () => {
    room.directory = {
      phones: [
        { identity: 'bob', name: '<b>bob</b>' },
        { identity: 'hanako', name: 'はなこ' },
      ],
    };
    const answer = await send(server, 'GET', KIT_ROOM_DIRECTORY_PATH);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual(room.directory);
    expect(answer.text).not.toContain(token);
    expect(room.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/api/directory',
        authorization: `Bearer ${token}`,
      }),
    ]);
    const response = await fetch(`${server.url}${KIT_ROOM_DIRECTORY_PATH}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['an identity the rule refuses', [{ identity: '<img src=x>', name: 'x' }]],
    ['a name too long', [{ identity: 'bob', name: 'あ'.repeat(33) }]],
    ['too many phones', Array.from({ length: 501 }, (_, n) => ({ identity: `p${n}`, name: 'p' }))],
  ])('passes on no directory with %s: 502 with a Japanese message', async (_what, phones) => {
    room.directory = { phones };
    const answer = await send(server, 'GET', KIT_ROOM_DIRECTORY_PATH);
    expectKitError(answer, 502, 'room_unavailable');
    expect(answer.text).not.toContain('<img');
    expect(answer.text).not.toContain('ああああ');
  });

  it('answers 502 in Japanese, not 500, when the room refuses, is gone or is silent', async () => {
    room.members.clear();
    const forgotten = await send(server, 'GET', KIT_ROOM_DIRECTORY_PATH);
    expectKitError(forgotten, 502, 'room_unavailable');
    expect((forgotten.body as { error: { message: string } }).error.message).toContain(
      'pnpm room:join',
    );

    await joinWith(await closedRoomUrl());
    expectKitError(await send(server, 'GET', KIT_ROOM_DIRECTORY_PATH), 502, 'room_unavailable');

    const silent = await startFakeRoom({ delayMs: Number.POSITIVE_INFINITY });
    try {
      await joinWith(silent.url);
      const started = Date.now();
      const answer = await send(server, 'GET', KIT_ROOM_DIRECTORY_PATH);
      expectKitError(answer, 502, 'room_unavailable');
      expect((answer.body as { error: { message: string } }).error.message).toContain('応答');
      expect(Date.now() - started).toBeLessThan(4500);
    } finally {
      await silent.close();
    }
  });

  it('answers 409 before joining, and refuses another page (403) without asking the room', async () => {
    const evil = await send(server, 'GET', KIT_ROOM_DIRECTORY_PATH, {
      headers: { origin: 'https://evil.example' },
    });
    expectKitError(evil, 403, 'origin_not_allowed');
    await forgetMembership(roomFile);
    expectKitError(await send(server, 'GET', KIT_ROOM_DIRECTORY_PATH), 409, 'room_not_joined');
    expect(room.requests).toEqual([]);
  });

  it('answers 405 to other methods', async () => {
    expectKitError(await send(server, 'PUT', KIT_ROOM_HAND_PATH), 405, 'method_not_allowed');
    expectKitError(await send(server, 'POST', KIT_ROOM_INFO_PATH), 405, 'method_not_allowed');
    const post = await send(server, 'POST', KIT_ROOM_DIRECTORY_PATH);
    expectKitError(post, 405, 'method_not_allowed');
    expect(room.requests).toEqual([]);
  });

  it('is the runtime’s 404 when the launcher gives no room file, as on Twilio', async () => {
    const plain = await startStepServer({ stepDir, env: {} });
    try {
      expect((await send(plain, 'GET', KIT_ROOM_INFO_PATH)).status).toBe(404);
      expect((await send(plain, 'POST', KIT_ROOM_HAND_PATH, json(plain))).status).toBe(404);
      expect((await send(plain, 'GET', KIT_ROOM_DIRECTORY_PATH)).status).toBe(404);
    } finally {
      await plain.close();
    }
    expect(room.requests).toEqual([]);
  });
});
