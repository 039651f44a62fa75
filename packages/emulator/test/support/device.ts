import { PStreamClient } from '../../src/client.js';

/** The PStream client of `@kit/emulator/client`, as these tests use it. */
export type TestDevice = PStreamClient;

export const TestDevice = {
  /** Frames the real SDK could not take, from every device (checked after every test by the harness). */
  violations: [] as string[],

  connect(url: string): Promise<TestDevice> {
    return PStreamClient.connect(url, {
      timeoutMs: 3000,
      userAgent: 'vitest',
      onViolation: (violation) => TestDevice.violations.push(violation),
    });
  },
};
