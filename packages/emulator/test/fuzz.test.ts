import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDevice } from './support/device.js';
import { ANSWER_SDP, Harness, OFFER_SDP } from './support/harness.js';
import { baseClaims, signClaims } from './support/tokens.js';
import { dialTwiml } from './support/twiml-server.js';

/**
 * Bounded fuzzing: 2,000 random and mutated frames from several sockets,
 * some authenticated (so invites reach the webhook and ring), while the
 * server must keep answering, never crash, and end with empty tables.
 */
const FRAME_COUNT = 2000;
const SEED = Number(process.env.FUZZ_SEED ?? 20260522);

const harness = new Harness();
beforeAll(() => harness.start({ maxFrameBytes: 16 * 1024, heartbeatIntervalMs: 250 }));
afterAll(() => harness.stop());

/** mulberry32: small, seedable, so a failure can be replayed with FUZZ_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzzing the signalling socket', () => {
  it(`survives ${FRAME_COUNT} random and mutated frames (seed ${SEED}) and returns to empty tables`, async () => {
    const rand = random(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    const twimlVariants = [
      dialTwiml(['bob'], 'timeout="0.3"'),
      dialTwiml(['nobody']),
      '<Response><Say>x</Say></Response>',
      '<Response><Dial><Number>1</Number></Dial></Response>',
      '<Response><Dial',
    ];
    harness.twiml.reply = () => ({ body: pick(twimlVariants) });

    const sockets: TestDevice[] = [];
    for (const identity of ['bob', 'bob', 'alice', 'eve'])
      sockets.push(await harness.registered(identity));
    for (let i = 0; i < 2; i++) sockets.push(await harness.device()); // never authenticated

    const knownSids = ['TJS1', 'CAxyz', ''];
    const types = [
      'listen',
      'register',
      'invite',
      'answer',
      'hangup',
      'reject',
      'dtmf',
      'message',
      'reinvite',
      'close',
      'connected',
      '__proto__',
      'constructor',
    ];
    const values: unknown[] = [
      null,
      true,
      0,
      -1,
      1e308,
      '',
      'x',
      [],
      {},
      { audio: 'yes' },
      '\u0000',
      'a'.repeat(300),
      { __proto__: { polluted: true } },
    ];
    const validToken = () => harness.token(pick(['bob', 'alice', 'eve']));
    const garbageToken = () =>
      signClaims(
        baseClaims(harness.credentials, { exp: pick(values) }),
        harness.credentials.API_SECRET,
      );

    const frame = (): string | Buffer => {
      const roll = rand();
      if (roll < 0.1)
        return Buffer.from(
          Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)),
        );
      if (roll < 0.2)
        return String.fromCharCode(
          ...Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 0xffff)),
        );
      if (roll < 0.25) return 'x'.repeat(16 * 1024 + 1 + Math.floor(rand() * 1000)); // oversize
      if (roll < 0.3)
        return pick([
          '\n',
          '{',
          '[]',
          'null',
          '"listen"',
          '{"type":1}',
          '{"type":"invite","payload":[]}',
        ]);
      const type = pick(types);
      const payload: Record<string, unknown> = {};
      switch (type) {
        case 'listen':
          payload.token = rand() < 0.5 ? validToken() : pick([garbageToken(), pick(values)]);
          break;
        case 'register':
          payload.media = rand() < 0.7 ? { audio: rand() < 0.8 } : pick(values);
          break;
        case 'invite':
          payload.callsid = rand() < 0.8 ? `TJS${Math.floor(rand() * 1e9)}` : pick(values);
          payload.sdp = rand() < 0.8 ? OFFER_SDP : pick(values);
          payload.twilio =
            rand() < 0.7
              ? {
                  params: `To=${pick(['bob', 'alice', 'nobody', '%zz', ''])}&k=${Math.floor(rand() * 9)}`,
                }
              : pick(values);
          if (rand() < 0.2) payload.reconnect = pick(['RCnope', '', ...values.slice(0, 3)]);
          break;
        default:
          payload.callsid = rand() < 0.7 ? pick(knownSids) : pick(values);
          payload.sdp = rand() < 0.5 ? ANSWER_SDP : pick(values);
          payload.dtmf = pick(['1', '#', '1'.repeat(100), ...values.slice(0, 4)]);
          payload.voiceeventsid = pick(['KX1', ...values.slice(0, 3)]);
      }
      const body =
        rand() < 0.9
          ? { payload, type, version: '1.6' }
          : { payload: pick(values), type: pick([type, ...values]) };
      return JSON.stringify(body);
    };

    const started = Date.now();
    for (let sent = 0; sent < FRAME_COUNT; sent++) {
      const socket = pick(sockets);
      if (!socket.isOpen) continue;
      socket.sendRaw(frame());
      // Learn real CallSids from what the server sent, so mutated frames can hit live legs.
      for (const message of socket.unread()) {
        const callsid = message.payload.callsid;
        if (typeof callsid === 'string' && knownSids.length < 200) knownSids.push(callsid);
      }
      if (sent % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const stats = harness.emulator.stats();
    expect(stats.totals.frames).toBeGreaterThan(FRAME_COUNT * 0.9);
    expect(stats.totals.rejectedFrames).toBeGreaterThan(0);
    expect(stats.totals.calls).toBeGreaterThan(0); // some invites got through to the webhook
    expect(Date.now() - started).toBeLessThan(15_000);

    // Still up: a fresh, well-behaved call (identities the fuzzer never used) goes through.
    const carol = await harness.registered('carol');
    const dave = await harness.registered('dave');
    harness.twiml.reply = { body: dialTwiml(['carol']) };
    const temporarySid = harness.invite(dave, { To: 'carol' });
    const fromDave = (payload: Record<string, unknown>) =>
      (payload.parameters as { From?: string } | undefined)?.From === 'client:dave';
    const incoming = await carol.next('invite', fromDave, 5000);
    carol.send('answer', { callsid: incoming.payload.callsid, sdp: ANSWER_SDP });
    await dave.next('answer', () => true, 5000);
    dave.send('hangup', { callsid: temporarySid });
    await carol.next('hangup', (payload) => payload.callsid === incoming.payload.callsid);

    // And everything drains once the sockets are gone.
    await harness.expectIdle();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
