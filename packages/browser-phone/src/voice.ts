import type { EmulatorInfo } from '@kit/shared';
import type { Device } from '@twilio/voice-sdk';
import * as VoiceSdkModule from '@twilio/voice-sdk';
import { iceGatheringPeerConnection, type MediaWatch } from './emulator-mode.js';
import { signaling } from './signaling.js';
import { sdkSounds } from './sounds.js';

type VoiceSdk = typeof import('@twilio/voice-sdk');

/**
 * The Voice SDK, once the mode is known (found once per page load). The SDK is
 * part of the page's one file and evaluated with it (a static import: a dynamic
 * one would only add Vite's preload helper, 1.3 kB gzip, to a page with nothing
 * to preload). The emulator's WebSocket rewrite was installed before it
 * (signaling.ts, main.ts's first import) and is switched on here, before any
 * Device opens a socket.
 */
export function loadVoiceSdk(emulator: EmulatorInfo | null): Promise<VoiceSdk> {
  if (emulator) signaling.routeToEmulator(emulator.signalingHost);
  return Promise.resolve(VoiceSdkModule);
}

/** Options the SDK documents, plus the internal ones it reads (public in its typings as IExtendedDeviceOptions). */
type DeviceOptions = Device.Options & { chunderw?: string; publishEvents?: boolean };

export function deviceOptions(emulator: EmulatorInfo | null, media?: MediaWatch): DeviceOptions {
  const common: DeviceOptions = {
    sounds: sdkSounds(),
    // Report 31480 (no answer), 31486 (busy), 31603 (declined) instead of a generic 31005.
    enableImprovedSignalingErrorPrecision: true,
    closeProtection: '通話中です。ページを閉じると通話が切れます。',
  };
  if (!emulator) return common;
  return {
    ...common,
    chunderw: emulator.signalingHost,
    publishEvents: false,
    RTCPeerConnection: iceGatheringPeerConnection(RTCPeerConnection, media),
  };
}

/** Per-call WebRTC settings: no STUN/TURN servers on the emulator's closed network. */
export function rtcConfiguration(emulator: EmulatorInfo | null): RTCConfiguration | undefined {
  return emulator ? { iceServers: [] } : undefined;
}
