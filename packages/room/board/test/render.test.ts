// @vitest-environment happy-dom
import type { BoardMember, BoardSnapshot } from '@kit/shared/room';
import { describe, expect, it } from 'vitest';
import page from '../index.html?raw';
import { type BoardRequests, revokeMemberRequest } from '../src/actions.js';
import mainSource from '../src/main.ts?raw';
import {
  COLUMNS,
  formatAgo,
  formatDuration,
  formatWait,
  parseSnapshot,
  renderRows,
  renderSummary,
  summaryLines,
  tickClocks,
} from '../src/render.js';
import renderSource from '../src/render.ts?raw';

const NOW = Date.parse('2025-06-01T10:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(1)</script>',
  '\u202eevil.exe\u202c',
  '𠮷'.repeat(32),
  '" onmouseover="alert(1)',
  '<b>bold</b>&amp;',
];

function member(overrides: Partial<BoardMember> = {}): BoardMember {
  return {
    memberId: 'm-0123456789abcdef',
    name: '山田',
    identity: 'yamada',
    refusedIdentity: null,
    joinedAt: ago(3_600_000),
    latest: {
      step: 3,
      stages: [
        { id: '3-1', passed: true },
        { id: '3-2', passed: true },
        { id: '3-3', passed: true },
        { id: '3-4', passed: false },
      ],
      failingStage: '3-4',
      hintId: 'stage:3-4',
      passed: false,
      durationMs: 1200,
      kitVersion: '1.0.0',
      at: ago(3 * 60_000),
    },
    failingSince: ago(12 * 60_000),
    passedStep: 2,
    hand: null,
    stuck: false,
    phones: [],
    calls: [],
    firstCallAt: null,
    mediaFailure: null,
    ...overrides,
  };
}

function snapshot(members: BoardMember[]): BoardSnapshot {
  return {
    code: 'KX34MP',
    generatedAt: new Date(NOW).toISOString(),
    stageTitles: { '3-4': 'identity の検査' },
    passedByStep: { '2': 5, '1': 8, '10': 0 },
    topFailingStage: { id: '3-4', title: 'identity の検査', count: 8 },
    calledCount: 3,
    members,
  };
}

/** The tags the rows may hold: anything else came from somewhere it should not have. */
const ROW_TAGS = new Set(['TR', 'TH', 'TD', 'BDI', 'SPAN', 'TIME', 'Q', 'BUTTON']);

function tagsOf(nodes: readonly Element[]): Set<string> {
  const tags = new Set<string>();
  for (const node of nodes) {
    tags.add(node.tagName);
    for (const inner of node.querySelectorAll('*')) tags.add(inner.tagName);
  }
  return tags;
}

describe('the summary', () => {
  it('says how many joined, passes per step in order, and the most common failing stage', () => {
    expect(summaryLines(snapshot([member(), member()]))).toEqual([
      '2 人参加',
      '手順1 合格 8 人',
      '手順2 合格 5 人',
      '手順10 合格 0 人',
      '3 人が自分のコードで通話しました',
      'いま多いつまずき: 3-4 identity の検査: 8 人',
    ]);
    expect(summaryLines({ ...snapshot([]), topFailingStage: null }).at(-1)).toBe(
      'いま多いつまずき: なし',
    );
  });

  it('keeps hostile stage titles as text', () => {
    const lines = summaryLines({
      ...snapshot([]),
      topFailingStage: { id: '3-4', title: HOSTILE[0] ?? '', count: 1 },
    });
    const list = renderSummary(lines);
    expect(list.textContent).toContain(HOSTILE[0]);
    expect([...tagsOf([list])].sort()).toEqual(['LI', 'UL']);
  });
});

describe('the rows', () => {
  it('shows step, stages passed, the failing stage, hint and times', () => {
    const { rows } = renderRows(snapshot([member({ stuck: true })]), {
      projector: false,
      now: NOW,
    });
    const cells = [...(rows[0]?.children ?? [])].map((cell) => cell.textContent);
    expect(cells).toEqual([
      '山田つまずきyamada',
      '手順3',
      '3 / 4 段階',
      '3-4 identity の検査ヒント: stage:3-412 分前から',
      '3 分前',
      '',
      '—',
      '退室させる(山田 さん)',
    ]);
    expect(rows[0]?.querySelector('time')?.getAttribute('datetime')).toBe(ago(3 * 60_000));
  });

  it('shows a member without a report and one who passed', () => {
    const { rows } = renderRows(
      snapshot([
        member({ latest: null, failingSince: null }),
        member({
          latest: {
            ...(member().latest as NonNullable<BoardMember['latest']>),
            passed: true,
            failingStage: null,
          },
        }),
      ]),
      { projector: false, now: NOW },
    );
    expect(rows[0]?.children[2]?.textContent).toBe('未検査');
    expect(rows[1]?.children[3]?.textContent).toBe('合格');
  });

  it("shows each member's phone name, and who tried to register as someone else", () => {
    const { rows } = renderRows(
      snapshot([
        member({ identity: 'yamada' }),
        member({ identity: 'bob', refusedIdentity: { identity: 'yamada', at: ago(5000) } }),
        member({ identity: null }),
      ]),
      { projector: false, now: NOW },
    );
    expect(rows[0]?.querySelector('.identity')?.textContent).toBe('yamada');
    expect(rows[0]?.querySelector('.refused')).toBeNull();
    expect(rows[1]?.querySelector('.refused')?.textContent).toBe(
      '⚠ yamada として登録しようとしました(拒否済み)',
    );
    expect(rows[2]?.querySelector('.identity')).toBeNull();
  });

  it('shows a call whose media did not connect, with whom (the venue isolates its clients?)', () => {
    const { rows } = renderRows(
      snapshot([member({ mediaFailure: { peer: 'bob', at: ago(3000) } }), member({})]),
      { projector: false, now: NOW },
    );
    expect(rows[0]?.textContent).toContain('⚠ bob との通話で音声がつながりませんでした');
    expect(rows[1]?.textContent).not.toContain('音声がつながりませんでした');
  });

  it("shows each member's phones, the calls they place and for how long, and who has called", () => {
    const connectedAt = ago(65_000);
    const { rows, clocks } = renderRows(
      snapshot([
        member({
          phones: ['yamada', 'yamada-2'],
          calls: [
            { to: 'bob', state: 'connected', placedAt: ago(70_000), connectedAt },
            { to: 'carol', state: 'ringing', placedAt: ago(3_000), connectedAt: null },
            { to: 'dave', state: 'dialing', placedAt: ago(1_000), connectedAt: null },
          ],
          firstCallAt: ago(600_000),
        }),
        member({ phones: ['bob'] }),
        member({ firstCallAt: ago(600_000) }),
      ]),
      { projector: true, now: NOW },
    );
    const cell = rows[0]?.children[6];
    expect([...(cell?.querySelectorAll('.phone') ?? [])].map((p) => p.textContent)).toEqual([
      'yamada',
      'yamada-2',
    ]);
    expect([...(cell?.querySelectorAll('.call') ?? [])].map((c) => c.textContent)).toEqual([
      '→ bob 通話中 1 分 5 秒',
      '→ carol 呼び出し中',
      '→ dave 発信中',
    ]);
    expect(cell?.querySelector('.badge--called')?.textContent).toBe('通話済み');
    expect(rows[1]?.children[6]?.textContent).toBe('bob');
    expect(rows[2]?.children[6]?.textContent).toBe('通話済み');
    // The length counts on with the board's clock, no new snapshot needed.
    tickClocks(clocks, NOW + 10_000);
    expect(cell?.querySelector('.call--connected')?.textContent).toBe('→ bob 通話中 1 分 15 秒');
  });

  it('keeps the order of the snapshot, with a button to lower each raised hand', () => {
    const members = [
      member({
        memberId: 'm-000000000000000a',
        name: 'A',
        hand: { message: '助けて', raisedAt: ago(90_000) },
      }),
      member({ memberId: 'm-000000000000000b', name: 'B' }),
      member({
        memberId: 'm-000000000000000c',
        name: 'C',
        hand: { message: '', raisedAt: ago(5_000) },
      }),
    ];
    const { rows, lowerButtons } = renderRows(snapshot(members), { projector: false, now: NOW });
    expect(rows.map((row) => row.querySelector('th bdi')?.textContent)).toEqual(['A', 'B', 'C']);
    expect([...lowerButtons.keys()]).toEqual(['m-000000000000000a', 'm-000000000000000c']);
    expect(rows[0]?.children[5]?.textContent).toBe('挙手1 分待ち助けて');
    expect(rows[2]?.children[5]?.textContent).toBe('挙手1 分未満待ち');
    expect(lowerButtons.get('m-000000000000000a')?.textContent).toBe('下ろす(A さんの手)');
  });

  it('has a 「退室させる」 button for every member, beside 「下ろす」', () => {
    const members = [
      member({
        memberId: 'm-000000000000000a',
        name: 'A',
        hand: { message: '', raisedAt: ago(5_000) },
      }),
      member({ memberId: 'm-000000000000000b', name: '<b>B</b>' }),
    ];
    const { rows, revokeButtons } = renderRows(snapshot(members), { projector: false, now: NOW });
    expect([...revokeButtons.keys()]).toEqual(['m-000000000000000a', 'm-000000000000000b']);
    const actions = rows[0]?.children[7];
    expect([...(actions?.querySelectorAll('button') ?? [])].map((b) => b.className)).toEqual([
      'lower',
      'revoke',
    ]);
    expect(revokeButtons.get('m-000000000000000b')?.textContent).toBe('退室させる(<b>B</b> さん)');
    expect(revokeButtons.get('m-000000000000000b')?.querySelector('b')).toBeNull();
  });

  it('on the projector: no hand messages, no buttons, one column fewer', () => {
    const hand = { message: '秘密のメッセージ', raisedAt: ago(60_000) };
    const rendered = renderRows(snapshot([member({ hand })]), { projector: true, now: NOW });
    const { rows, lowerButtons } = rendered;
    expect(rows[0]?.textContent).not.toContain('秘密のメッセージ');
    expect(rows[0]?.textContent).toContain('挙手');
    expect(rows[0]?.querySelector('button')).toBeNull();
    expect(rows[0]?.children).toHaveLength(COLUMNS.length - 1);
    expect(rows[0]?.children[6]?.textContent).toBe('—');
    expect(lowerButtons.size).toBe(0);
    expect(rendered.revokeButtons.size).toBe(0);
  });

  it('ticks its clocks without a new snapshot', () => {
    const hand = { message: '', raisedAt: ago(30_000) };
    const { rows, clocks } = renderRows(snapshot([member({ hand })]), {
      projector: false,
      now: NOW,
    });
    tickClocks(clocks, NOW + 5 * 60_000);
    expect(rows[0]?.children[4]?.textContent).toBe('8 分前');
    expect(rows[0]?.children[5]?.textContent).toBe('挙手5 分待ち');
  });

  it('says so when nobody has joined', () => {
    const { rows } = renderRows(snapshot([]), { projector: false, now: NOW });
    expect(rows[0]?.textContent).toBe('まだ誰も参加していません。');
  });
});

describe('the buttons as requests', () => {
  function fakeRequests(key: string | null, answer: boolean) {
    const sent: { url: string; init: RequestInit }[] = [];
    const asked: string[] = [];
    const requests: BoardRequests = {
      key,
      fetch: async (url, init) => {
        sent.push({ url, init });
        return { ok: true, status: 200 };
      },
      confirm: (question) => {
        asked.push(question);
        return answer;
      },
    };
    return { requests, sent, asked };
  }

  it('「退室させる」 asks first, then posts the revoke with the instructor key', async () => {
    const { requests, sent, asked } = fakeRequests('k/ey', true);
    expect(await revokeMemberRequest('m-000000000000000a', '山田', requests)).toBe(true);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('山田 さんを退室させますか?');
    expect(sent).toEqual([
      {
        url: '/api/board/members/m-000000000000000a/revoke?key=k%2Fey',
        init: { method: 'POST', headers: { Authorization: 'Bearer k/ey' } },
      },
    ]);
  });

  it('sends nothing when the instructor says no, and says so when the room refuses', async () => {
    const no = fakeRequests(null, false);
    expect(await revokeMemberRequest('m-000000000000000a', '山田', no.requests)).toBe(false);
    expect(no.sent).toEqual([]);
    const refused: BoardRequests = {
      key: null,
      fetch: async () => ({ ok: false, status: 403 }),
      confirm: () => true,
    };
    await expect(revokeMemberRequest('m-000000000000000a', '山田', refused)).rejects.toThrow(
      'HTTP 403',
    );
  });
});

describe('hostile names and messages', () => {
  it.each(HOSTILE)('%s shows as text, nothing more', (text) => {
    const hostile = member({
      name: text,
      refusedIdentity: { identity: text, at: ago(2000) },
      mediaFailure: { peer: text, at: ago(2000) },
      hand: { message: text, raisedAt: ago(1000) },
      phones: [text],
      calls: [{ to: text, state: 'connected', placedAt: ago(5000), connectedAt: ago(4000) }],
    });
    const { rows } = renderRows(
      { ...snapshot([hostile]), stageTitles: { '3-4': text } },
      { projector: false, now: NOW },
    );
    const row = rows[0] as HTMLTableRowElement;
    const bdis = [...row.querySelectorAll('bdi')].map((bdi) => bdi.textContent);
    // The name, the name tried, the call without media, the message, the phone, whom it
    // calls, and the two buttons' hidden labels, each exactly as sent.
    expect(bdis).toEqual([text, text, text, text, text, text, text, text]);
    expect(row.children[3]?.textContent).toContain(text);
    expect([...tagsOf([row])].every((tag) => ROW_TAGS.has(tag))).toBe(true);
    expect(row.querySelectorAll('img, script, b')).toHaveLength(0);
    for (const element of [row, ...row.querySelectorAll('*')]) {
      for (const attribute of element.getAttributeNames()) {
        expect(['class', 'scope', 'type', 'datetime', 'aria-hidden']).toContain(attribute);
      }
    }
  });

  it('keeps surrogate pairs whole', () => {
    const name = '𠮷'.repeat(32);
    const { rows } = renderRows(snapshot([member({ name })]), { projector: false, now: NOW });
    expect([...(rows[0]?.querySelector('bdi')?.textContent ?? '')]).toHaveLength(32);
  });
});

describe('snapshots from the stream', () => {
  it('reads a snapshot and refuses what is not one', () => {
    const good = snapshot([member()]);
    expect(parseSnapshot(JSON.stringify(good))).toEqual(good);
    expect(parseSnapshot('not json')).toBeNull();
    expect(parseSnapshot('[]')).toBeNull();
    expect(parseSnapshot(JSON.stringify({ ...good, members: [{ name: 1 }] }))).toBeNull();
    const noStages = { ...member(), latest: { ...member().latest, stages: 'x' } };
    expect(parseSnapshot(JSON.stringify({ ...good, members: [noStages] }))).toBeNull();
    for (const bad of [
      { phones: 'bob' },
      { phones: [1] },
      { calls: [{ to: 'bob', state: 'exploded', connectedAt: null }] },
      { calls: [{ to: ['bob'], state: 'ringing', connectedAt: null }] },
      { firstCallAt: 1 },
      { mediaFailure: 'bob' },
      { mediaFailure: { peer: 1, at: '' } },
    ]) {
      const members = [{ ...member(), ...bad }];
      expect(parseSnapshot(JSON.stringify({ ...good, members })), JSON.stringify(bad)).toBeNull();
    }
    expect(parseSnapshot(JSON.stringify({ ...good, calledCount: '3' }))).toBeNull();
  });
});

describe('times', () => {
  it('reads as Japanese', () => {
    expect([0, 15_000, 61_000, 3 * 3_600_000].map(formatAgo)).toEqual([
      'たった今',
      '15 秒前',
      '1 分前',
      '3 時間前',
    ]);
    expect([-5, 9_999, 65_000, 3_900_000].map(formatDuration)).toEqual([
      '0 秒',
      '9 秒',
      '1 分 5 秒',
      '1 時間 5 分',
    ]);
    expect([10_000, 180_000, 3_900_000].map(formatWait)).toEqual([
      '1 分未満',
      '3 分',
      '1 時間 5 分',
    ]);
  });
});

describe('the page and its source', () => {
  it('never parses HTML from a string', () => {
    for (const source of [renderSource, mainSource]) {
      expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc/);
      expect(source).not.toMatch(/\.html\s*\(|createContextualFragment|DOMParser/);
    }
  });

  it('has a table with a caption, and a live region on the summary only', () => {
    document.documentElement.innerHTML = page.replace(/<script[\s\S]*?<\/script>/g, '');
    expect(document.querySelector('table caption')?.textContent).toBeTruthy();
    const live = [...document.querySelectorAll('[aria-live]')].map((element) => element.id);
    expect(live).toEqual(['summary']);
    expect(document.querySelector('#members [aria-live], #members [role="status"]')).toBeNull();
  });
});
