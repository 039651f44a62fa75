import { once } from 'node:events';
import { connect, createServer } from 'node:net';

/**
 * Port probes for the kit's launchers, the doctor and the tests (Node only).
 * twilio-run prompts for another port when one is busy and hangs without a
 * terminal; the kit checks first and says so instead.
 */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** A port nobody uses now, picked by the system. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close(() => reject(new Error('no port')));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}

/** Does anything accept a TCP connection on the port now (a server still up)? */
export async function acceptsConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  const socket = connect(port, host);
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}
