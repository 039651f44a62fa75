import type { CallView } from '@kit/emulator';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, csvCell, exportCsv, type RoomEvent, replay } from '../src/index.js';
import { MAX_PER_MEMBER } from '../src/phones.js';
import { report, STAGE_TITLES } from './helpers.js';

const T0 = Date.UTC(2025, 5, 1, 1, 0); // 10:00 in Tokyo
const minute = 60_000;
let seq = 0;
function ev(at: number, body: Record<string, unknown>): RoomEvent {
  seq += 1;
  return { seq, at: new Date(at).toISOString(), ...body } as RoomEvent;
}
const id = (n: number) => `m-${n.toString(16).padStart(16, '0')}`;
function join(n: number, name: string, at = T0): RoomEvent {
  return ev(at, {
    type: 'member-joined',
    memberId: id(n),
    name,
    tokenHash: String(n)
      .repeat(64)
      .slice(0, 64)
      .replace(/[^0-9a-f]/g, 'a'),
  });
}

const events = [
  ev(T0, { type: 'room-created', code: 'KX34MP', instructorKeyHash: 'f'.repeat(64) }),
  join(1, 'さとう'),
  join(2, 'あべ'),
  join(3, 'いとう'),
  join(4, '=HYPERLINK("http://x")'),
  ev(T0 + 1 * minute, { type: 'report', memberId: id(1), report: report(1) }),
  ev(T0 + 2 * minute, { type: 'report', memberId: id(1), report: report(2, '2-2') }),
  ev(T0 + 3 * minute, { type: 'report', memberId: id(2), report: report(2, '2-2') }),
  ev(T0 + 4 * minute, { type: 'report', memberId: id(3), report: report(1, '1-2') }),
  ev(T0 + 5 * minute, { type: 'hand-raised', memberId: id(3), message: 'わかりません' }),
  ev(T0 + 6 * minute, { type: 'hand-raised', memberId: id(4), message: '' }),
  ev(T0 + 7 * minute, { type: 'call-connected', memberId: id(1), to: 'bob' }),
];

describe('board snapshot', () => {
  const state = replay(events);
  const board = buildSnapshot(state, {
    stageTitles: STAGE_TITLES,
    stepCount: 5,
    stuckAfterMs: 10 * minute,
    now: T0 + 13 * minute,
  });

  it('lists hands first (longest waiting first), then the stuck, then by name', () => {
    expect(board.code).toBe('KX3-4MP');
    expect(board.members.map((m) => m.name)).toEqual([
      'いとう',
      '=HYPERLINK("http://x")',
      'さとう',
      'あべ',
    ]);
    expect(board.members.map((m) => m.stuck)).toEqual([false, false, true, false]);
    expect(board.members[2]?.failingSince).toBe(new Date(T0 + 2 * minute).toISOString());
  });

  it('counts a member who passed step 3 for steps 1 and 2 too (how far the room has got)', () => {
    const later = buildSnapshot(
      replay([
        ...events,
        ev(T0 + 7 * minute, { type: 'report', memberId: id(2), report: report(3) }),
      ]),
      { stageTitles: STAGE_TITLES, stepCount: 5, stuckAfterMs: 10 * minute, now: T0 + 8 * minute },
    );
    expect(later.passedByStep).toEqual({ '1': 2, '2': 1, '3': 1, '4': 0, '5': 0 });
  });

  it('counts passes per step and the stage most are failing', () => {
    expect(board.passedByStep).toEqual({ '1': 1, '2': 0, '3': 0, '4': 0, '5': 0 });
    expect(board.topFailingStage).toEqual({ id: '2-2', title: 'identity の検査', count: 2 });
    expect(board.members[2]?.passedStep).toBe(1);
    expect(board.members[2]?.latest?.at).toBe(new Date(T0 + 2 * minute).toISOString());
  });
});

describe("the board's phones and calls", () => {
  const key = (n: number) => `SK${n.toString(16).padStart(32, '0')}`;
  const app = (n: number) => `AP${n.toString(16).padStart(32, '0')}`;
  const keyed = (n: number, name: string, identity: string) => ({
    ...join(n, name),
    apiKeySid: key(n),
    twimlAppSid: app(n),
    identity,
  });
  const callView = (n: number, overrides: Partial<CallView>): CallView => ({
    callSid: `CA${n}`,
    applicationSid: app(1),
    from: 'sakura',
    to: 'bob',
    answeredBy: null,
    phase: 'ringing',
    placedAt: T0 + 10 * minute,
    connectedAt: null,
    ...overrides,
  });
  const roomEvents = [
    ev(T0, { type: 'room-created', code: 'KX34MP', instructorKeyHash: 'f'.repeat(64) }),
    keyed(1, 'さくら', 'sakura'),
    keyed(2, 'ボブ', 'bob'),
    keyed(3, '退室', 'gone'),
    join(4, '鍵なし'),
    ev(T0 + 5 * minute, { type: 'member-revoked', memberId: id(3), by: 'instructor' }),
    ev(T0 + 6 * minute, { type: 'call-connected', memberId: id(1), to: 'bob' }),
    ev(T0 + 7 * minute, { type: 'call-connected', memberId: id(3), to: 'bob' }),
  ];
  const options = { stageTitles: STAGE_TITLES, stepCount: 5, stuckAfterMs: 10 * minute };
  const byName = (board: ReturnType<typeof buildSnapshot>, name: string) =>
    board.members.find((member) => member.name === name);

  it("lists each member's registered names by their key, and the calls their App routes", () => {
    const long = `${'x'.repeat(63)}𠮷`;
    const board = buildSnapshot(replay(roomEvents), {
      ...options,
      now: T0 + 11 * minute,
      phones: {
        registrations: [
          { identity: 'sakura-2', keySid: key(1) },
          { identity: 'sakura', keySid: key(1) },
          { identity: 'sakura', keySid: key(1) },
          { identity: 'bob', keySid: key(2) },
          { identity: 'gone', keySid: key(3) },
          { identity: 'nobody', keySid: key(99) },
        ],
        calls: [
          callView(1, {
            phase: 'bridged',
            answeredBy: 'bob',
            connectedAt: T0 + 10 * minute + 5000,
          }),
          callView(2, { phase: 'webhook', to: long }),
          callView(3, { applicationSid: app(2), from: 'bob', to: 'sakura' }),
          callView(4, { applicationSid: app(3), from: 'gone' }),
          callView(5, { applicationSid: app(99) }),
        ],
      },
    });
    const sakura = byName(board, 'さくら');
    expect(sakura?.phones).toEqual(['sakura', 'sakura-2']);
    expect(sakura?.calls).toEqual([
      {
        to: 'bob',
        state: 'connected',
        placedAt: new Date(T0 + 10 * minute).toISOString(),
        connectedAt: new Date(T0 + 10 * minute + 5000).toISOString(),
      },
      // What was dialled, cut to 64 UTF-16 units without halving the last character.
      { to: 'x'.repeat(63), state: 'dialing', placedAt: expect.any(String), connectedAt: null },
    ]);
    expect(byName(board, 'ボブ')?.phones).toEqual(['bob']);
    expect(byName(board, 'ボブ')?.calls.map((c) => [c.to, c.state])).toEqual([
      ['sakura', 'ringing'],
    ]);
    expect(byName(board, '鍵なし')).toMatchObject({ phones: [], calls: [], firstCallAt: null });
    expect(byName(board, '退室')).toBeUndefined();
    // The finish line: the revoked member's call is off the board with them.
    expect(sakura?.firstCallAt).toBe(new Date(T0 + 6 * minute).toISOString());
    expect(board.calledCount).toBe(1);
  });

  it('shows no phones without the emulator, and at most a few per member', () => {
    const state = replay(roomEvents);
    const none = buildSnapshot(state, { ...options, now: T0 });
    expect(none.members.map((member) => member.phones)).toEqual([[], [], []]);
    expect(none.calledCount).toBe(1);
    const many = buildSnapshot(state, {
      ...options,
      now: T0,
      phones: {
        registrations: Array.from({ length: 50 }, (_, n) => ({
          identity: `sakura-${n}`,
          keySid: key(1),
        })),
        calls: Array.from({ length: 50 }, (_, n) => callView(n, {})),
      },
    });
    expect(byName(many, 'さくら')?.phones).toHaveLength(MAX_PER_MEMBER);
    expect(byName(many, 'さくら')?.calls).toHaveLength(MAX_PER_MEMBER);
  });
});

describe('CSV export', () => {
  it('neutralises formulas and escapes quotes, commas and newlines', () => {
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('+81')).toBe(`"'+81"`);
    expect(csvCell('-2')).toBe(`"'-2"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('a"b,c\nd')).toBe('"a""b,c\nd"');
    expect(csvCell('山田')).toBe('"山田"');
  });

  it('has a BOM, a header, and when each member first passed each step', () => {
    const csv = exportCsv(replay(events), { stepCount: 2, timeZone: 'Asia/Tokyo' });
    expect(
      csv.startsWith('\uFEFF"名前","メンバーID","参加時刻","手順1 合格時刻","手順2 合格時刻"'),
    ).toBe(true);
    expect(csv.split('\r\n')[0]?.endsWith(',"自分のコードで初めて通話した時刻"')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe(
      `"さとう","${id(1)}","2025-06-01 10:00:00","2025-06-01 10:01:00","","1","手順2 未合格 2025-06-01 10:02:00","2-2","2025-06-01 10:07:00"`,
    );
    expect(lines[2]?.endsWith(',"2-2",""')).toBe(true);
    expect(lines[4]?.startsWith(`"'=HYPERLINK(""http://x"")"`)).toBe(true);
  });
});
