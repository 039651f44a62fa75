import { type PhoneSoundName, phoneSounds, SDK_SOUND_NAMES, type SdkSoundName } from './tones.js';

let urls: Record<PhoneSoundName, string> | null = null;

/**
 * Each sound as a `blob:` URL of WAV bytes made in this page: the SDK and the
 * ringback play them without a request leaving the page (no CDN, no sound
 * files to upload beside the page). Made once, on first use.
 */
export function soundUrls(): Record<PhoneSoundName, string> {
  urls ??= Object.fromEntries(
    Object.entries(phoneSounds()).map(([name, wav]) => [
      name,
      URL.createObjectURL(new Blob([wav], { type: 'audio/wav' })),
    ]),
  ) as Record<PhoneSoundName, string>;
  return urls;
}

/** The Device option `sounds`: all 15 names, so the SDK fetches none of its defaults. */
export function sdkSounds(): Record<SdkSoundName, string> {
  const all = soundUrls();
  return Object.fromEntries(SDK_SOUND_NAMES.map((name) => [name, all[name]])) as Record<
    SdkSoundName,
    string
  >;
}

/**
 * The Japanese ringback the caller hears while the callee's phone rings. Twilio
 * plays it in the call's audio; the emulator has no media server, so the page does.
 */
export class Ringback {
  private audio: HTMLAudioElement | null = null;

  start(): void {
    if (this.audio) return;
    this.audio = new Audio(soundUrls().ringback);
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
