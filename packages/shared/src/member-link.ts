/**
 * The member link (教室モードの通話): the one WebSocket a member's kit
 * (`pnpm dev --room`) opens to the room, so the room can reach the member's own
 * `/call` the way Twilio reaches a Voice URL, while the member's laptop opens no
 * inbound port. Both ends treat every frame from the other as hostile: each is
 * parsed here, and anything else closes the link.
 *
 *   member → room  hello    { voiceUrl }            the Voice URL the room signs (and again when it changes)
 *   room → member  ready    { emulatorPort }        where the member's phone registers (the room's own host)
 *   room → member  webhook  { id, params, signature } POST these to your Voice URL, signed
 *   room → member  cancel   { id }                  the caller hung up: stop waiting
 *   member → room  answer   { id, status, contentType, body }
 *   member → room  unreachable { id, reason }       the local /call did not answer
 */

import { isPortNumber } from './contract.js';

/** `GET` with `Authorization: Bearer <member token>` and a WebSocket upgrade. */
export const MEMBER_LINK_PATH = '/api/member-link';

/** A TwiML answer is at most 64 KB (Twilio's limit); JSON may escape each character to six. */
export const MEMBER_LINK_MAX_FRAME_BYTES = 512 * 1024;
/** Twilio's Voice webhook sends about 20 parameters. */
const MAX_PARAMS = 64;
const MAX_PARAM_BYTES = 1024;
const MAX_VOICE_URL_LENGTH = 512;
const MAX_REASON_LENGTH = 200;
const MAX_CONTENT_TYPE_LENGTH = 200;
const MAX_ID = 2 ** 31;

/** Close codes the room uses (4000–4999 are the application's), each said to the member in words. */
export const MEMBER_LINK_CLOSE = {
  /** The same member opened another link (a second `pnpm dev --room`): the newer one wins. */
  replaced: 4001,
  /** A frame that is not this protocol. */
  protocol: 4002,
  /** The instructor revoked the member (退室させる). */
  revoked: 4003,
  /** The room is shutting down. */
  closing: 4004,
} as const;

export interface LinkHello {
  type: 'hello';
  /** `http://127.0.0.1:3000/call`: the URL the member's runtime validates the signature against. */
  voiceUrl: string;
}
export interface LinkAnswer {
  type: 'answer';
  id: number;
  status: number;
  contentType: string;
  body: string;
}
export interface LinkUnreachable {
  type: 'unreachable';
  id: number;
  reason: string;
}
export type MemberFrame = LinkHello | LinkAnswer | LinkUnreachable;

export interface LinkReady {
  type: 'ready';
  /** The room's emulator, on the room's own host: `ws://<room host>:<emulatorPort>/signal`. */
  emulatorPort: number;
}
export interface LinkWebhook {
  type: 'webhook';
  id: number;
  params: Record<string, string>;
  /** X-Twilio-Signature for the member's own Voice URL (their hello), with the room's auth token. */
  signature: string;
}
export interface LinkCancel {
  type: 'cancel';
  id: number;
}
export type RoomFrame = LinkReady | LinkWebhook | LinkCancel;

/** Loopback http only: the room signs this URL, and the kit posts only to its own. */
const LOCAL_VOICE_URL = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}\/[\x21-\x7e]*$/;

function parse(text: string): Record<string, unknown> | null {
  if (text.length > MEMBER_LINK_MAX_FRAME_BYTES) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

const isId = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) > 0 && (value as number) < MAX_ID;
const isShortString = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length <= max;

/** What the room accepts from a member's kit, or null (the room closes the link). */
export function parseMemberFrame(text: string): MemberFrame | null {
  const frame = parse(text);
  if (!frame) return null;
  switch (frame.type) {
    case 'hello':
      return isShortString(frame.voiceUrl, MAX_VOICE_URL_LENGTH) &&
        LOCAL_VOICE_URL.test(frame.voiceUrl)
        ? { type: 'hello', voiceUrl: frame.voiceUrl }
        : null;
    case 'answer':
      return isId(frame.id) &&
        Number.isInteger(frame.status) &&
        (frame.status as number) >= 100 &&
        (frame.status as number) <= 599 &&
        isShortString(frame.contentType, MAX_CONTENT_TYPE_LENGTH) &&
        typeof frame.body === 'string'
        ? {
            type: 'answer',
            id: frame.id,
            status: frame.status as number,
            contentType: frame.contentType,
            body: frame.body,
          }
        : null;
    case 'unreachable':
      return isId(frame.id) && isShortString(frame.reason, MAX_REASON_LENGTH)
        ? { type: 'unreachable', id: frame.id, reason: frame.reason }
        : null;
    default:
      return null;
  }
}

function isParams(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= MAX_PARAMS &&
    entries.every(
      ([name, field]) =>
        /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) && isShortString(field, MAX_PARAM_BYTES),
    )
  );
}

/** What a member's kit accepts from the room, or null (the kit drops the link and says so). */
export function parseRoomFrame(text: string): RoomFrame | null {
  const frame = parse(text);
  if (!frame) return null;
  switch (frame.type) {
    case 'ready':
      return isPortNumber(frame.emulatorPort)
        ? { type: 'ready', emulatorPort: frame.emulatorPort }
        : null;
    case 'webhook':
      return isId(frame.id) &&
        isParams(frame.params) &&
        isShortString(frame.signature, 64) &&
        /^[A-Za-z0-9+/=]+$/.test(frame.signature)
        ? { type: 'webhook', id: frame.id, params: { ...frame.params }, signature: frame.signature }
        : null;
    case 'cancel':
      return isId(frame.id) ? { type: 'cancel', id: frame.id } : null;
    default:
      return null;
  }
}

/**
 * The media probe (`pnpm run doctor --room`): one UDP datagram to the room's
 * phones port, echoed byte for byte (never larger, so the room cannot be used to
 * amplify). A reply means UDP, the path the browsers' audio takes, flows between
 * this laptop and another one on the venue's network.
 */
const MEDIA_PROBE_PREFIX = 'kit-media-probe/1 ';
const MEDIA_PROBE_PATTERN = /^kit-media-probe\/1 [0-9a-f]{32}$/;

export function mediaProbe(nonceHex: string): string {
  return `${MEDIA_PROBE_PREFIX}${nonceHex}`;
}

export function isMediaProbe(text: string): boolean {
  return MEDIA_PROBE_PATTERN.test(text);
}
