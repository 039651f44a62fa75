/** The token endpoints' successful answer (`/token`, `/voice-token`). */
export interface TokenResponse {
  token: string;
  identity: string;
  /** Seconds from issue to expiry, so the phone can plan its refresh. */
  ttlSeconds: number;
}

/**
 * Where the kit's local server (`pnpm dev`) says the emulator listens. The
 * taught Functions know nothing of the emulator: the kit's server answers this
 * path itself, in front of the Functions runtime, and only when it runs beside
 * the emulator. Twilio has no such path (404): the phone then talks to Twilio.
 */
export const EMULATOR_INFO_PATH = '/kit/emulator.json';

/** The JSON at `EMULATOR_INFO_PATH`. */
export interface EmulatorInfo {
  /** `host:port` of the emulator's signaling WebSocket (`ws://host:port/signal`). */
  signalingHost: string;
}

/** `127.0.0.1:4000`, `localhost:4000`: loopback only, the emulator has no TLS. */
export const SIGNALING_HOST_PATTERN = /^(localhost|127(\.\d{1,3}){3}|\[::1\]):\d{1,5}$/;

/** Whether a parsed `EMULATOR_INFO_PATH` answer is usable: a loopback `host:port`, nothing else. */
export function isEmulatorInfo(value: unknown): value is EmulatorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const { signalingHost } = value as { signalingHost?: unknown };
  return typeof signalingHost === 'string' && SIGNALING_HOST_PATTERN.test(signalingHost);
}

/** The header and parameter names a client uses to send the workshop passcode. */
export const PASSCODE_HEADER = 'x-workshop-passcode';
export const PASSCODE_PARAM = 'passcode';
