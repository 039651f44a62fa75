import { parseTwiml } from '@kit/emulator';
import { describe, expect, it } from 'vitest';
import { dialTwiml, wavePairs } from '../src/sections/room-calls.js';
import { heapAfterGc } from '../src/stats.js';

/** The pure parts of the room-calls bench section (8 room calls). */
describe('room calls bench: helpers', () => {
  it('wavePairs: no phone twice in a wave; over members/held waves each member calls once and is called once', () => {
    const [members, held] = [12, 4];
    const waves = Array.from({ length: members / held }, (_, wave) =>
      wavePairs(members, held, wave),
    );
    for (const pairs of waves) {
      expect(pairs).toHaveLength(held);
      const phones = pairs.flat();
      expect(new Set(phones).size).toBe(held * 2);
      expect(phones.every((index) => index >= 0 && index < members)).toBe(true);
    }
    const all = waves.flat();
    expect(new Set(all.map(([caller]) => caller)).size).toBe(members);
    expect(new Set(all.map(([, callee]) => callee)).size).toBe(members);
    expect(() => wavePairs(5, 3, 0)).toThrow(/6 members/);
  });

  it('dialTwiml: the <Dial><Client> the emulator reads, the name escaped and read back whole', () => {
    for (const name of ['member001', 'a<b>&"\'']) {
      const parsed = parseTwiml(dialTwiml(name));
      expect(parsed).toMatchObject({
        ok: true,
        verbs: [{ verb: 'Dial', clients: [{ identity: name, parameters: {} }] }],
      });
    }
    expect(dialTwiml('a<b')).toContain('<Client>a&lt;b</Client>');
  });

  it('heapAfterGc: collects what nothing holds any more (no --expose-gc needed)', async () => {
    let garbage: number[][] | null = Array.from({ length: 200 }, () => new Array(10_000).fill(1));
    const ref = new WeakRef(garbage);
    garbage = null;
    // A WeakRef's target lives until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    expect(heapAfterGc()).toBeGreaterThan(0);
    expect(ref.deref()).toBeUndefined();
  });
});
