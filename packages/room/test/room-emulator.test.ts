import { join } from 'node:path';
import { PStreamClient } from '@kit/emulator/client';
import type { JoinResponse } from '@kit/shared/room';
import { signAccessToken, voiceTokenClaims } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RoomEmulator, type RunningRoom, startRoomEmulator } from '../src/index.js';
import { call, joinAs, startTestRoom, tempDir } from './helpers.js';

/**
 * The room's emulator (教室モードの通話): the room's account with every member's key
 * and App, kept in step with joins and 退室させる, each key signing only its member's
 * identity. Real PStream clients (the protocol the Voice SDK speaks) on loopback.
 */

/** A Voice Access Token as the member's Functions mint it with their room credentials. */
function voiceToken(member: JoinResponse, identity: string): string {
  return signAccessToken(
    voiceTokenClaims(member.credentials, identity, {
      jti: `${member.credentials.API_KEY}-${identity}`,
    }),
    member.credentials.API_SECRET,
  );
}

let temp: Awaited<ReturnType<typeof tempDir>>;
let room: RunningRoom;
let phones: RoomEmulator;
const clients: PStreamClient[] = [];

beforeAll(async () => {
  temp = await tempDir();
  room = await startTestRoom(join(temp.dir, 'data'));
  phones = await startRoomEmulator(room, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await phones?.close();
  await room?.close();
  await temp?.remove();
});

async function phone(): Promise<PStreamClient> {
  const client = await PStreamClient.connect(phones.url, { timeoutMs: 5000, userAgent: 'vitest' });
  clients.push(client);
  return client;
}

describe("the room's emulator", () => {
  it("registers each member as their own identity, refuses another's and shows who tried", async () => {
    const sakura = await joinAs(room, 'さくら', 'sakura');
    const bob = await joinAs(room, 'bob');
    await (await phone()).register(voiceToken(sakura, 'sakura'));
    await (await phone()).register(voiceToken(bob, 'bob'));
    await (await phone()).register(voiceToken(sakura, 'sakura-2'));
    expect(phones.emulator.stats().registrations).toBe(3);

    const reply = await (await phone()).listen(voiceToken(sakura, 'bob'));
    expect(reply.type).toBe('error');
    expect(reply.payload.error).toMatchObject({ code: 31204 });
    await expect
      .poll(
        () =>
          room.snapshot().members.find((member) => member.identity === 'sakura')?.refusedIdentity
            ?.identity,
      )
      .toBe('bob');
  });

  it("ends a member's call with 11200 while their laptop has no connection to the room", async () => {
    const carol = await joinAs(room, 'carol'); // joined after the emulator started
    const caller = await phone();
    await caller.register(voiceToken(carol, 'carol'));
    caller.invite('bob');
    const hangup = await caller.next('hangup');
    expect(hangup.payload.error).toMatchObject({ code: 11200 });
  });

  it('unregisters a member removed from the board (退室させる) and refuses their key', async () => {
    const dave = await joinAs(room, 'dave');
    const daves = await phone();
    await daves.register(voiceToken(dave, 'dave'));
    const revoked = await call(room, `/api/board/members/${dave.memberId}/revoke`, {
      method: 'POST',
    });
    expect(revoked.status).toBe(200);
    expect((await daves.next('error')).payload.error).toMatchObject({ code: 31204 });
    const again = await (await phone()).listen(voiceToken(dave, 'dave'));
    expect(again.payload.error).toMatchObject({ code: 31204 });
  });

  it('echoes a media probe byte for byte on its port (UDP), and nothing else, a few a second at most', async () => {
    const { createSocket } = await import('node:dgram');
    const { randomBytes } = await import('node:crypto');
    const { mediaProbe } = await import('@kit/shared/member-link');
    const socket = createSocket('udp4');
    const echoes: string[] = [];
    socket.on('message', (message) => echoes.push(message.toString()));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const send = (text: string) =>
      new Promise<void>((resolve) =>
        socket.send(text, phones.emulator.port, '127.0.0.1', () => resolve()),
      );
    const probe = mediaProbe(randomBytes(16).toString('hex'));
    await send('hello');
    await send(`${probe}x`);
    await send(probe);
    await expect.poll(() => echoes).toEqual([probe]);
    for (let i = 0; i < 20; i++) await send(probe);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(echoes.length).toBe(10); // the limit per sender and 10 s
    expect((await call(room, '/api/room')).json).toMatchObject({
      phonesPort: phones.emulator.port,
    });
    socket.close();
  });

  it('answers only requests that name its own address, as the room does (no DNS-rebound name)', async () => {
    const healthz = phones.url.replace(/^ws:/, 'http:').replace(/\/signal$/, '/healthz');
    expect((await fetch(healthz)).status).toBe(200);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const asked = request(healthz, { headers: { host: 'rebound.example:4601' } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode ?? 0);
      });
      asked.on('error', reject);
      asked.end();
    });
    expect(status).toBe(403);
  });
});
