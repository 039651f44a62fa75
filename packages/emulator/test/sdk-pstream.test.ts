import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ANSWER_SDP, Harness, OFFER_SDP } from './support/harness.js';
import { dialTwiml } from './support/twiml-server.js';

/**
 * The REAL signalling layer of @twilio/voice-sdk 2.18.5 (its PStream and
 * WSTransport, unmodified) against the emulator, in Node: the frames, the
 * heartbeat echo, the reconnect. (Device and Call need a browser; the phone's
 * Playwright specs cover those.) Node 20 has no global WebSocket, so `ws`
 * stands in, with the same wss:// → ws:// rewrite the phone installs.
 */
interface PStream extends EventEmitter {
  status: string;
  register(media: { audio: boolean }): void;
  invite(sdp: string, callsid: string, params: string): void;
  reconnect(sdp: string, callsid: string, reconnect: string): void;
  answer(sdp: string, callsid: string): void;
  hangup(callsid: string): void;
  setToken(token: string): void;
  destroy(): void;
  transport: { _socket: WebSocket | null };
}
type PStreamClass = new (token: string, uris: string[], options: object) => PStream;

const harness = new Harness();
let PStreamImpl: PStreamClass;
const streams: PStream[] = [];

beforeAll(async () => {
  await harness.start({ heartbeatIntervalMs: 100 });
  const emulatorHost = harness.emulator.signalingHost;
  class RewritingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(String(url).replace(`wss://${emulatorHost}/`, `ws://${emulatorHost}/`), protocols);
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = RewritingWebSocket;
  // The package exports only its entry; load the module file by path, after the shim (it captures WebSocket).
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@twilio/voice-sdk');
  PStreamImpl = require(join(dirname(entry), 'twilio/pstream.js')).default as PStreamClass;
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.destroy();
  await harness.expectIdle();
});
afterAll(() => harness.stop());

function open(token: string): PStream {
  const stream = new PStreamImpl(token, [`wss://${harness.emulator.signalingHost}/signal`], {});
  streams.push(stream);
  return stream;
}

/**
 * The next `event` of a stream. The wait is generous: on a loopback emulator each
 * event takes milliseconds, but fresh-clone CI runs, with every package testing at
 * once, have missed 3 s and 5 s waits here. A missing event still fails the test.
 */
function next<T = Record<string, unknown>>(
  stream: PStream,
  event: string,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${event} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    stream.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

async function registered(identity: string): Promise<PStream> {
  const stream = open(harness.token(identity));
  await next(stream, 'connected');
  stream.register({ audio: true });
  await next(stream, 'ready');
  return stream;
}

describe("the SDK's own PStream against the emulator", () => {
  it('listens, registers, and keeps the socket alive on heartbeats', async () => {
    const stream = open(harness.token('bob', { ttl: 300 }));
    const connected = await next<{ token: { identity: string; ttl: number } }>(stream, 'connected');
    expect(connected.token.identity).toBe('bob');
    expect(connected.token.ttl).toBeLessThanOrEqual(300);
    stream.register({ audio: true });
    await next(stream, 'ready');
    expect(harness.emulator.stats()).toMatchObject({ registrations: 1, devices: 1 });

    const framesBefore = harness.emulator.stats().totals.frames;
    let closed = false;
    stream.on('transportClose', () => {
      closed = true;
    });
    // The SDK echoed our heartbeats (each echo is a frame) and never dropped the socket.
    // Polled rather than counted after a fixed 600 ms: a busy CI machine once fit only 3 in.
    await expect
      .poll(() => harness.emulator.stats().totals.frames - framesBefore, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(4);
    expect(closed).toBe(false);
  });

  it('gets 31204 for a bad token and stays connected (no reconnect loop)', async () => {
    const stream = open('not-a-token');
    const errors: { error: { code: number } }[] = [];
    stream.on('error', (payload: { error: { code: number } }) => errors.push(payload));
    let reopened = 0;
    stream.on('transportOpen', () => {
      reopened += 1;
    });
    await expect.poll(() => errors.map((payload) => payload.error.code)).toContain(31204);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(reopened).toBe(1);
    expect(harness.emulator.stats().totals.sockets).toBeGreaterThan(0);
  });

  it('places a call from one PStream to another, with SDP relayed both ways', {
    timeout: 40_000,
  }, async () => {
    harness.twiml.reply = { body: dialTwiml(['bob']) };
    const bob = await registered('bob');
    const alice = open(harness.token('alice'));
    await next(alice, 'connected');

    const incoming = next<{
      callsid: string;
      sdp: string;
      parameters: Record<string, string>;
      reconnect: string;
    }>(bob, 'invite');
    alice.invite(OFFER_SDP, 'TJSsdk-1', 'To=bob&Custom1=foo%20%2B%20bar');
    const invite = await incoming;
    expect(invite.sdp).toBe(OFFER_SDP);
    expect(invite.parameters).toMatchObject({
      From: 'client:alice',
      Params: 'Custom1=foo%20%2B%20bar',
    });
    const ringing = await next<{ callsid: string }>(alice, 'ringing');

    const answered = next<{ callsid: string; sdp: string; reconnect: string }>(alice, 'answer');
    bob.answer(ANSWER_SDP, invite.callsid);
    const answer = await answered;
    expect(answer).toMatchObject({ callsid: ringing.callsid, sdp: ANSWER_SDP });

    // The socket drops; the SDK reconnects by itself and sends its reconnect invite.
    // The SDK waits a backoff of its own before reconnecting.
    const reconnected = next<{ callsid: string; reconnect: string }>(alice, 'answer', 15_000);
    alice.once('connected', () => alice.reconnect(OFFER_SDP, answer.callsid, answer.reconnect));
    alice.transport._socket?.terminate();
    expect(await reconnected).toEqual({ callsid: answer.callsid, reconnect: answer.reconnect });

    const hungUp = next<{ callsid: string }>(bob, 'hangup');
    alice.hangup(answer.callsid);
    expect(await hungUp).toEqual({ callsid: invite.callsid });
  });
});
