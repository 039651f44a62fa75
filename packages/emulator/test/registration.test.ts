import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './support/harness.js';
import { baseClaims, signClaims } from './support/tokens.js';

const harness = new Harness();
beforeAll(() => harness.start({ heartbeatIntervalMs: 200 }));
afterEach(() => harness.expectIdle());
afterAll(() => harness.stop());

describe('listen and register', () => {
  it('answers listen with connected (identity, remaining ttl) and register with ready', async () => {
    const device = await harness.device();
    const connected = await device.listen(harness.token('alice', { ttl: 600 }));
    expect(connected.type).toBe('connected');
    const token = connected.payload.token as { identity: string; ttl: number };
    expect(token.identity).toBe('alice');
    expect(token.ttl).toBeGreaterThan(590);
    expect(token.ttl).toBeLessThanOrEqual(600);
    expect(harness.emulator.stats()).toMatchObject({ registrations: 0, devices: 0, sockets: 1 });

    device.send('register', { media: { audio: true } });
    await device.next('ready');
    expect(harness.emulator.stats()).toMatchObject({ registrations: 1, devices: 1 });
  });

  it('counts several devices (tabs) of one identity as one registration', async () => {
    await harness.registered('bob');
    await harness.registered('bob');
    await harness.registered('carol');
    expect(harness.emulator.stats()).toMatchObject({ registrations: 2, devices: 3, sockets: 3 });
  });

  it('answers the 30 s re-register with ready again, and unregister with offline', async () => {
    const device = await harness.registered('bob');
    device.send('register', { media: { audio: true } });
    await device.next('ready');
    expect(harness.emulator.stats().devices).toBe(1);
    device.send('register', { media: { audio: false } });
    await device.next('offline');
    expect(harness.emulator.stats()).toMatchObject({ devices: 0, sockets: 1 });
    expect(device.isOpen).toBe(true);
  });

  it('unregisters a device when its socket closes (the SDK sends no unregister)', async () => {
    const device = await harness.registered('bob');
    expect(harness.emulator.stats().devices).toBe(1);
    await device.close();
    await expect.poll(() => harness.emulator.stats().devices).toBe(0);
  });

  it('re-verifies on updateToken (a second listen on the same socket) and answers connected', async () => {
    const device = await harness.registered('bob');
    const again = await device.listen(harness.token('bob', { ttl: 120 }));
    expect(again.type).toBe('connected');
    expect((again.payload.token as { ttl: number }).ttl).toBeLessThanOrEqual(120);
    expect(harness.emulator.stats().devices).toBe(1);
  });

  it('drops the registration when updateToken switches to another identity', async () => {
    const device = await harness.registered('bob');
    const again = await device.listen(harness.token('carol'));
    expect((again.payload.token as { identity: string }).identity).toBe('carol');
    expect(harness.emulator.stats().devices).toBe(0);
  });
});

describe('token errors (mapped by the SDK: 31204 → 20101, 31205 → 20104)', () => {
  const secret = () => harness.credentials.API_SECRET;
  const claims = (overrides: Record<string, unknown> = {}) =>
    baseClaims(harness.credentials, overrides);
  const refusals: { name: string; code: number; makeToken: () => string }[] = [
    {
      name: 'a token signed with another secret',
      code: 31204,
      makeToken: () => signClaims(claims(), 'not-the-secret'),
    },
    {
      name: 'a token from another API key',
      code: 31204,
      makeToken: () => signClaims(claims({ iss: 'SKother' }), secret()),
    },
    {
      name: 'a token for another account',
      code: 31204,
      makeToken: () => signClaims(claims({ sub: 'ACother' }), secret()),
    },
    {
      name: 'a token without an identity',
      code: 31204,
      makeToken: () => signClaims(claims({ grants: { voice: {} } }), secret()),
    },
    {
      name: 'alg none',
      code: 31204,
      makeToken: () => signClaims(claims(), secret(), { alg: 'none' }),
    },
    { name: 'not a JWT', code: 31204, makeToken: () => 'bob' },
    {
      name: 'an expired token',
      code: 31205,
      makeToken: () => signClaims(claims({ exp: Math.floor(Date.now() / 1000) - 5 }), secret()),
    },
  ];

  it.each(refusals)(
    'refuses $name with $code and keeps the socket open',
    async ({ code, makeToken }) => {
      const device = await harness.device();
      const reply = await device.listen(makeToken());
      expect(reply.type).toBe('error');
      expect(reply.payload.error).toMatchObject({ code });
      // The socket stays open: a server close would make the SDK retry every 100 ms.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(device.isOpen).toBe(true);
      expect(device.unread('close')).toEqual([]);
      // …and a good token on the same socket still works.
      expect((await device.listen(harness.token('alice'))).type).toBe('connected');
    },
  );

  it('with closeOnAuthError, follows the error with {"type":"close"} but still never closes the socket itself', async () => {
    const { startEmulator } = await import('../src/index.js');
    const { TestDevice } = await import('./support/device.js');
    const strict = await startEmulator({
      credentials: harness.credentials,
      voiceUrl: harness.twiml.url,
      closeOnAuthError: true,
    });
    try {
      const device = await TestDevice.connect(strict.url);
      expect((await device.listen('not-a-token')).payload.error).toMatchObject({ code: 31204 });
      await device.next('close');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(device.isOpen).toBe(true);
      await device.close();
      await expect.poll(() => strict.stats().sockets).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('refuses register before a valid listen with 31204', async () => {
    const device = await harness.device();
    device.send('register', { media: { audio: true } });
    const reply = await device.next('error');
    expect(reply.payload.error).toMatchObject({ code: 31204 });
    expect(harness.emulator.stats().devices).toBe(0);
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    const nbf = Math.floor(Date.now() / 1000) + 3600;
    const token = signClaims(
      baseClaims(harness.credentials, { nbf, exp: nbf + 60 }),
      harness.credentials.API_SECRET,
    );
    const device = await harness.device();
    expect((await device.listen(token)).payload.error).toMatchObject({ code: 31204 });
  });

  it('stops ringing a device whose token expires, with 31205 and offline', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = signClaims(
      baseClaims(harness.credentials, { exp }),
      harness.credentials.API_SECRET,
    );
    const device = await harness.device();
    const connected = await device.listen(token);
    expect(connected.type).toBe('connected');
    device.send('register', { media: { audio: true } });
    await device.next('ready');
    expect(harness.emulator.stats().devices).toBe(1);
    const expired = await device.next('error', () => true, 4000);
    expect(expired.payload.error).toMatchObject({ code: 31205 });
    await device.next('offline');
    expect(harness.emulator.stats().devices).toBe(0);
  });
});

describe('heartbeats', () => {
  it('sends "\\n" at the configured interval and does not answer the echoes', async () => {
    const device = await harness.device();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // 200 ms interval: about 5 in 1.1 s. Answering echoes would ping-pong into the thousands.
    expect(device.heartbeats).toBeGreaterThanOrEqual(4);
    expect(device.heartbeats).toBeLessThanOrEqual(7);
  });

  it('drops a socket that stops echoing (a frozen tab), so it is no longer rung', async () => {
    const device = await harness.registered('bob');
    device.echoHeartbeats = false;
    const closed = new Promise<number>((resolve) => device.socket.once('close', resolve));
    // 200 ms heartbeats, silent after 3 × 200 ms: dropped within about a second.
    expect(await closed).toBe(1006);
    await expect.poll(() => harness.emulator.stats().devices).toBe(0);
    expect(harness.logs.some((line) => line.includes('無応答'))).toBe(true);
  });

  it('keeps a socket that only echoes heartbeats', async () => {
    const device = await harness.registered('bob');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(device.isOpen).toBe(true);
    expect(harness.emulator.stats().devices).toBe(1);
  });

  it('answers a heartbeat the client starts itself', async () => {
    const device = await harness.device();
    device.echoHeartbeats = false;
    const before = device.heartbeats;
    device.sendRaw('\n');
    await expect.poll(() => device.heartbeats).toBeGreaterThan(before);
  });

  it('refuses an interval the SDK would not survive (15 s or more)', async () => {
    const { startEmulator } = await import('../src/index.js');
    await expect(
      startEmulator({
        credentials: harness.credentials,
        voiceUrl: harness.twiml.url,
        heartbeatIntervalMs: 15_000,
      }),
    ).rejects.toThrow(/heartbeatIntervalMs/);
  });
});

describe('the HTTP side', () => {
  it('serves /healthz with the stats and refuses WebSockets off /signal', async () => {
    const base = `http://${harness.emulator.signalingHost}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, calls: 0, sockets: 0 });
    expect((await fetch(`${base}/signal`)).status).toBe(426);
    const { default: WebSocket } = await import('ws');
    const wrongPath = new WebSocket(`ws://${harness.emulator.signalingHost}/other`);
    const error = await new Promise<Error>((resolve) => wrongPath.once('error', resolve));
    expect(error.message).toContain('404');
  });
});
