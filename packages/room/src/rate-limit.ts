/**
 * At most `limit` strikes per key within `windowMs` (a sliding window). Used
 * for wrong room codes per remote address: six digits of a 21-letter
 * alphabet are plenty against guessing only while guessing is slow.
 */
export class StrikeCounter {
  #strikes = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Keys remembered at most; the oldest are forgotten first. */
    private readonly maxKeys = 10_000,
  ) {}

  #recent(key: string, now: number): number[] {
    const times = (this.#strikes.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (times.length === 0) this.#strikes.delete(key);
    else this.#strikes.set(key, times);
    return times;
  }

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string, now: number): number {
    const times = this.#recent(key, now);
    if (times.length < this.limit) return 0;
    const oldest = times[times.length - this.limit] ?? now;
    return Math.max(1, oldest + this.windowMs - now);
  }

  strike(key: string, now: number): void {
    const times = this.#recent(key, now);
    times.push(now);
    this.#strikes.delete(key);
    this.#strikes.set(key, times);
    if (this.#strikes.size > this.maxKeys) {
      const oldest = this.#strikes.keys().next().value;
      if (oldest !== undefined) this.#strikes.delete(oldest);
    }
  }
}
