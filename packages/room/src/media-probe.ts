import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { isMediaProbe } from '@kit/shared/member-link';

/**
 * The room's end of the media probe (`pnpm run doctor --room`): a UDP socket on
 * the room's own address and phones port that echoes each probe byte for byte.
 * Anything else is dropped unanswered, and each sender gets a few echoes a
 * second at most: a spoofed source cannot turn the room into an amplifier.
 */
const ECHOES_PER_WINDOW = 10;
const WINDOW_MS = 10_000;
/** Senders remembered for the rate limit, bounded (a flood of spoofed sources forgets the oldest). */
const MAX_SENDERS = 4096;

export interface MediaProbeResponder {
  close(): Promise<void>;
}

export async function startMediaProbeResponder(
  host: string,
  port: number,
): Promise<MediaProbeResponder> {
  const socket: Socket = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4' });
  const senders = new Map<string, { since: number; count: number }>();
  socket.on('message', (message, from) => {
    if (message.length > 64 || !isMediaProbe(message.toString('latin1'))) return;
    const now = Date.now();
    const seen = senders.get(from.address);
    if (!seen || now - seen.since > WINDOW_MS) {
      if (senders.size >= MAX_SENDERS) senders.delete(senders.keys().next().value as string);
      senders.set(from.address, { since: now, count: 1 });
    } else if (++seen.count > ECHOES_PER_WINDOW) {
      return;
    }
    socket.send(message, from.port, from.address);
  });
  socket.on('error', () => {}); // A send to a vanished sender: nothing to do.
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
