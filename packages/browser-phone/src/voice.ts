import type { EmulatorInfo } from '@kit/shared';
import type { Device } from '@twilio/voice-sdk';
import { iceGatheringPeerConnection, installEmulatorWebSocket } from './emulator-mode.js';
import { sdkSounds } from './sounds.js';

type VoiceSdk = typeof import('@twilio/voice-sdk');

let sdk: Promise<VoiceSdk> | null = null;
let sdkMode: string | null = null;

/**
 * Loads the Voice SDK once, after the mode is known: in emulator mode the
 * WebSocket rewrite must be in place before the SDK captures `WebSocket`.
 */
export function loadVoiceSdk(emulator: EmulatorInfo | null): Promise<VoiceSdk> {
  const mode = emulator ? `emulator ${emulator.signalingHost}` : 'twilio';
  if (sdk) {
    if (mode !== sdkMode) throw new Error('接続先が変わりました。ページを再読み込みしてください。');
    return sdk;
  }
  if (emulator) installEmulatorWebSocket(emulator.signalingHost);
  sdkMode = mode;
  sdk = import('@twilio/voice-sdk');
  return sdk;
}

/** Options the SDK documents, plus the internal ones it reads (public in its typings as IExtendedDeviceOptions). */
type DeviceOptions = Device.Options & { chunderw?: string; publishEvents?: boolean };

export function deviceOptions(emulator: EmulatorInfo | null): DeviceOptions {
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
    RTCPeerConnection: iceGatheringPeerConnection(RTCPeerConnection),
  };
}

/** Per-call WebRTC settings: no STUN/TURN servers on the emulator's closed network. */
export function rtcConfiguration(emulator: EmulatorInfo | null): RTCConfiguration | undefined {
  return emulator ? { iceServers: [] } : undefined;
}
