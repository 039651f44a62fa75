import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANSWER_SDP, PStreamClient } from '@kit/emulator/client';
import { MEMBER_LINK_PATH } from '@kit/shared/member-link';
import type { BoardMember, JoinResponse } from '@kit/shared/room';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_FILE, type RoomEmulator, type RunningRoom, startRoomEmulator } from '../src/index.js';
import { dial, type HandKit, openHandKit, voiceToken } from './hand-kit.js';
import { call, joinAs, openBoard, startTestRoom, tempDir } from './helpers.js';

/**
 * The board shows the calls (issue #24, item 7), end to end: the room's own
 * emulator, phones as real PStream clients (the protocol the Voice SDK speaks),
 * and a member's kit played by hand on its link, answering the room's webhook
 * with `<Dial><Client>bob</Client></Dial>` as the member's /call does.
 */

const VOICE_URL = 'http://127.0.0.1:3999/call';
const POLL_MS = 50;

let temp: Awaited<ReturnType<typeof tempDir>>;
let dataDir: string;
let room: RunningRoom;
let phones: RoomEmulator;
const opened: { close(): unknown }[] = [];

beforeAll(async () => {
  temp = await tempDir();
  dataDir = join(temp.dir, 'data');
  room = await startTestRoom(dataDir, { phonesPollMs: POLL_MS });
  phones = await startRoomEmulator(room, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await Promise.all(opened.map((open) => open.close()));
  await phones?.close();
  await room?.close();
  await temp?.remove();
});

async function phone(member: JoinResponse, identity: string): Promise<PStreamClient> {
  const client = await PStreamClient.connect(phones.url, { timeoutMs: 5000, userAgent: 'vitest' });
  opened.push(client);
  await client.register(voiceToken(member, identity));
  return client;
}

/** The member's kit, linked, its Voice URL said: the room sends it the member's webhooks. */
async function linkedKit(member: JoinResponse): Promise<HandKit> {
  const kit = await openHandKit(
    `${room.url.replace(/^http/, 'ws')}${MEMBER_LINK_PATH}`,
    member.token,
    opened,
  );
  await kit.next('ready');
  kit.send({ type: 'hello', voiceUrl: VOICE_URL });
  return kit;
}

/** The member's /call, by hand: the next webhook answered with `<Dial><Client>to</Client></Dial>`. */
async function answerWebhook(kit: HandKit, to: string): Promise<void> {
  const webhook = await kit.next('webhook');
  kit.send({
    type: 'answer',
    id: webhook.id,
    status: 200,
    contentType: 'text/xml',
    body: dial(to),
  });
}

describe('the board shows the calls', () => {
  it("shows each member's phones, who calls whom, ringing then connected, and counts the first call", async () => {
    const sakura = await joinAs(room, 'さくら', 'sakura');
    const bob = await joinAs(room, 'ボブ', 'bob');
    const board = await openBoard(room);
    const row = (memberId: string): BoardMember | undefined =>
      board.latest()?.members.find((member) => member.memberId === memberId);

    const kit = await linkedKit(sakura);
    const sakuras = await phone(sakura, 'sakura');
    await phone(sakura, 'sakura-2');
    const bobs = await phone(bob, 'bob');
    // The stream brings the registrations: nobody reloads the board.
    await expect.poll(() => row(sakura.memberId)?.phones).toEqual(['sakura', 'sakura-2']);
    await expect.poll(() => row(bob.memberId)?.phones).toEqual(['bob']);
    expect(board.latest()?.calledCount).toBe(0);

    sakuras.invite('bob');
    await answerWebhook(kit, 'bob');
    const invite = await bobs.next('invite');
    await expect
      .poll(() => row(sakura.memberId)?.calls)
      .toEqual([{ to: 'bob', state: 'ringing', placedAt: expect.any(String), connectedAt: null }]);

    const answeredAt = Date.now();
    bobs.send('answer', { callsid: invite.payload.callsid, sdp: ANSWER_SDP });
    await sakuras.next('answer');
    await expect.poll(() => row(sakura.memberId)?.calls[0]?.state).toBe('connected');
    const connectedAt = Date.parse(row(sakura.memberId)?.calls[0]?.connectedAt ?? '');
    expect(Math.abs(connectedAt - answeredAt)).toBeLessThan(1000);
    // The callee's row has the phone, not the call: the board shows calls on the caller's row.
    expect(row(bob.memberId)?.calls).toEqual([]);
    await expect.poll(() => board.latest()?.calledCount).toBe(1);
    expect(row(sakura.memberId)?.firstCallAt).toEqual(expect.any(String));

    bobs.send('hangup', { callsid: invite.payload.callsid });
    await sakuras.next('hangup');
    await expect.poll(() => row(sakura.memberId)?.calls).toEqual([]);

    // A second call is shown, and not logged again.
    sakuras.invite('bob');
    await answerWebhook(kit, 'bob');
    const again = await bobs.next('invite');
    bobs.send('answer', { callsid: again.payload.callsid, sdp: ANSWER_SDP });
    await sakuras.next('answer');
    await expect.poll(() => row(sakura.memberId)?.calls[0]?.state).toBe('connected');
    bobs.send('hangup', { callsid: again.payload.callsid });
    await sakuras.next('hangup');

    const logged = (await readFile(join(dataDir, LOG_FILE), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.type === 'call-connected');
    expect(logged).toEqual([
      {
        seq: expect.any(Number),
        at: expect.any(String),
        type: 'call-connected',
        memberId: sakura.memberId,
        to: 'bob',
      },
    ]);
    await board.close();
  });

  it('shows a call whose media did not connect, as the member’s kit reports it, and refuses a bad report', async () => {
    const carol = await joinAs(room, 'carol');
    const sent = await call(room, '/api/media-problem', {
      token: carol.token,
      body: { peer: 'bob' },
    });
    expect(sent.status).toBe(202);
    const row = room.snapshot().members.find((member) => member.memberId === carol.memberId);
    expect(row?.mediaFailure).toEqual({ peer: 'bob', at: expect.any(String) });
    for (const [body, token, status] of [
      [{ peer: '<b>x</b>' }, carol.token, 400],
      [{}, carol.token, 400],
      [{ peer: 'bob', extra: 1 }, carol.token, 400],
      [{ peer: 'bob' }, undefined, 401],
    ] as const) {
      const refused = await call(room, '/api/media-problem', { body, ...(token ? { token } : {}) });
      expect(refused.status, JSON.stringify(body)).toBe(status);
    }
  });

  it('keeps the count when the room restarts; the phones come back with the emulator', async () => {
    await phones.close();
    await room.close();
    room = await startTestRoom(dataDir, { phonesPollMs: POLL_MS });
    expect(room.resumed).toBe(true);
    expect(room.snapshot().calledCount).toBe(1);
    expect(room.snapshot().members.flatMap((member) => member.phones)).toEqual([]);
    phones = await startRoomEmulator(room, { host: '127.0.0.1', port: 0 });
    const [bob] = room.snapshot().members.filter((member) => member.identity === 'bob');
    expect(bob?.firstCallAt).toBeNull();
    // The media report was logged: the restarted board still shows it.
    const carol = room.snapshot().members.find((member) => member.name === 'carol');
    expect(carol?.mediaFailure?.peer).toBe('bob');
  });
});
