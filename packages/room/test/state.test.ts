import { describe, expect, it } from 'vitest';
import type { RoomEvent } from '../src/events.js';
import { parseEvent } from '../src/events.js';
import { EMPTY_ROOM, failingKey, passedStep, reduce, replay } from '../src/state.js';
import { report } from './helpers.js';

const HASH = 'a'.repeat(64);
const ALICE = 'm-0000000000000001';
let seq = 0;
const at = (minute: number) => new Date(Date.UTC(2025, 5, 1, 10, minute)).toISOString();
function ev(minute: number, body: Record<string, unknown>): RoomEvent {
  seq += 1;
  return { seq, at: at(minute), ...body } as RoomEvent;
}

function room(): RoomEvent[] {
  seq = 0;
  return [
    ev(0, { type: 'room-created', code: 'KX34MP', instructorKeyHash: HASH }),
    ev(1, { type: 'member-joined', memberId: ALICE, name: 'アリス', tokenHash: 'b'.repeat(64) }),
  ];
}

describe('reduce', () => {
  it('creates the room and adds a member by token hash', () => {
    const state = replay(room());
    expect(state.code).toBe('KX34MP');
    expect(state.instructorKeyHash).toBe(HASH);
    expect(state.tokens.get('b'.repeat(64))).toBe(ALICE);
    expect(state.members.get(ALICE)?.name).toBe('アリス');
    expect(state.lastSeq).toBe(2);
  });

  it('does not change the state it was given', () => {
    const before = replay(room());
    const after = reduce(before, ev(3, { type: 'report', memberId: ALICE, report: report(1) }));
    expect(before.members.get(ALICE)?.latest).toBeNull();
    expect(after.members.get(ALICE)?.latest?.report.step).toBe(1);
  });

  it('keeps failingSince while the same stage fails, resets it on a new stage and on a pass', () => {
    const events = room();
    let state = replay(events);
    state = reduce(state, ev(2, { type: 'report', memberId: ALICE, report: report(2, '2-2') }));
    state = reduce(state, ev(5, { type: 'report', memberId: ALICE, report: report(2, '2-2') }));
    expect(state.members.get(ALICE)?.failing).toEqual({ key: '2-2', since: Date.parse(at(2)) });
    state = reduce(state, ev(6, { type: 'report', memberId: ALICE, report: report(2, '2-1') }));
    expect(state.members.get(ALICE)?.failing).toEqual({ key: '2-1', since: Date.parse(at(6)) });
    state = reduce(state, ev(7, { type: 'report', memberId: ALICE, report: report(2) }));
    expect(state.members.get(ALICE)?.failing).toBeNull();
  });

  it('records the first time each step was passed; passedStep is the highest', () => {
    let state = replay(room());
    state = reduce(state, ev(3, { type: 'report', memberId: ALICE, report: report(1) }));
    state = reduce(state, ev(4, { type: 'report', memberId: ALICE, report: report(3) }));
    state = reduce(state, ev(9, { type: 'report', memberId: ALICE, report: report(1) }));
    const alice = state.members.get(ALICE);
    expect(alice?.passedAt.get(1)).toBe(Date.parse(at(3)));
    expect(alice && passedStep(alice)).toBe(3);
  });

  it('raising again keeps the place in the queue; lowering clears it', () => {
    let state = replay(room());
    state = reduce(state, ev(3, { type: 'hand-raised', memberId: ALICE, message: 'help' }));
    state = reduce(state, ev(4, { type: 'hand-raised', memberId: ALICE, message: 'still' }));
    expect(state.members.get(ALICE)?.hand).toEqual({
      message: 'still',
      raisedAt: Date.parse(at(3)),
    });
    state = reduce(state, ev(5, { type: 'hand-lowered', memberId: ALICE, by: 'instructor' }));
    expect(state.members.get(ALICE)?.hand).toBeNull();
  });

  it('ignores events about members who never joined, and a second join with the same token', () => {
    const state = replay(room());
    const ghost = reduce(
      state,
      ev(3, { type: 'hand-raised', memberId: 'm-00000000000000ff', message: '' }),
    );
    expect(ghost.members.size).toBe(1);
    const twice = reduce(
      state,
      ev(4, {
        type: 'member-joined',
        memberId: 'm-0000000000000002',
        name: 'x',
        tokenHash: 'b'.repeat(64),
      }),
    );
    expect(twice.members.size).toBe(1);
  });

  it("keeps a member's first connected call (the finish line), not a later one", () => {
    let state = replay(room());
    expect(state.members.get(ALICE)?.firstCall).toBeNull();
    state = reduce(state, ev(3, { type: 'call-connected', memberId: ALICE, to: 'bob' }));
    state = reduce(state, ev(4, { type: 'call-connected', memberId: ALICE, to: 'carol' }));
    expect(state.members.get(ALICE)?.firstCall).toEqual({ to: 'bob', at: Date.parse(at(3)) });
    const ghost = reduce(
      state,
      ev(5, { type: 'call-connected', memberId: 'm-00000000000000ff', to: 'bob' }),
    );
    expect(ghost.members.size).toBe(1);
    expect(ghost.lastSeq).toBe(5);
  });

  it('names the failing stage, the first failed stage, or the step', () => {
    expect(failingKey(report(2, '2-2'))).toBe('2-2');
    expect(failingKey({ ...report(2, '2-2'), failingStage: null })).toBe('2-2');
    expect(failingKey({ ...report(2), passed: false })).toBe('step:2');
    expect(failingKey(report(2))).toBeNull();
    expect(EMPTY_ROOM.members.size).toBe(0);
  });
});

describe('parseEvent', () => {
  it('refuses lines that are not events', () => {
    expect(
      parseEvent({
        seq: 1,
        at: at(0),
        type: 'member-joined',
        memberId: ALICE,
        name: 'a',
        tokenHash: 'x',
      }),
    ).toBeNull();
    expect(
      parseEvent({ seq: 0, at: at(0), type: 'hand-lowered', memberId: ALICE, by: 'member' }),
    ).toBeNull();
    expect(
      parseEvent({ seq: 1, at: at(0), type: 'hand-lowered', memberId: ALICE, by: 'root' }),
    ).toBeNull();
    expect(
      parseEvent({
        seq: 1,
        at: at(0),
        type: 'report',
        memberId: ALICE,
        report: { ...report(1), x: 1 },
      }),
    ).toBeNull();
    expect(
      parseEvent({ seq: 1, at: at(0), type: 'hand-lowered', memberId: ALICE, by: 'member' }),
    ).toEqual({
      seq: 1,
      at: at(0),
      type: 'hand-lowered',
      memberId: ALICE,
      by: 'member',
    });
  });

  it('reads a call-connected line strictly: a name of 1 to 64 characters, a member, nothing else', () => {
    const line = { seq: 7, at: at(0), type: 'call-connected', memberId: ALICE, to: 'bob' };
    expect(parseEvent({ ...line, extra: '<script>', callSid: 'CA1' })).toEqual(line);
    expect(parseEvent({ ...line, to: 'x'.repeat(64) })).not.toBeNull();
    for (const to of ['', 'x'.repeat(65), null, 1, ['bob'], { to: 'bob' }, undefined]) {
      expect(parseEvent({ ...line, to }), JSON.stringify(to)).toBeNull();
    }
    expect(parseEvent({ ...line, memberId: 'alice' })).toBeNull();
    expect(parseEvent({ ...line, memberId: undefined })).toBeNull();
  });
});
