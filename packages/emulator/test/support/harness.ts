import { generateLocalCredentials } from '@kit/functions/local-env';
import { expect } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/index.js';
import { TestDevice } from './device.js';
import { voiceToken } from './tokens.js';
import { TwimlServer } from './twiml-server.js';

export const OFFER_SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=offer\r\n';
export const ANSWER_SDP = 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=answer\r\n';

/**
 * One emulator and one stand-in Voice URL per test file; each test's
 * devices are closed after it, and the call and registration tables must
 * then be empty again (`expectIdle`).
 */
export class Harness {
  readonly credentials = generateLocalCredentials();
  readonly logs: string[] = [];
  emulator!: Emulator;
  twiml!: TwimlServer;
  private devices: TestDevice[] = [];

  async start(options: Partial<EmulatorOptions> = {}): Promise<void> {
    this.twiml = await TwimlServer.start();
    this.emulator = await startEmulator({
      credentials: this.credentials,
      voiceUrl: this.twiml.url,
      reconnectGraceMs: 300,
      log: (line) => this.logs.push(line),
      ...options,
    });
  }

  async device(): Promise<TestDevice> {
    const device = await TestDevice.connect(this.emulator.url);
    this.devices.push(device);
    return device;
  }

  /** A device registered as `identity` with a normal token (incoming allowed). */
  async registered(
    identity: string,
    tokenOptions: Parameters<typeof voiceToken>[2] = {},
  ): Promise<TestDevice> {
    const device = await this.device();
    await device.register(this.token(identity, tokenOptions));
    return device;
  }

  token(identity: string, options: Parameters<typeof voiceToken>[2] = {}): string {
    return voiceToken(this.credentials, identity, options);
  }

  /** Places a call as `device.connect({ params })` does; returns the TJS id. */
  invite(caller: TestDevice, params: Record<string, string>): string {
    const callsid = `TJS${crypto.randomUUID()}`;
    const query = Object.entries(params)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
      .join('&');
    caller.send('invite', { callsid, sdp: OFFER_SDP, twilio: query ? { params: query } : {} });
    return callsid;
  }

  /** Closes this test's devices and waits until the emulator's tables are empty. */
  async expectIdle(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.close()));
    this.devices = [];
    expect(TestDevice.violations).toEqual([]);
    await expect
      .poll(() => this.emulator.stats(), { timeout: 3000, interval: 20 })
      .toMatchObject({ registrations: 0, devices: 0, calls: 0, sockets: 0 });
  }

  async stop(): Promise<void> {
    await this.emulator?.close();
    await this.twiml?.close();
    const secrets = [this.credentials.AUTH_TOKEN, this.credentials.API_SECRET];
    for (const line of this.logs) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      expect(line).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT either
    }
  }
}
