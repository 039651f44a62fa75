import { EMULATOR_INFO_PATH, findStep, isKitServerInfo, KIT_SERVER_INFO_PATH } from '@kit/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StepServer, startStepServer } from '../src/server/index.js';
import { referenceStepDir } from '../src/steps-dir.js';

/**
 * The kit's own route beside the Functions: `GET /kit/emulator.json` tells the
 * phone where the local emulator listens. The taught Functions know nothing of
 * it; without an emulator the path is the runtime's 404, as on Twilio.
 * Step 01 is served because it needs no credentials; any built step would do.
 */
const step = findStep(1);
if (!step) throw new Error('step 01 is missing from the catalog');
const stepDir = referenceStepDir(step);

describe('GET /kit/emulator.json', () => {
  let withEmulator: StepServer;
  let withoutEmulator: StepServer;

  beforeAll(async () => {
    [withEmulator, withoutEmulator] = await Promise.all([
      startStepServer({ stepDir, env: {}, emulatorSignalingHost: '127.0.0.1:4100' }),
      startStepServer({ stepDir, env: {} }),
    ]);
  });
  afterAll(async () => {
    await withEmulator?.close();
    await withoutEmulator?.close();
  });

  it('answers the emulator address, uncached, when the server runs beside the emulator', async () => {
    const response = await fetch(`${withEmulator.url}${EMULATOR_INFO_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ signalingHost: '127.0.0.1:4100' });
  });

  it('leaves the Functions and other methods to the runtime', async () => {
    const greeting = await fetch(`${withEmulator.url}/hello-json?name=kit`);
    expect(greeting.status).toBe(200);
    expect(await greeting.json()).toMatchObject({ message: 'こんにちは、kitさん' });
    const posted = await fetch(`${withEmulator.url}${EMULATOR_INFO_PATH}`, { method: 'POST' });
    expect(posted.status).toBe(404);
  });

  it('is the runtime’s 404 without an emulator, as on Twilio', async () => {
    const response = await fetch(`${withoutEmulator.url}${EMULATOR_INFO_PATH}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type') ?? '').not.toMatch(/json/);
  });

  // What the doctor and `pnpm call:signed` read to tell one running kit from another.
  it('says what it serves at /kit/server.json only when the launcher tells it (else 404, as on Twilio)', async () => {
    const described = await startStepServer({
      stepDir,
      env: {},
      about: { step: 'step-01', workspace: true },
    });
    try {
      const response = await fetch(`${described.url}${KIT_SERVER_INFO_PATH}`);
      expect(response.status).toBe(200);
      const info: unknown = await response.json();
      expect(isKitServerInfo(info)).toBe(true);
      expect(info).toEqual({
        kit: 'browser-phone-kit',
        step: 'step-01',
        workspace: true,
        functions: expect.arrayContaining([{ path: '/hello-json', visibility: 'public' }]),
      });
    } finally {
      await described.close();
    }
    expect((await fetch(`${withEmulator.url}${KIT_SERVER_INFO_PATH}`)).status).toBe(404);
  });

  it.each(['evil.example:443', '127.0.0.1', '0.0.0.0:4100', '', '127.0.0.1:4100/signal'])(
    'refuses %j as the emulator address before listening',
    async (emulatorSignalingHost) => {
      await expect(startStepServer({ stepDir, env: {}, emulatorSignalingHost })).rejects.toThrow(
        /loopback host:port/,
      );
    },
  );
});
