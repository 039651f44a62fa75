import { describe, expect, it } from 'vitest';
import {
  dtmfFrequencies,
  phoneSounds,
  renderWav,
  SAMPLE_RATE,
  SDK_SOUND_NAMES,
} from '../src/tones.js';

function samplesOf(wav: Uint8Array): Int16Array {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  expect(String.fromCharCode(...wav.slice(0, 4))).toBe('RIFF');
  expect(String.fromCharCode(...wav.slice(8, 12))).toBe('WAVE');
  expect(view.getUint32(24, true)).toBe(SAMPLE_RATE);
  const bytes = view.getUint32(40, true);
  return new Int16Array(wav.slice(44, 44 + bytes).buffer);
}

/** Estimates a pure tone's frequency from its zero crossings. */
function frequencyOf(samples: Int16Array): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i += 1) {
    if ((samples[i - 1] ?? 0) < 0 !== (samples[i] ?? 0) < 0) crossings += 1;
  }
  return crossings / 2 / (samples.length / SAMPLE_RATE);
}

describe('generated tones', () => {
  it('makes the Japanese ringback: 400 Hz for 1 s, then 2 s of silence', () => {
    const samples = samplesOf(phoneSounds().ringback);
    expect(samples.length).toBe(3 * SAMPLE_RATE);
    const tone = samples.slice(0, SAMPLE_RATE);
    expect(frequencyOf(tone)).toBeGreaterThan(390);
    expect(frequencyOf(tone)).toBeLessThan(410);
    expect(samples.slice(SAMPLE_RATE + 10).every((sample) => sample === 0)).toBe(true);
  });

  it('provides every sound the SDK asks for, plus the ringback', () => {
    const names = Object.keys(phoneSounds()).sort();
    expect(SDK_SOUND_NAMES).toHaveLength(15);
    expect(names).toEqual([...SDK_SOUND_NAMES, 'ringback'].sort());
    expect(names).toContain('dtmfs');
    expect(names).toContain('dtmfh');
  });

  it('is cheap enough to make in the page at start-up', () => {
    const started = performance.now();
    const sounds = phoneSounds();
    const bytes = Object.values(sounds).reduce((sum, wav) => sum + wav.byteLength, 0);
    expect(bytes).toBeLessThan(400_000);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('uses the DTMF frequency pairs', () => {
    expect(dtmfFrequencies('1')).toEqual([697, 1209]);
    expect(dtmfFrequencies('0')).toEqual([941, 1336]);
    expect(dtmfFrequencies('#')).toEqual([941, 1477]);
  });

  it('writes silence as zeros and keeps peaks within range', () => {
    const samples = samplesOf(renderWav([{ frequencies: [1000], seconds: 0.1 }], 0.5));
    expect(Math.max(...samples)).toBeLessThanOrEqual(Math.round(0.5 * 32767));
    expect(
      samplesOf(renderWav([{ frequencies: [], seconds: 0.1 }])).every((sample) => sample === 0),
    ).toBe(true);
  });
});
