import { describe, expect, it } from 'vitest';
import { buildSnapshot, csvCell, exportCsv, type RoomEvent, replay } from '../src/index.js';
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
