import { launch } from '@kit/launcher';
import { findStep } from '@kit/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvFixture, envFixture } from './support/fixtures.js';
import { expectNoSecrets, failure, freePortPair, runDoctor } from './support/run-doctor.js';

/**
 * The Functions of `pnpm dev` answer but its emulator is gone (crashed, or
 * its port was closed): the phone would get a token and never register.
 */
const step = findStep(4);
if (!step) throw new Error('step 4 missing from the catalog');

let fixture: EnvFixture;
let port: number;
let launched: Awaited<ReturnType<typeof launch>>;

beforeAll(async () => {
  fixture = await envFixture();
  port = await freePortPair();
  launched = await launch({
    step,
    port,
    emulatorPort: port + 1,
    useWorkspace: false,
    envFile: fixture.envPath,
    processEnv: {},
    log: () => {},
  });
  await launched.emulator?.close();
});

afterAll(async () => {
  await launched?.server.close();
  await fixture?.close();
});

describe('pnpm doctor with the emulator down', () => {
  it('fails the emulator check and says to restart pnpm dev', async () => {
    const result = await runDoctor([], { KIT_ENV_FILE: fixture.envPath, PORT: String(port) });
    expect(result.code).toBe(1);
    const { line, fix } = failure(result, `エミュレーター(127.0.0.1:${port + 1})が応答しません`);
    expect(line).toContain('Functions だけが動いています');
    expect(fix).toContain('もう一度 pnpm dev');
    expect(result.stdout).toContain('✓ トークン: identity=kit-doctor');
    expectNoSecrets(result, fixture.secrets);
  });
});
