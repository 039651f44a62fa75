import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { generateLocalCredentials } from '@kit/functions/local-env';
import { type StepServer, startStepServer } from '@kit/functions/server';
import { referenceStepDir } from '@kit/functions/steps-dir';
import { findStep } from '@kit/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { TestDevice } from './support/device.js';
import { ANSWER_SDP, OFFER_SDP } from './support/harness.js';
import { voiceToken } from './support/tokens.js';

/**
 * The emulator against the REAL step-04 Functions (Twilio's runtime, with the
 * kit's X-Twilio-Signature check on the Protected `/call`): the webhook must
 * be signed exactly as Twilio signs it, or `/call` answers 401.
 */
const credentials = generateLocalCredentials();
let functions: StepServer;
let devices: TestDevice[] = [];

beforeAll(async () => {
  const step = findStep(4);
  if (!step) throw new Error('step 04 is missing from the catalog');
  const stepDir = referenceStepDir(step);
  await access(join(stepDir, 'dist/functions')).catch(() => {
    throw new Error(
      `${stepDir}/dist がありません: 先に pnpm --filter @kit/functions build を実行してください`,
    );
  });
  functions = await startStepServer({ stepDir, env: { ...credentials } });
});
afterEach(async () => {
  await Promise.all(devices.map((device) => device.close()));
  devices = [];
});
afterAll(() => functions?.close());

async function withEmulator(authToken: string, run: (emulator: Emulator) => Promise<void>) {
  const emulator = await startEmulator({
    credentials: { ...credentials, AUTH_TOKEN: authToken },
    voiceUrl: `${functions.url}/call`,
  });
  try {
    await run(emulator);
    await Promise.all(devices.map((device) => device.close()));
    await expect.poll(() => emulator.stats()).toMatchObject({ calls: 0, sockets: 0, devices: 0 });
  } finally {
    await emulator.close();
  }
}

async function device(emulator: Emulator, identity: string): Promise<TestDevice> {
  const client = await TestDevice.connect(emulator.url);
  devices.push(client);
  await client.register(voiceToken(credentials, identity));
  return client;
}

function invite(caller: TestDevice, to: string): string {
  const callsid = `TJS${crypto.randomUUID()}`;
  caller.send('invite', {
    callsid,
    sdp: OFFER_SDP,
    twilio: { params: `To=${encodeURIComponent(to)}` },
  });
  return callsid;
}

describe('the emulator calling the real step-04 /call', () => {
  it('signs the webhook so the Protected /call answers, and dials bob from alice', async () => {
    await withEmulator(credentials.AUTH_TOKEN, async (emulator) => {
      const bob = await device(emulator, 'bob');
      const alice = await device(emulator, 'alice');
      invite(alice, 'bob');
      const incoming = await bob.next('invite', () => true, 10_000);
      expect(incoming.payload.parameters).toMatchObject({ From: 'client:alice', To: 'client:bob' });
      const ringing = await alice.next('ringing');
      bob.send('answer', { callsid: incoming.payload.callsid, sdp: ANSWER_SDP });
      expect((await alice.next('answer')).payload).toMatchObject({ sdp: ANSWER_SDP });
      alice.send('hangup', { callsid: ringing.payload.callsid });
      await bob.next('hangup');
    });
  });

  it('follows /call refusing a phone number (<Say> then <Hangup>): a plain hangup', async () => {
    await withEmulator(credentials.AUTH_TOKEN, async (emulator) => {
      const alice = await device(emulator, 'alice');
      const temporarySid = invite(alice, '+819012345678');
      expect((await alice.next('hangup', () => true, 10_000)).payload).toEqual({
        callsid: temporarySid,
      });
    });
  });

  it('gets 401 from /call with a wrong AUTH_TOKEN, and ends the call with 11200', async () => {
    const logs: string[] = [];
    const emulator = await startEmulator({
      credentials: { ...credentials, AUTH_TOKEN: 'f'.repeat(32) },
      voiceUrl: `${functions.url}/call`,
      log: (line) => logs.push(line),
    });
    try {
      const bob = await TestDevice.connect(emulator.url);
      devices.push(bob);
      await bob.register(voiceToken(credentials, 'bob'));
      const alice = await TestDevice.connect(emulator.url);
      devices.push(alice);
      await alice.listen(voiceToken(credentials, 'alice'));
      const temporarySid = invite(alice, 'bob');
      const hangup = await alice.next('hangup', () => true, 10_000);
      expect(hangup.payload).toMatchObject({ callsid: temporarySid, error: { code: 11200 } });
      expect(String((hangup.payload.error as { message: string }).message)).toContain('401');
      expect(bob.unread('invite')).toEqual([]);
      expect(logs.join('\n')).not.toContain('f'.repeat(32));
    } finally {
      await Promise.all(devices.map((client) => client.close()));
      await emulator.close();
    }
  });
});
