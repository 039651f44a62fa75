import type { CallView } from '@kit/emulator';
import { phonesDigest, type RoomPhones, readPhones } from './phones.js';

export interface PhoneWatchOptions {
  phones: RoomPhones;
  /** How often to read the lists (the room: once a second). */
  intervalMs: number;
  /** The lists changed since the last read: the board needs a new snapshot. */
  changed: () => void;
  /** A callee answered (at once, not at the next read). */
  connected: (call: CallView) => void;
  log: (line: string) => void;
}

/**
 * Polls the room's emulator for the board. Registrations and calls are live
 * data, never logged; a poll is cheaper than an event per frame and bounds the
 * board to one redraw a second however busy the phones are. Returns the stop.
 */
export function pollPhones(options: PhoneWatchOptions): () => void {
  const { phones } = options;
  let last = '';
  const poll = () => {
    let digest: string;
    try {
      digest = phonesDigest(readPhones(phones));
    } catch (error) {
      // A failing read must not take the room down: the board just stays as it is.
      options.log(`room: 電話の一覧を読めませんでした: ${(error as Error).message}`);
      return;
    }
    if (digest === last) return;
    last = digest;
    options.changed();
  };
  poll();
  const timer = setInterval(poll, options.intervalMs);
  timer.unref();
  const stopConnected = phones.onCallConnected(options.connected);
  return () => {
    clearInterval(timer);
    stopConnected();
  };
}
