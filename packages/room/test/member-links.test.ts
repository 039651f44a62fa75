import { join } from 'node:path';
import { PStreamClient } from '@kit/emulator/client';
import { MEMBER_LINK_CLOSE, MEMBER_LINK_PATH } from '@kit/shared/member-link';
import type { JoinResponse } from '@kit/shared/room';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RoomEmulator, type RunningRoom, startRoomEmulator } from '../src/index.js';
import { dial, type HandKit, openHandKit, voiceToken } from './hand-kit.js';
import { call, joinAs, startTestRoom, tempDir } from './helpers.js';

/**
 * The member link, the room's end: a WebSocket played here by hand as a member's
 * kit would open it (the kit's own end is tested in @kit/launcher), so every
 * frame, refusal and failure is in the test's control. Calls are real PStream
 * clients (the protocol the Voice SDK speaks) on the room's emulator.
 */

/** The room's limit for a member's /call here (Twilio's 15 s would make the test wait). */
const SLOW_MS = 1500;
const VOICE_URL = 'http://127.0.0.1:3999/call';
let temp: Awaited<ReturnType<typeof tempDir>>;
let room: RunningRoom;
let phones: RoomEmulator;
const opened: { close(): unknown }[] = [];

beforeAll(async () => {
  temp = await tempDir();
  room = await startTestRoom(join(temp.dir, 'data'));
  phones = await startRoomEmulator(room, {
    host: '127.0.0.1',
    port: 0,
    webhookTimeoutMs: SLOW_MS,
  });
});
afterAll(async () => {
  await Promise.all(opened.map((open) => open.close()));
  await phones?.close();
  await room?.close();
  await temp?.remove();
});

function linkUrl(): string {
  return `${room.url.replace(/^http/, 'ws')}${MEMBER_LINK_PATH}`;
}

function openKit(token: string, headers: Record<string, string> = {}): Promise<HandKit> {
  return openHandKit(linkUrl(), token, opened, headers);
}

async function phone(member: JoinResponse, identity: string): Promise<PStreamClient> {
  const client = await PStreamClient.connect(phones.url, { timeoutMs: 5000, userAgent: 'vitest' });
  opened.push(client);
  await client.register(voiceToken(member, identity));
  return client;
}

/** The HTTP status and message of a refused upgrade. */
function refusal(headers: Record<string, string>, path = MEMBER_LINK_PATH) {
  return new Promise<{ status: number; message: string }>((resolve, reject) => {
    const socket = new WebSocket(`${room.url.replace(/^http/, 'ws')}${path}`, { headers });
    socket.on('open', () => reject(new Error('the room accepted the link')));
    socket.on('error', () => {});
    socket.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          message: (JSON.parse(text) as { error: { message: string } }).error.message,
        }),
      );
    });
  });
}

describe('the member link (the room side)', () => {
  it("says where the room's emulator is, and sends the caller's webhook to the caller's own kit, signed for its Voice URL", async () => {
    const alice = await joinAs(room, 'alice');
    const bob = await joinAs(room, 'bob');
    const kit = await openKit(alice.token);
    expect(await kit.next('ready')).toEqual({ type: 'ready', emulatorPort: phones.emulator.port });
    kit.send({ type: 'hello', voiceUrl: VOICE_URL });

    const alices = await phone(alice, 'alice');
    const bobs = await phone(bob, 'bob');
    alices.invite('bob');
    const webhook = await kit.next('webhook');
    const pendingOf = () =>
      room.memberLinks.status().find((link) => link.memberId === alice.memberId)?.pending;
    expect(pendingOf()).toBe(1);
    expect(webhook.params).toMatchObject({
      To: 'bob',
      From: 'client:alice',
      ApplicationSid: alice.credentials.TWIML_APP_SID,
      AccountSid: alice.credentials.ACCOUNT_SID,
    });
    // What the member's Protected /call checks: the room's auth token, over their own URL.
    expect(
      twilio.validateRequest(
        alice.credentials.AUTH_TOKEN,
        webhook.signature,
        VOICE_URL,
        webhook.params,
      ),
    ).toBe(true);
    kit.send({
      type: 'answer',
      id: webhook.id,
      status: 200,
      contentType: 'text/xml',
      body: dial('bob'),
    });
    const invite = await bobs.next('invite');
    expect(invite.payload.parameters).toMatchObject({ From: 'client:alice' });
    expect(pendingOf()).toBe(0);
    bobs.send('reject', { callsid: invite.payload.callsid });
    await alices.next('hangup');
  });

  it('gives only that caller 11200 when their /call fails, is slow or their kit drops, and says why', async () => {
    const carol = await joinAs(room, 'carol');
    const dave = await joinAs(room, 'dave');
    const kit = await openKit(carol.token);
    kit.send({ type: 'hello', voiceUrl: VOICE_URL });
    const daves = await phone(dave, 'dave');
    const carols = await phone(carol, 'carol');

    const failures: [string, (id: number) => void, string][] = [
      [
        'a 500',
        (id) => kit.send({ type: 'answer', id, status: 500, contentType: 'text/html', body: 'x' }),
        'HTTP 500',
      ],
      [
        'no /call on the laptop',
        (id) => kit.send({ type: 'unreachable', id, reason: 'ECONNREFUSED' }),
        'ECONNREFUSED',
      ],
      ['a /call that does not answer in time', () => {}, `${SLOW_MS} ms 以内に応答しませんでした`],
      ['a kit that drops', () => kit.socket.terminate(), '接続が切れました'],
    ];
    for (const [, fail, said] of failures) {
      carols.invite('dave');
      const webhook = await kit.next('webhook');
      fail(webhook.id);
      const hangup = await carols.next('hangup');
      expect(hangup.payload.error).toMatchObject({ code: 11200 });
      expect(String((hangup.payload.error as { message: string }).message)).toContain(said);
    }
    // The slow one was called off on the laptop too, once the room gave up.
    expect(await kit.next('cancel').catch(() => null)).not.toBeNull();
    // The callee never heard of any of it.
    expect(daves.unread('invite')).toEqual([]);
    // And with no link at all, the caller is told to start pnpm dev --room.
    carols.invite('dave');
    const hangup = await carols.next('hangup');
    expect(String((hangup.payload.error as { message: string }).message)).toContain(
      'pnpm dev --room',
    );
  });

  it("refuses a call through another member's TwiML App (21218): nobody calls with someone else's /call", async () => {
    const hana = await joinAs(room, 'hana');
    const ivan = await joinAs(room, 'ivan');
    const ivansKit = await openKit(ivan.token);
    ivansKit.send({ type: 'hello', voiceUrl: VOICE_URL });
    // hana's own key, but ivan's App in the token: what a hand-edited .env would mint.
    const borrowed = {
      ...hana,
      credentials: { ...hana.credentials, TWIML_APP_SID: ivan.credentials.TWIML_APP_SID },
    };
    const hanas = await phone(borrowed, 'hana');
    hanas.invite('ivan');
    const hangup = await hanas.next('hangup');
    expect(hangup.payload.error).toMatchObject({ code: 21218 });
    expect(ivansKit.frames.filter((frame) => frame.type === 'webhook')).toEqual([]);
  });

  it('refuses a link without a member token, for a revoked member, on another path or Host, in HTTP words', async () => {
    const erin = await joinAs(room, 'erin');
    expect(await refusal({})).toMatchObject({ status: 401 });
    expect(await refusal({ authorization: 'Bearer nope' })).toMatchObject({ status: 401 });
    expect(
      await refusal({ authorization: `Bearer ${erin.token}`, host: 'rebound.example:4600' }),
    ).toMatchObject({ status: 403 });
    expect(await refusal({ authorization: `Bearer ${erin.token}` }, '/api/other')).toMatchObject({
      status: 404,
    });

    const kit = await openKit(erin.token);
    await call(room, `/api/board/members/${erin.memberId}/revoke`, { method: 'POST' });
    expect((await kit.closed).code).toBe(MEMBER_LINK_CLOSE.revoked);
    const revoked = await refusal({ authorization: `Bearer ${erin.token}` });
    expect(revoked.status).toBe(403);
    expect(revoked.message).toContain('退室');
  });

  it('closes a link that floods the room with frames', async () => {
    const gina = await joinAs(room, 'gina');
    const kit = await openKit(gina.token);
    for (let i = 0; i < 250; i++) kit.send({ type: 'hello', voiceUrl: VOICE_URL });
    expect((await kit.closed).code).toBe(MEMBER_LINK_CLOSE.protocol);
  });

  it('closes a link that sends anything but the protocol, and keeps one link per member (the newer)', async () => {
    const frank = await joinAs(room, 'frank');
    for (const bad of [
      { type: 'hello', voiceUrl: 'http://evil.example/call' },
      { type: 'answer', id: 1, status: 200, contentType: 'text/xml' },
      { type: 'nonsense' },
    ]) {
      const kit = await openKit(frank.token);
      kit.send(bad);
      expect((await kit.closed).code).toBe(MEMBER_LINK_CLOSE.protocol);
    }
    const first = await openKit(frank.token);
    await first.next('ready');
    const second = await openKit(frank.token);
    await second.next('ready');
    expect((await first.closed).code).toBe(MEMBER_LINK_CLOSE.replaced);
    expect(
      room.memberLinks.status().filter((link) => link.memberId === frank.memberId),
    ).toHaveLength(1);
  });
});
