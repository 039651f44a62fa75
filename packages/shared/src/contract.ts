import { isValidIdentity } from './identity.js';
import type { RoomDirectory } from './room.js';

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

/** A TCP or UDP port number: an integer from 1 to 65535. */
export function isPortNumber(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65_535;
}

/**
 * Where a phone may register: the local emulator on loopback, or in room mode
 * (`pnpm dev --room`) the room's emulator on the room's own host, as the member's
 * kit names it (`roomHostname`, from its `.kit/room.json`); nothing else.
 */
export function isSignalingHost(host: string, roomHostname?: string): boolean {
  if (SIGNALING_HOST_PATTERN.test(host)) return true;
  if (roomHostname === undefined || roomHostname === '') return false;
  const port = host.toLowerCase().startsWith(`${roomHostname.toLowerCase()}:`)
    ? host.slice(roomHostname.length + 1)
    : null;
  return port !== null && /^\d{1,5}$/.test(port) && isPortNumber(Number(port));
}

/**
 * Whether a parsed `EMULATOR_INFO_PATH` answer is usable: a loopback `host:port`,
 * or the room's own host when the kit says it is in a room (`isSignalingHost`).
 */
export function isEmulatorInfo(value: unknown, roomHostname?: string): value is EmulatorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const { signalingHost } = value as { signalingHost?: unknown };
  return typeof signalingHost === 'string' && isSignalingHost(signalingHost, roomHostname);
}

/**
 * The kit's own route saying what a running kit (`pnpm dev`, `pnpm dev:step N
 * [--workspace]`) serves, so the doctor and `pnpm call:signed` can tell one
 * kit from another without guessing. Twilio has no such path.
 */
export const KIT_SERVER_INFO_PATH = '/kit/server.json';

/** The JSON at `KIT_SERVER_INFO_PATH`. */
export interface KitServerInfo {
  kit: 'browser-phone-kit';
  /** The step's tag, e.g. `step-03`. */
  step: string;
  /** Whether it serves the learner's folder (`--workspace`) rather than the finished code. */
  workspace: boolean;
  /** The Functions it serves, as the runtime routes them (`call.protected.ts` is `/call`). */
  functions: { path: string; visibility: string }[];
}

export function isKitServerInfo(value: unknown): value is KitServerInfo {
  if (typeof value !== 'object' || value === null) return false;
  const { kit, step, workspace, functions } = value as Record<string, unknown>;
  return (
    kit === 'browser-phone-kit' &&
    typeof step === 'string' &&
    typeof workspace === 'boolean' &&
    Array.isArray(functions) &&
    functions.every(
      (fn) =>
        typeof fn === 'object' &&
        fn !== null &&
        typeof (fn as { path?: unknown }).path === 'string' &&
        typeof (fn as { visibility?: unknown }).visibility === 'string',
    )
  );
}

/**
 * The kit's own routes for the instructor's room (教室モード), served by `pnpm dev`
 * and `pnpm dev:step N` only: whether this workspace joined a room
 * (`pnpm room:join`), and the phone's way to raise (POST) or lower (DELETE) the
 * attendee's hand, through the membership the kit keeps (the token never leaves
 * the kit's server). Twilio has no such paths (404): the phone shows no room.
 */
export const KIT_ROOM_INFO_PATH = '/kit/room.json';
export const KIT_ROOM_HAND_PATH = '/kit/room/hand';
/**
 * GET: who is registered in the room now (「教室の電話」), asked of the room with
 * the membership's token. The phone's directory comes from the room, never from
 * the taught Functions.
 */
export const KIT_ROOM_DIRECTORY_PATH = '/kit/room/directory';
/**
 * POST `{ "peer": "<identity>" }`: a call's media never connected (room calls);
 * the kit tells the room, whose board shows it to the instructor.
 */
export const KIT_ROOM_MEDIA_PATH = '/kit/room/media-problem';

/** The JSON at `KIT_ROOM_DIRECTORY_PATH`: the room's answer, checked (`checkRoomDirectory`). */
export type KitRoomDirectory = RoomDirectory;

/**
 * The JSON at `KIT_ROOM_INFO_PATH`: never the member's token. `identity` is the
 * phone's name the member owns in the room (absent for a membership from before
 * identities): the phone fills it in and registers as nobody else.
 */
export type KitRoomInfo =
  | { joined: false }
  | {
      joined: true;
      name: string;
      roomUrl: string;
      identity?: string;
      /** The kit runs with `--room`: the phone registers with the room, and may call its members. */
      calls?: true;
    };

export function isKitRoomInfo(value: unknown): value is KitRoomInfo {
  if (typeof value !== 'object' || value === null) return false;
  const { joined, name, roomUrl, identity, calls } = value as Record<string, unknown>;
  if (joined === false) return true;
  return (
    joined === true &&
    (calls === undefined || calls === true) &&
    typeof name === 'string' &&
    typeof roomUrl === 'string' &&
    (identity === undefined || isValidIdentity(identity))
  );
}

/** The body of POST `KIT_ROOM_HAND_PATH` (JSON); the message is optional. */
export interface KitHandRequest {
  message?: string;
}

/** The header and parameter names a client uses to send the workshop passcode. */
export const PASSCODE_HEADER = 'x-workshop-passcode';
export const PASSCODE_PARAM = 'passcode';
