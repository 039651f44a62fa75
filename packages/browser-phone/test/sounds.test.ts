import { describe, expect, it } from 'vitest';
import { sdkSounds, soundUrls } from '../src/sounds.js';
import { SDK_SOUND_NAMES } from '../src/tones.js';

describe('the phone’s sounds', () => {
  it('gives the SDK all 15 names as blob: URLs made in the page, so it fetches none', () => {
    const sounds = sdkSounds();
    expect(Object.keys(sounds).sort()).toEqual([...SDK_SOUND_NAMES].sort());
    for (const url of Object.values(sounds)) expect(url).toMatch(/^blob:/);
    expect(new Set(Object.values(sounds)).size).toBe(15);
  });

  it('makes each URL once, the ringback included', () => {
    expect(soundUrls()).toBe(soundUrls());
    expect(soundUrls().ringback).toMatch(/^blob:/);
    expect(Object.values(soundUrls())).not.toContain(undefined);
  });
});
