/** The token endpoints' successful answer (`/token`, `/voice-token`). */
export interface TokenResponse {
  token: string;
  identity: string;
  /** Seconds from issue to expiry, so the phone can plan its refresh. */
  ttlSeconds: number;
  /**
   * Present only when the Functions run beside the local emulator
   * (EMULATOR_SIGNALING_HOST is set): where the phone's SDK should signal.
   */
  emulator?: EmulatorInfo;
}

export interface EmulatorInfo {
  /** `host:port` of the emulator's signaling WebSocket (`ws://host:port/signal`). */
  signalingHost: string;
}

/** `127.0.0.1:4000`, `localhost:4000`: what EMULATOR_SIGNALING_HOST may hold. */
export const SIGNALING_HOST_PATTERN = /^(localhost|127(\.\d{1,3}){3}|\[::1\]):\d{1,5}$/;

/** The header and parameter names a client uses to send the workshop passcode. */
export const PASSCODE_HEADER = 'x-workshop-passcode';
export const PASSCODE_PARAM = 'passcode';
