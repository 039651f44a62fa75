import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, isPortFree } from '../src/node/ports.js';

describe('port probes', () => {
  it('finds a free port, and sees it busy once someone listens on it', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await isPortFree(port)).toBe(true);
    const holder = createServer().listen(port, '127.0.0.1');
    await once(holder, 'listening');
    try {
      expect(await isPortFree(port)).toBe(false);
    } finally {
      holder.close();
    }
  });
});
