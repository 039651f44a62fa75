import type { CallView, Emulator, RegistrationView } from '@kit/emulator';
import type { BoardCall } from '@kit/shared/room';
import type { RoomState } from './state.js';

/** What the room reads of its emulator (`Emulator` of @kit/emulator has all three). */
export type RoomPhones = Pick<Emulator, 'registrations' | 'calls' | 'onCallConnected'>;

/** The room's emulator at one moment: who is registered, which calls are in progress. */
export interface PhoneLists {
  registrations: readonly RegistrationView[];
  calls: readonly CallView[];
}

/** One member's live phones and calls, as the board shows them. */
export interface MemberPhones {
  phones: string[];
  calls: BoardCall[];
}

/**
 * At most this many phones and calls per member on the board: a member whose
 * script opens a thousand tabs gets a full cell, not a flooded board.
 */
export const MAX_PER_MEMBER = 8;
/** Names the board shows, and the log keeps, are cut to this many UTF-16 units (as identity-refused). */
export const NAME_MAX_LENGTH = 64;

/** `text` cut to `max` UTF-16 units without splitting a surrogate pair. */
export function cutText(text: string, max = NAME_MAX_LENGTH): string {
  let cut = '';
  for (const char of text) {
    if (cut.length + char.length > max) break;
    cut += char;
  }
  return cut;
}

export function readPhones(phones: RoomPhones): PhoneLists {
  return { registrations: phones.registrations(), calls: phones.calls() };
}

const STATES: Record<CallView['phase'], BoardCall['state']> = {
  webhook: 'dialing',
  twiml: 'dialing',
  ringing: 'ringing',
  bridged: 'connected',
};

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Each present member's phones (registrations signed with their API key) and
 * the calls their TwiML App routed: one pass over each list, so 300 members and
 * 100 calls cost a few hundred map lookups per snapshot.
 */
export function phonesByMember(state: RoomState, lists: PhoneLists): Map<string, MemberPhones> {
  const byKey = new Map<string, MemberPhones>();
  const byApp = new Map<string, MemberPhones>();
  const byMember = new Map<string, MemberPhones>();
  for (const member of state.members.values()) {
    if (member.revoked) continue;
    const entry: MemberPhones = { phones: [], calls: [] };
    byMember.set(member.memberId, entry);
    if (member.apiKeySid !== null) byKey.set(member.apiKeySid, entry);
    if (member.twimlAppSid !== null) byApp.set(member.twimlAppSid, entry);
  }
  for (const { keySid, identity } of lists.registrations) {
    const entry = byKey.get(keySid);
    const name = cutText(identity);
    // Two tabs of one name are one phone to the instructor.
    if (entry && entry.phones.length < MAX_PER_MEMBER && !entry.phones.includes(name))
      entry.phones.push(name);
  }
  for (const entry of byMember.values()) entry.phones.sort();
  for (const call of lists.calls) {
    const entry = byApp.get(call.applicationSid);
    if (!entry || entry.calls.length >= MAX_PER_MEMBER) continue;
    entry.calls.push({
      to: cutText(call.answeredBy ?? call.to),
      state: STATES[call.phase],
      placedAt: iso(call.placedAt),
      connectedAt: call.connectedAt === null ? null : iso(call.connectedAt),
    });
  }
  return byMember;
}

/**
 * What the board shows of the lists, as one string: equal strings, nothing to
 * redraw. Times are left out: the board ticks them itself.
 */
export function phonesDigest(lists: PhoneLists): string {
  return JSON.stringify([
    lists.registrations.map(({ keySid, identity }) => [keySid, identity]),
    lists.calls.map(({ callSid, phase, answeredBy }) => [callSid, phase, answeredBy]),
  ]);
}
