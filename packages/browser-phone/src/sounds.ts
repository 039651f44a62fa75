/** The SDK's 15 sound names, each pointed at the phone's own generated file (no CDN). */
const SDK_SOUND_NAMES = [
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

export function soundUrl(file: string, base: string = import.meta.env.BASE_URL): string {
  return `${base}sounds/${file}`;
}

export function sdkSounds(base?: string): Record<SdkSoundName, string> {
  return Object.fromEntries(
    SDK_SOUND_NAMES.map((name) => [name, soundUrl(`${name}.wav`, base)]),
  ) as Record<SdkSoundName, string>;
}

/**
 * The Japanese ringback the caller hears while the callee's phone rings. Twilio
 * plays it in the call's audio; the emulator has no media server, so the page does.
 */
export class Ringback {
  private audio: HTMLAudioElement | null = null;

  start(): void {
    if (this.audio) return;
    this.audio = new Audio(soundUrl('ringback.wav'));
    this.audio.loop = true;
    this.audio.play().catch(() => {
      // Autoplay refused: the call goes on without the tone.
    });
  }

  stop(): void {
    this.audio?.pause();
    this.audio = null;
  }
}
