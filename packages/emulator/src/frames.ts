import type { WireError } from './error-codes.js';

/** The text frame both sides use as a heartbeat; the SDK echoes it. */
export const HEARTBEAT = '\n';

/** A client frame after JSON parsing: `{ type, version, payload }`. */
export interface ClientFrame {
  type: string;
  payload: Record<string, unknown>;
}

export type FrameParse =
  | { kind: 'heartbeat' }
  | { kind: 'frame'; frame: ClientFrame }
  | { kind: 'malformed'; reason: string };

/**
 * Reads one client text frame. The SDK sends exactly
 * `JSON.stringify({ payload, type, version: '1.6' })` or the heartbeat echo;
 * anything else is answered with an error, never a crash.
 */
export function parseClientFrame(text: string): FrameParse {
  if (text === HEARTBEAT) return { kind: 'heartbeat' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'JSON ではありません' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'malformed', reason: 'JSON オブジェクトではありません' };
  }
  const { type, payload } = value as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string' || type.length === 0) {
    return { kind: 'malformed', reason: 'type がありません' };
  }
  if (payload === undefined) return { kind: 'frame', frame: { type, payload: {} } };
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { kind: 'malformed', reason: 'payload がオブジェクトではありません' };
  }
  return { kind: 'frame', frame: { type, payload: payload as Record<string, unknown> } };
}

/** Messages the emulator sends; PStream re-emits each `type` as an event. */
export type ServerFrame =
  | {
      type: 'connected';
      payload: { region: string; edge: string; token: { identity: string; ttl: number } };
    }
  | { type: 'ready' | 'offline'; payload: Record<string, never> }
  | { type: 'error'; payload: { error: WireError; callsid?: string } }
  | { type: 'close'; payload: Record<string, never> }
  | {
      type: 'invite';
      payload: {
        callsid: string;
        sdp: string;
        reconnect: string;
        parameters: Record<string, string>;
      };
    }
  | { type: 'ringing'; payload: { callsid: string } }
  | { type: 'answer'; payload: { callsid: string; reconnect: string; sdp?: string } }
  | { type: 'cancel'; payload: { callsid: string } }
  | { type: 'hangup'; payload: { callsid: string; error?: WireError } }
  | { type: 'dtmf'; payload: { callsid: string; dtmf: string } }
  | { type: 'ack'; payload: { acktype: 'message'; callsid: string; voiceeventsid: string } };

export function serializeFrame(frame: ServerFrame): string {
  return JSON.stringify({ type: frame.type, version: '1.6', payload: frame.payload });
}

/** A string field of a payload, or null when absent or of another type. */
export function stringField(payload: Record<string, unknown>, name: string): string | null {
  const value = payload[name];
  return typeof value === 'string' ? value : null;
}
