import { createServer } from 'node:net';

/**
 * Checks that a port can be listened on. twilio-run prompts for another port when
 * one is busy and hangs without a terminal; the kit says so and stops instead.
 */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
