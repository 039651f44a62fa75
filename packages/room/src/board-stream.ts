import type { ServerResponse } from 'node:http';
import type { BoardSnapshot } from '@kit/shared/room';

export interface BoardStreamOptions {
  snapshot: () => BoardSnapshot;
  /** At most one `board` event per this many ms, however many changes arrive (default 100). */
  coalesceMs?: number;
  /** A comment line this often keeps proxies and the browser from closing the stream (default 15 s). */
  heartbeatMs?: number;
  maxStreams?: number;
}

/**
 * The board's Server-Sent Events: each stream gets the whole snapshot on
 * connect and after every change. A burst of reports becomes one event, sent
 * at most `coalesceMs` after the first change.
 */
export class BoardStream {
  #streams = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | null = null;
  #heartbeat: NodeJS.Timeout;
  #lastSent = 0;
  #coalesceMs: number;
  #options: BoardStreamOptions;
  /** Who is stuck at the last event: crossing the stuck time is a change with no event of its own. */
  #stuckKey = '';

  constructor(options: BoardStreamOptions) {
    this.#options = options;
    this.#coalesceMs = options.coalesceMs ?? 100;
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#streams.size;
  }

  /** False when too many streams are open already. */
  add(res: ServerResponse): boolean {
    if (this.#streams.size >= (this.#options.maxStreams ?? 32)) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    this.#streams.add(res);
    res.on('close', () => this.#streams.delete(res));
    this.#write([res], this.#event());
    return true;
  }

  /** Something changed: one event soon, for however many changes. */
  changed(): void {
    if (this.#timer !== null || this.#streams.size === 0) return;
    const wait = Math.max(0, this.#lastSent + this.#coalesceMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#write(this.#streams, this.#event());
    }, wait);
  }

  #event(): string {
    const snapshot = this.#options.snapshot();
    this.#stuckKey = stuckKey(snapshot);
    this.#lastSent = Date.now();
    return `event: board\ndata: ${JSON.stringify(snapshot)}\n\n`;
  }

  #write(streams: Iterable<ServerResponse>, text: string): void {
    for (const res of streams) {
      if (!res.writableEnded && !res.destroyed) res.write(text);
    }
  }

  #beat(): void {
    if (this.#streams.size === 0) return;
    this.#write(this.#streams, ': heartbeat\n\n');
    if (stuckKey(this.#options.snapshot()) !== this.#stuckKey) this.changed();
  }

  close(): void {
    clearInterval(this.#heartbeat);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    for (const res of this.#streams) res.end();
    this.#streams.clear();
  }
}

function stuckKey(snapshot: BoardSnapshot): string {
  return snapshot.members
    .filter((member) => member.stuck)
    .map((member) => member.memberId)
    .join(',');
}
