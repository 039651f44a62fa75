import { ANSWER_SDP, OFFER_SDP, PStreamClient } from '@kit/emulator/client';
import { ACCESS_TOKEN_HEADER, signAccessToken, voiceTokenClaims } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignalingRig, startSignalingRig } from '../src/signaling-rig.js';
import { Counts } from './support/counts.js';

/**
 * Hostile frames per PStream message type against the emulator, whose Voice
 * URL is the real step-04 /call: each must get the documented protocol
 * error (PROTOCOL.md §6), the socket must stay usable, and a normal call
 * must still work afterwards.
 */
const counts = new Counts('emulator message type');
let rig: SignalingRig;

beforeAll(async () => {
  rig = await startSignalingRig({ maxFrameBytes: 16 * 1024, log: () => {} });
});

afterAll(async () => {
  counts.print();
  await rig.close();
});

const signed = (claims: Record<string, unknown>, secret: string, alg = 'HS256') =>
  signAccessToken(claims, secret, { ...ACCESS_TOKEN_HEADER, alg });
const claims = (overrides: Record<string, unknown> = {}) =>
  voiceTokenClaims(rig.credentials, 'mallory', overrides);

type ErrorPayload = { error?: { code?: number } };
const codeOf = (payload: Record<string, unknown>) => (payload as ErrorPayload).error?.code;

describe('hostile frames get the documented protocol errors', () => {
  it('not a PStream frame (raw) → error 31100, socket kept', async () => {
    const client = await PStreamClient.connect(rig.emulator.url);
    const frames = [
      '{',
      'null',
      '[]',
      '"listen"',
      '123',
      '{"payload":{}}',
      '{"type":42,"payload":{}}',
      '{"type":"transportOpen","payload":{}}',
      '{"type":"ready","payload":{}}',
      '{"type":"nonsense","payload":{}}',
      JSON.stringify({ type: 'listen', payload: { token: 'x'.repeat(20_000) }, version: '1.6' }),
    ];
    for (const frame of frames) {
      client.socket.send(frame);
      const reply = await client.next(['error', 'hangup']);
      const documented = reply.type === 'error' && codeOf(reply.payload) === 31100;
      counts.record('raw / unknown type / oversized', documented);
      expect(documented, `${frame.slice(0, 60)} → ${JSON.stringify(reply.payload)}`).toBe(true);
    }
    expect(client.closed).toBe(false);
    await client.close();
  });

  it('listen with bad tokens → error 31204 / 31205, socket kept', async () => {
    const secret = rig.credentials.API_SECRET;
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, unknown, number][] = [
      ['missing', undefined, 31204],
      ['empty', '', 31204],
      ['not a JWT', 'abc', 31204],
      ['number', 42, 31204],
      ['wrong secret', signed(claims(), 'not-the-secret'), 31204],
      ['alg none', `${signed(claims(), secret, 'none').split('.').slice(0, 2).join('.')}.`, 31204],
      ['wrong issuer', signed(claims({ iss: 'SKother' }), secret), 31204],
      ['wrong account', signed(claims({ sub: 'ACother' }), secret), 31204],
      ['no identity', signed(claims({ grants: {} }), secret), 31204],
      ['not yet valid', signed(claims({ nbf: now + 3600 }), secret), 31204],
      ['expired', signed(claims({ exp: now - 10 }), secret), 31205],
    ];
    const client = await PStreamClient.connect(rig.emulator.url);
    for (const [name, token, code] of cases) {
      client.send('listen', token === undefined ? {} : { token });
      const reply = await client.next(['error', 'connected']);
      const documented = reply.type === 'error' && codeOf(reply.payload) === code;
      counts.record('listen', documented);
      expect(documented, `${name} → ${reply.type} ${JSON.stringify(reply.payload)}`).toBe(true);
    }
    expect(client.closed).toBe(false);
    await client.close();
  });

  it('register and invite before a valid listen → 31204', async () => {
    const client = await PStreamClient.connect(rig.emulator.url);
    client.send('register', { media: { audio: true } });
    const registered = await client.next(['error', 'ready']);
    const registerOk = registered.type === 'error' && codeOf(registered.payload) === 31204;
    counts.record('register', registerOk);
    expect(registerOk, JSON.stringify(registered)).toBe(true);

    const callsid = client.invite('bob');
    const invited = await client.next(['hangup', 'error', 'ringing']);
    const inviteOk =
      invited.type === 'hangup' &&
      invited.payload.callsid === callsid &&
      codeOf(invited.payload) === 31204;
    counts.record('invite', inviteOk);
    expect(inviteOk, JSON.stringify(invited)).toBe(true);
    await client.close();
  });

  it('invite: malformed or undialable → 31100 or a hangup, nobody rung', async () => {
    const caller = await PStreamClient.connect(rig.emulator.url);
    await caller.register(rig.token('mallory'));
    const callee = await PStreamClient.connect(rig.emulator.url);
    await callee.register(rig.token('bob'));
    const deaf = await PStreamClient.connect(rig.emulator.url);
    await deaf.register(rig.token('deaf', { incoming: false }));

    // Frames without a callsid cannot be answered on a call: error 31100.
    for (const payload of [{ sdp: OFFER_SDP }, { callsid: '', sdp: OFFER_SDP }, { callsid: 42 }]) {
      caller.send('invite', payload);
      const reply = await caller.next(['error', 'hangup']);
      const documented = reply.type === 'error' && codeOf(reply.payload) === 31100;
      counts.record('invite', documented);
      expect(documented, `${JSON.stringify(payload)} → ${JSON.stringify(reply)}`).toBe(true);
    }
    // Destinations /call refuses (a Say + Hangup, no Dial) end with a hangup; unknown or deaf callees with their codes.
    const destinations: [string, number | undefined][] = [
      ['+819012345678', undefined],
      ['sip:bob@example.com', undefined],
      ['', undefined],
      ['<Number>1</Number>', undefined],
      ['nobody', 31480],
      ['deaf', 31201],
    ];
    for (const [to, code] of destinations) {
      const callsid = caller.invite(to);
      const reply = await caller.next(
        'hangup',
        (payload) =>
          [callsid, undefined].includes(payload.callsid as string | undefined) ||
          String(payload.callsid).startsWith('CA'),
      );
      const documented = codeOf(reply.payload) === code;
      counts.record('invite', documented);
      expect(documented, `To=${to} → ${JSON.stringify(reply.payload)}`).toBe(true);
    }
    expect(callee.unread('invite')).toEqual([]);
    expect(deaf.unread('invite')).toEqual([]);
    await Promise.all([caller.close(), callee.close(), deaf.close()]);
  });

  it('call-control frames for unknown calls or without callsid → hangup / ignored / 31100', async () => {
    const client = await PStreamClient.connect(rig.emulator.url);
    await client.register(rig.token('mallory'));
    const unknown = `CA${'9'.repeat(32)}`;
    // An answer for a call that does not exist gets a hangup, so the SDK's accepted Call ends.
    client.send('answer', { callsid: unknown, sdp: ANSWER_SDP });
    const answered = await client.next(['hangup', 'error']);
    const answerOk = answered.type === 'hangup' && answered.payload.callsid === unknown;
    counts.record('answer', answerOk);
    expect(answerOk, JSON.stringify(answered)).toBe(true);

    for (const type of ['answer', 'hangup', 'reject', 'dtmf', 'message', 'reinvite']) {
      client.send(type, { sdp: ANSWER_SDP, dtmf: '1', content: 'x' });
      const reply = await client.next(['error', 'hangup']);
      const documented = reply.type === 'error' && codeOf(reply.payload) === 31100;
      counts.record(type, documented);
      expect(documented, `${type} without callsid → ${JSON.stringify(reply)}`).toBe(true);
    }
    // Unknown calls: hangup/reject/dtmf/reinvite are ignored quietly (nothing to end).
    for (const type of ['hangup', 'reject', 'dtmf', 'reinvite']) {
      client.send(type, { callsid: unknown, dtmf: '1', sdp: OFFER_SDP });
      counts.record(type, true);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    const unexpected = client.unread().filter((frame) => frame.type !== 'ack');
    expect(unexpected).toEqual([]);
    expect(client.closed).toBe(false);
    await client.close();
  });

  it('after all of that, a normal call still works and nothing is left behind', async () => {
    const alice = await PStreamClient.connect(rig.emulator.url);
    const bob = await PStreamClient.connect(rig.emulator.url);
    await alice.register(rig.token('alice'));
    await bob.register(rig.token('bob'));
    alice.invite('bob');
    const invite = await bob.next('invite');
    const ringing = await alice.next('ringing');
    bob.send('answer', { callsid: invite.payload.callsid, sdp: ANSWER_SDP });
    expect((await alice.next('answer')).payload.sdp).toBe(ANSWER_SDP);
    alice.send('hangup', { callsid: ringing.payload.callsid });
    await bob.next('hangup');
    await Promise.all([alice.close(), bob.close()]);
    await expect
      .poll(() => rig.emulator.stats(), { timeout: 3000, interval: 20 })
      .toMatchObject({ registrations: 0, devices: 0, calls: 0, sockets: 0 });
  });
});
