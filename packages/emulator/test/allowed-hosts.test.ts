import { generateLocalCredentials } from '@kit/functions/local-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Emulator, startEmulator } from '../src/index.js';
import { TestDevice } from './support/device.js';

/**
 * `allowedHostnames`: on a venue's network (the room), the emulator answers only
 * requests that name its own address, so a page whose name was rebound to that
 * address cannot open a socket under a name of its own (DNS rebinding).
 */
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    credentials: generateLocalCredentials(),
    voiceUrl: 'http://127.0.0.1:1/call',
    allowedHostnames: ['127.0.0.1'],
  });
});
afterAll(() => emulator.close());

/** The HTTP status a WebSocket handshake naming `host` gets, or 101 when it opens. */
function handshake(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(emulator.url, { headers: { host } });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });
}

describe('allowedHostnames', () => {
  it('opens a socket for its own address and refuses another name with 403', async () => {
    const port = new URL(emulator.url).port;
    expect(await handshake(`127.0.0.1:${port}`)).toBe(101);
    expect(await handshake(`rebound.example:${port}`)).toBe(403);
    expect(await handshake(`localhost:${port}`)).toBe(403);
    // The name with another port is another Host, as the room's own routes see it.
    expect(await handshake(`127.0.0.1:${Number(port) + 1}`)).toBe(403);
    const device = await TestDevice.connect(emulator.url);
    await device.close();
  });
});
