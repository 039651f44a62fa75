import {
  type BoardMember,
  type BoardSnapshot,
  compareStageIds,
  formatRoomCode,
  STAGE_ID_PATTERN,
} from '@kit/shared/room';
import { type MemberPhones, type PhoneLists, phonesByMember } from './phones.js';
import { type MemberState, passedStep, type RoomState } from './state.js';

export interface BoardOptions {
  stageTitles: Record<string, string>;
  /** How many steps the catalog has: `passedByStep` counts 1…stepCount (passing N counts for 1…N). */
  stepCount: number;
  stuckAfterMs: number;
  now: number;
  /** The room's emulator now (registrations and calls in progress); none when it is not running. */
  phones?: PhoneLists | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function isStuck(member: MemberState, stuckAfterMs: number, now: number): boolean {
  return member.failing !== null && now - member.failing.since > stuckAfterMs;
}

const NO_PHONES: MemberPhones = { phones: [], calls: [] };

function boardMember(
  member: MemberState,
  options: BoardOptions,
  live: MemberPhones = NO_PHONES,
): BoardMember {
  return {
    memberId: member.memberId,
    name: member.name,
    identity: member.identity,
    refusedIdentity: member.refusedIdentity && {
      identity: member.refusedIdentity.identity,
      at: iso(member.refusedIdentity.at),
    },
    joinedAt: iso(member.joinedAt),
    latest: member.latest && { ...member.latest.report, at: iso(member.latest.at) },
    failingSince: member.failing && iso(member.failing.since),
    passedStep: passedStep(member),
    hand: member.hand && { message: member.hand.message, raisedAt: iso(member.hand.raisedAt) },
    stuck: isStuck(member, options.stuckAfterMs, options.now),
    phones: live.phones,
    calls: live.calls,
    firstCallAt: member.firstCall && iso(member.firstCall.at),
    mediaFailure: member.mediaFailure && {
      peer: member.mediaFailure.peer,
      at: iso(member.mediaFailure.at),
    },
  };
}

const collator = new Intl.Collator('ja');

/**
 * Raised hands first (longest waiting first), then the stuck (stuck longest
 * first), then everyone else by name: the instructor reads from the top.
 */
function compareMembers(a: BoardMember, b: BoardMember): number {
  if (a.hand && b.hand) return a.hand.raisedAt.localeCompare(b.hand.raisedAt);
  if (a.hand || b.hand) return a.hand ? -1 : 1;
  if (a.stuck && b.stuck) return (a.failingSince ?? '').localeCompare(b.failingSince ?? '');
  if (a.stuck || b.stuck) return a.stuck ? -1 : 1;
  return collator.compare(a.name, b.name) || a.memberId.localeCompare(b.memberId);
}

export function buildSnapshot(state: RoomState, options: BoardOptions): BoardSnapshot {
  // A member the instructor removed (退室させる) is off the board and out of its counts.
  const present = [...state.members.values()].filter((member) => !member.revoked);
  const live = options.phones ? phonesByMember(state, options.phones) : null;
  const members = present.map((member) => boardMember(member, options, live?.get(member.memberId)));
  members.sort(compareMembers);

  const passedByStep: Record<string, number> = {};
  for (let step = 1; step <= options.stepCount; step += 1) passedByStep[String(step)] = 0;
  const failing = new Map<string, number>();
  for (const member of present) {
    // A member who passed step 3 is counted for steps 1 and 2 too: each step starts
    // from the one before, and the instructor asks how far the room has got.
    const highest = Math.max(0, ...member.passedAt.keys());
    for (let step = 1; step <= Math.min(highest, options.stepCount); step += 1) {
      passedByStep[String(step)] = (passedByStep[String(step)] ?? 0) + 1;
    }
    const key = member.failing?.key;
    if (key !== undefined && STAGE_ID_PATTERN.test(key))
      failing.set(key, (failing.get(key) ?? 0) + 1);
  }
  let top: BoardSnapshot['topFailingStage'] = null;
  for (const [id, count] of failing) {
    // Ties go to the earlier stage: the one the others will reach next.
    if (
      top === null ||
      count > top.count ||
      (count === top.count && compareStageIds(id, top.id) < 0)
    )
      top = { id, title: options.stageTitles[id] ?? id, count };
  }
  return {
    code: state.code ? formatRoomCode(state.code) : '',
    generatedAt: iso(options.now),
    stageTitles: options.stageTitles,
    passedByStep,
    topFailingStage: top,
    calledCount: present.filter((member) => member.firstCall !== null).length,
    members,
  };
}
