import { type StepServer, startStepServer } from '@kit/functions/server';
import { pickStepEnv } from '@kit/functions/step-env';
import { referenceStepDir } from '@kit/functions/steps-dir';
import { findStep } from '@kit/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvFixture, envFixture } from './support/fixtures.js';
import { expectNoSecrets, failure, freePortPair, runDoctor } from './support/run-doctor.js';

/**
 * Step 04's Functions served alone, as `twilio-run start` would serve them:
 * tokens work, but nothing answers `/kit/emulator.json`, so the phone would
 * talk to Twilio with fake credentials. The doctor says to use `pnpm dev`.
 */
const step = findStep(4);
if (!step) throw new Error('step 4 missing from the catalog');

let fixture: EnvFixture;
let port: number;
let server: StepServer;

beforeAll(async () => {
  fixture = await envFixture();
  port = await freePortPair();
  server = await startStepServer({
    stepDir: referenceStepDir(step),
    env: pickStepEnv(step, { ...fixture.credentials }),
    port,
  });
});

afterAll(async () => {
  await server?.close();
  await fixture?.close();
});

describe('pnpm doctor with the Functions running without the kit’s emulator route', () => {
  it('fails the emulator check and says to run pnpm dev', async () => {
    const result = await runDoctor([], { KIT_ENV_FILE: fixture.envPath, PORT: String(port) });
    expect(result.code).toBe(1);
    const { line, fix } = failure(
      result,
      '/kit/emulator.json がエミュレーターの接続先を返しません(HTTP 404',
    );
    expect(line).toContain('twilio-run start');
    expect(fix).toContain('pnpm dev');
    expect(result.stdout).toContain('✓ トークン: identity=kit-doctor');
    expectNoSecrets(result, fixture.secrets);
  });
});
