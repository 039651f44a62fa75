import { randomBytes } from 'node:crypto';

/** A Twilio-shaped SID: two letters and 32 hex digits (e.g. `CA…` for calls). */
export function newSid(prefix: 'CA'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** Opaque reconnect token; the SDK echoes it in its reconnect invite. */
export function newReconnectToken(): string {
  return `RC${randomBytes(24).toString('base64url')}`;
}
