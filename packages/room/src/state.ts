import type { StepReport } from '@kit/shared/room';
import type { RoomEvent } from './events.js';

/** One attendee as the room knows them. Times are epoch milliseconds. */
export interface MemberState {
  memberId: string;
  name: string;
  tokenHash: string;
  joinedAt: number;
  latest: { report: StepReport; at: number } | null;
  /** The stage failing now (`3-4`, or `step:3` when no stage was named) and since when. */
  failing: { key: string; since: number } | null;
  /** Step number → when this member first passed it. */
  passedAt: ReadonlyMap<number, number>;
  hand: { message: string; raisedAt: number } | null;
  /** The member's API key and TwiML App SIDs (null for a member who joined before keys). */
  apiKeySid: string | null;
  twimlAppSid: string | null;
  /** The Client identity the member owns (null for a member who joined before identities). */
  identity: string | null;
  /** The last name this member's key tried to register without owning it, and when. */
  refusedIdentity: { identity: string; at: number } | null;
  /** The first call this member's own code connected (logged), and whom it reached. */
  firstCall: { to: string; at: number } | null;
  /** The last call whose media did not connect, as the member's phone reported it. */
  mediaFailure: { peer: string; at: number } | null;
  /** Removed from the board by the instructor (退室させる): token and key refused from then on. */
  revoked: boolean;
}

export interface RoomState {
  code: string | null;
  instructorKeyHash: string | null;
  createdAt: number | null;
  /** Joined order. */
  members: ReadonlyMap<string, MemberState>;
  /** sha256(token) → memberId */
  tokens: ReadonlyMap<string, string>;
  lastSeq: number;
}

export const EMPTY_ROOM: RoomState = {
  code: null,
  instructorKeyHash: null,
  createdAt: null,
  members: new Map(),
  tokens: new Map(),
  lastSeq: 0,
};

/** The stage a failing report names: its `failingStage`, else the first failed stage, else the step. */
export function failingKey(report: StepReport): string | null {
  if (report.passed) return null;
  return (
    report.failingStage ?? report.stages.find((stage) => !stage.passed)?.id ?? `step:${report.step}`
  );
}

/** The highest step a member has passed, or 0. */
export function passedStep(member: MemberState): number {
  let highest = 0;
  for (const step of member.passedAt.keys()) highest = Math.max(highest, step);
  return highest;
}

function withMember(state: RoomState, member: MemberState): RoomState {
  const members = new Map(state.members);
  members.set(member.memberId, member);
  return { ...state, members };
}

/**
 * The room after one more event. Pure: the same log always gives the same
 * room, which is what makes a restart safe. An event about a member the room
 * never saw join changes nothing.
 */
export function reduce(state: RoomState, event: RoomEvent): RoomState {
  const at = Date.parse(event.at);
  const next = { ...state, lastSeq: Math.max(state.lastSeq, event.seq) };
  if (event.type === 'room-created') {
    return { ...next, code: event.code, instructorKeyHash: event.instructorKeyHash, createdAt: at };
  }
  if (event.type === 'member-joined') {
    if (state.members.has(event.memberId) || state.tokens.has(event.tokenHash)) return next;
    const tokens = new Map(state.tokens);
    tokens.set(event.tokenHash, event.memberId);
    return withMember(
      { ...next, tokens },
      {
        memberId: event.memberId,
        name: event.name,
        tokenHash: event.tokenHash,
        joinedAt: at,
        latest: null,
        failing: null,
        passedAt: new Map(),
        hand: null,
        apiKeySid: event.apiKeySid ?? null,
        twimlAppSid: event.twimlAppSid ?? null,
        identity: event.identity ?? null,
        refusedIdentity: null,
        mediaFailure: null,
        firstCall: null,
        revoked: false,
      },
    );
  }
  const member = state.members.get(event.memberId);
  if (!member) return next;
  switch (event.type) {
    case 'report': {
      const { report } = event;
      const key = failingKey(report);
      // The clock keeps running while the same stage fails; a new stage (or a pass) restarts it.
      const failing =
        key === null ? null : member.failing?.key === key ? member.failing : { key, since: at };
      let passedAt = member.passedAt;
      if (report.passed && !passedAt.has(report.step)) {
        const copy = new Map(passedAt);
        copy.set(report.step, at);
        passedAt = copy;
      }
      return withMember(next, { ...member, latest: { report, at }, failing, passedAt });
    }
    case 'hand-raised': {
      // Raising again only changes the message: the place in the queue is kept.
      const raisedAt = member.hand?.raisedAt ?? at;
      return withMember(next, { ...member, hand: { message: event.message, raisedAt } });
    }
    case 'hand-lowered':
      return withMember(next, { ...member, hand: null });
    case 'member-revoked':
      return withMember(next, { ...member, hand: null, revoked: true });
    case 'identity-refused':
      return withMember(next, { ...member, refusedIdentity: { identity: event.identity, at } });
    case 'call-connected':
      // The first one counts: a hand-edited log with two keeps the earlier.
      if (member.firstCall !== null) return next;
      return withMember(next, { ...member, firstCall: { to: event.to, at } });
    case 'media-failed':
      return withMember(next, { ...member, mediaFailure: { peer: event.peer, at } });
  }
}

export function replay(events: Iterable<RoomEvent>, state: RoomState = EMPTY_ROOM): RoomState {
  let current = state;
  for (const event of events) current = reduce(current, event);
  return current;
}
