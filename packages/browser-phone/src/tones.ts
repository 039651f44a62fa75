/**
 * The phone's sounds, generated in the browser when the phone starts (no copies
 * of Twilio's files, no CDN: the SDK's defaults come from a Twilio CDN and
 * stall offline; and no sound files, so the page is the only file to upload).
 * 16-bit mono PCM WAV at 8 kHz, the telephone band: about 0.2 MB in all, made
 * in a few milliseconds.
 */
export const SAMPLE_RATE = 8000;

export interface ToneSegment {
  /** Frequencies mixed together (Hz); empty for silence. */
  frequencies: readonly number[];
  seconds: number;
}

export function renderWav(
  segments: readonly ToneSegment[],
  amplitude = 0.3,
): Uint8Array<ArrayBuffer> {
  const samples = segments.flatMap((segment) => renderSegment(segment, amplitude));
  const dataBytes = samples.length * 2;
  const buffer = new ArrayBuffer(44 + dataBytes);
  const view = new DataView(buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i += 1) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // PCM header size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, SAMPLE_RATE, true);
  view.setUint32(28, SAMPLE_RATE * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  samples.forEach((sample, index) => {
    view.setInt16(44 + index * 2, Math.round(sample * 32767), true);
  });
  return new Uint8Array(buffer);
}

function renderSegment({ frequencies, seconds }: ToneSegment, amplitude: number): number[] {
  const count = Math.round(seconds * SAMPLE_RATE);
  const fade = Math.min(80, Math.floor(count / 4)); // 10 ms ramps: no clicks
  return Array.from({ length: count }, (_, n) => {
    if (frequencies.length === 0) return 0;
    const t = n / SAMPLE_RATE;
    const mix =
      frequencies.reduce((sum, f) => sum + Math.sin(2 * Math.PI * f * t), 0) / frequencies.length;
    const envelope = Math.min(1, n / fade, (count - n) / fade);
    return amplitude * mix * envelope;
  });
}

/** The 15 sounds the SDK plays (all 15 given: otherwise it fetches the rest from Twilio's CDN). */
export const SDK_SOUND_NAMES = [
  'incoming',
  'outgoing',
  'disconnect',
  'dtmf0',
  'dtmf1',
  'dtmf2',
  'dtmf3',
  'dtmf4',
  'dtmf5',
  'dtmf6',
  'dtmf7',
  'dtmf8',
  'dtmf9',
  'dtmfs',
  'dtmfh',
] as const;

export type SdkSoundName = (typeof SDK_SOUND_NAMES)[number];
/** The SDK's sounds, plus the ringback the app plays itself in emulator mode. */
export type PhoneSoundName = SdkSoundName | 'ringback';

const DTMF_ROWS = [697, 770, 852, 941] as const;
const DTMF_COLUMNS = [1209, 1336, 1477] as const;
const DTMF_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

export function dtmfFrequencies(key: (typeof DTMF_KEYS)[number]): [number, number] {
  const index = DTMF_KEYS.indexOf(key);
  return [DTMF_ROWS[Math.floor(index / 3)] ?? 0, DTMF_COLUMNS[index % 3] ?? 0];
}

/** Every sound the phone plays, as WAV bytes. */
export function phoneSounds(): Record<PhoneSoundName, Uint8Array<ArrayBuffer>> {
  const on = (frequencies: number[], seconds: number): ToneSegment => ({ frequencies, seconds });
  const off = (seconds: number): ToneSegment => ({ frequencies: [], seconds });
  const dtmf = (key: (typeof DTMF_KEYS)[number]) => renderWav([on(dtmfFrequencies(key), 0.15)]);
  return {
    // 呼出音(日本): 400 Hz, 1 s on / 2 s off; the app loops it while the call rings.
    ringback: renderWav([on([400], 1), off(2)]),
    // 着信音: a two-tone trill, 1 s on / 2 s off (the SDK loops it).
    incoming: renderWav([
      ...Array.from({ length: 10 }, (_, i) => on([i % 2 === 0 ? 1300 : 1600], 0.05)),
      on([1300], 0.5),
      off(2),
    ]),
    outgoing: renderWav([on([880], 0.12)]),
    // 終話音: 400 Hz, three short beeps.
    disconnect: renderWav([
      on([400], 0.25),
      off(0.25),
      on([400], 0.25),
      off(0.25),
      on([400], 0.25),
    ]),
    dtmf0: dtmf('0'),
    dtmf1: dtmf('1'),
    dtmf2: dtmf('2'),
    dtmf3: dtmf('3'),
    dtmf4: dtmf('4'),
    dtmf5: dtmf('5'),
    dtmf6: dtmf('6'),
    dtmf7: dtmf('7'),
    dtmf8: dtmf('8'),
    dtmf9: dtmf('9'),
    dtmfs: dtmf('*'),
    dtmfh: dtmf('#'),
  };
}
