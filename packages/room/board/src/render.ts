import {
  type BoardCall,
  type BoardMember,
  type BoardSnapshot,
  formatRoomCode,
  normalizeRoomCode,
} from '@kit/shared/room';

/**
 * The board's DOM, built from a snapshot. Every string that came from an
 * attendee (names, hand messages, phone identities, whom they call) and every other string of the snapshot
 * becomes a text node: nothing here parses HTML, and no attribute takes a
 * snapshot's string. Element properties are limited to the few `h` knows.
 */

type Child = Node | string | null | undefined | false;

/** The only properties `h` sets: none of them takes text from the snapshot. */
export interface Props {
  className?: string;
  id?: string;
  hidden?: boolean;
  type?: 'button';
  scope?: 'col' | 'row';
  colSpan?: number;
  /** An ISO time the board formatted itself (`Date#toISOString`). */
  dateTime?: Date;
  ariaHidden?: true;
}

/** `document.createElement` with safe props and text-node children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  if (props.id !== undefined) element.id = props.id;
  if (props.hidden) element.hidden = true;
  if (props.type !== undefined) element.setAttribute('type', props.type);
  if (props.scope !== undefined) element.setAttribute('scope', props.scope);
  if (props.colSpan !== undefined) element.setAttribute('colspan', String(props.colSpan));
  if (props.dateTime !== undefined) element.setAttribute('datetime', props.dateTime.toISOString());
  if (props.ariaHidden) element.setAttribute('aria-hidden', 'true');
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** A text that shows how long ago `since` was; the board re-formats it every second. */
export interface Clock {
  text: Text;
  since: number;
  format: (elapsedMs: number) => string;
}

function clock(since: number, now: number, format: Clock['format'], clocks: Clock[]): Text {
  const text = document.createTextNode(format(now - since));
  clocks.push({ text, since, format });
  return text;
}

/** Re-formats every clock for `now` (no fetch, no re-render). */
export function tickClocks(clocks: readonly Clock[], now: number): void {
  for (const { text, since, format } of clocks) {
    const value = format(now - since);
    if (text.data !== value) text.data = value;
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** 「たった今」「40 秒前」「3 分前」「2 時間前」 */
export function formatAgo(elapsedMs: number): string {
  if (elapsedMs < 10 * SECOND) return 'たった今';
  if (elapsedMs < MINUTE) return `${Math.floor(elapsedMs / SECOND)} 秒前`;
  if (elapsedMs < HOUR) return `${Math.floor(elapsedMs / MINUTE)} 分前`;
  return `${Math.floor(elapsedMs / HOUR)} 時間前`;
}

/** 「1 分未満」「3 分」「1 時間 5 分」: how long a hand has been up. */
export function formatWait(elapsedMs: number): string {
  if (elapsedMs < MINUTE) return '1 分未満';
  if (elapsedMs < HOUR) return `${Math.floor(elapsedMs / MINUTE)} 分`;
  return `${Math.floor(elapsedMs / HOUR)} 時間 ${Math.floor((elapsedMs % HOUR) / MINUTE)} 分`;
}

/** 「12 秒」「3 分 5 秒」「1 時間 2 分」: how long a call has been connected. */
export function formatDuration(elapsedMs: number): string {
  const ms = Math.max(0, elapsedMs);
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)} 秒`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} 分 ${Math.floor((ms % MINUTE) / SECOND)} 秒`;
  return `${Math.floor(ms / HOUR)} 時間 ${Math.floor((ms % HOUR) / MINUTE)} 分`;
}

/** A time of the snapshot in milliseconds, or null when it is not one. */
function timeOf(value: string | null | undefined): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** `KX34MP` or `KX3-4MP` → `KX3-4MP`; anything else as it came (as text). */
export function displayRoomCode(code: string): string {
  const normalized = normalizeRoomCode(code);
  return normalized ? formatRoomCode(normalized) : code;
}

/**
 * The at-a-glance lines: members, passes per step, how many have called with their
 * own code (the workshop's finish line), the most common failing stage (last).
 */
export function summaryLines(snapshot: BoardSnapshot): string[] {
  const lines = [`${snapshot.members.length} 人参加`];
  const steps = Object.keys(snapshot.passedByStep)
    .filter((step) => /^\d{1,3}$/.test(step))
    .sort((a, b) => Number(a) - Number(b));
  for (const step of steps) lines.push(`手順${step} 合格 ${snapshot.passedByStep[step] ?? 0} 人`);
  lines.push(`${snapshot.calledCount} 人が自分のコードで通話しました`);
  const top = snapshot.topFailingStage;
  lines.push(
    top ? `いま多いつまずき: ${top.id} ${top.title}: ${top.count} 人` : 'いま多いつまずき: なし',
  );
  return lines;
}

export function renderSummary(lines: readonly string[]): HTMLUListElement {
  return h(
    'ul',
    { className: 'summary__list' },
    lines.map((line, index) =>
      h('li', { className: index === lines.length - 1 ? 'summary__top' : 'summary__item' }, [line]),
    ),
  );
}

export interface RenderOptions {
  /** `?projector`: large type, no hand messages, no buttons. */
  projector: boolean;
  /** Now, on the snapshot's clock (ms). */
  now: number;
}

export interface RenderedRows {
  rows: HTMLTableRowElement[];
  clocks: Clock[];
  /** The 「下ろす」 button of each member with a raised hand (none on the projector). */
  lowerButtons: Map<string, HTMLButtonElement>;
  /** The 「退室させる」 button of each member (none on the projector). */
  revokeButtons: Map<string, HTMLButtonElement>;
}

/** The table's columns, as its header shows them (the last one not on the projector). */
export const COLUMNS = [
  '名前',
  '手順',
  '段階',
  'つまずいている段階',
  '前回の検査',
  '挙手',
  '電話',
  '操作',
];

function nameCell(member: BoardMember): HTMLTableCellElement {
  return h('th', { scope: 'row', className: 'name' }, [
    h('bdi', {}, [member.name]),
    member.stuck && h('span', { className: 'badge badge--stuck' }, ['つまずき']),
    // The phone's name, as others call it (identity).
    member.identity !== null && h('span', { className: 'identity' }, [member.identity]),
    // Who tried to register as somebody else: their key was refused.
    member.refusedIdentity !== null &&
      h('span', { className: 'refused' }, [
        '⚠ ',
        h('bdi', {}, [member.refusedIdentity.identity]),
        ' として登録しようとしました(拒否済み)',
      ]),
    // A call whose media never connected: most often the venue's Wi-Fi isolating clients.
    member.mediaFailure !== null &&
      h('span', { className: 'refused' }, [
        '⚠ ',
        h('bdi', {}, [member.mediaFailure.peer]),
        ' との通話で音声がつながりませんでした',
      ]),
  ]);
}

function stagesText(member: BoardMember): string {
  const latest = member.latest;
  if (!latest) return '未検査';
  const passed = latest.stages.filter((stage) => stage.passed).length;
  return `${passed} / ${latest.stages.length} 段階`;
}

function failingCell(
  member: BoardMember,
  snapshot: BoardSnapshot,
  options: RenderOptions,
  clocks: Clock[],
): HTMLTableCellElement {
  const latest = member.latest;
  if (!latest) return h('td', { className: 'muted' }, ['—']);
  if (latest.passed || latest.failingStage === null) {
    return h('td', {}, [h('span', { className: 'badge badge--passed' }, ['合格'])]);
  }
  const id = latest.failingStage;
  const title = snapshot.stageTitles[id];
  const titleText = typeof title === 'string' && title !== '' ? ` ${title}` : null;
  const since = timeOf(member.failingSince);
  return h('td', { className: 'failing' }, [
    h('span', { className: 'stage-id' }, [id]),
    titleText,
    latest.hintId !== null && h('span', { className: 'hint' }, [`ヒント: ${latest.hintId}`]),
    since !== null &&
      h('span', { className: 'hint' }, [clock(since, options.now, formatAgo, clocks), 'から']),
  ]);
}

function lastCheckCell(member: BoardMember, options: RenderOptions, clocks: Clock[]) {
  const at = timeOf(member.latest?.at);
  if (at === null) return h('td', { className: 'muted' }, ['—']);
  return h('td', {}, [
    h('time', { dateTime: new Date(at) }, [clock(at, options.now, formatAgo, clocks)]),
  ]);
}

function handCell(member: BoardMember, options: RenderOptions, clocks: Clock[]) {
  const hand = member.hand;
  if (!hand) return h('td', {}, []);
  const raisedAt = timeOf(hand.raisedAt);
  return h('td', { className: 'hand' }, [
    // A badge of text, not an emoji: projectors and test machines without an emoji font show ✋ as a box.
    h('span', { className: 'hand__mark' }, ['挙手']),
    raisedAt !== null &&
      h('span', { className: 'hand__wait' }, [
        clock(raisedAt, options.now, formatWait, clocks),
        '待ち',
      ]),
    !options.projector &&
      hand.message !== '' &&
      h('q', { className: 'hand__message' }, [h('bdi', {}, [hand.message])]),
  ]);
}

const CALL_STATES: Record<BoardCall['state'], string> = {
  dialing: '発信中',
  ringing: '呼び出し中',
  connected: '通話中',
};

function callLine(call: BoardCall, options: RenderOptions, clocks: Clock[]): HTMLSpanElement {
  const connectedAt = call.state === 'connected' ? timeOf(call.connectedAt) : null;
  return h('span', { className: `call call--${call.state}` }, [
    '→ ',
    h('bdi', {}, [call.to]),
    ` ${CALL_STATES[call.state]}`,
    connectedAt !== null && ' ',
    connectedAt !== null && clock(connectedAt, options.now, formatDuration, clocks),
  ]);
}

/** The member's phones registered now, the calls they are placing, and whether their code has connected one. */
function phoneCell(member: BoardMember, options: RenderOptions, clocks: Clock[]) {
  const called =
    member.firstCallAt !== null && h('span', { className: 'badge badge--called' }, ['通話済み']);
  if (member.phones.length === 0 && member.calls.length === 0) {
    return h('td', { className: 'muted' }, [called || '—']);
  }
  return h('td', { className: 'phone-cell' }, [
    h(
      'span',
      { className: 'phones' },
      member.phones.flatMap((identity, index) => [
        index > 0 && ' ',
        h('bdi', { className: 'phone' }, [identity]),
      ]),
    ),
    called,
    ...member.calls.map((call) => callLine(call, options, clocks)),
  ]);
}

function actionsCell(
  member: BoardMember,
  lowerButtons: Map<string, HTMLButtonElement>,
  revokeButtons: Map<string, HTMLButtonElement>,
) {
  let lower: HTMLButtonElement | null = null;
  if (member.hand) {
    lower = h('button', { type: 'button', className: 'lower' }, [
      '下ろす',
      h('span', { className: 'visually-hidden' }, ['(', h('bdi', {}, [member.name]), ' さんの手)']),
    ]);
    lowerButtons.set(member.memberId, lower);
  }
  const revoke = h('button', { type: 'button', className: 'revoke' }, [
    '退室させる',
    h('span', { className: 'visually-hidden' }, ['(', h('bdi', {}, [member.name]), ' さん)']),
  ]);
  revokeButtons.set(member.memberId, revoke);
  return h('td', {}, [lower, revoke]);
}

/** One row per member, in the snapshot's order (the server puts raised hands first). */
export function renderRows(snapshot: BoardSnapshot, options: RenderOptions): RenderedRows {
  const clocks: Clock[] = [];
  const lowerButtons = new Map<string, HTMLButtonElement>();
  const revokeButtons = new Map<string, HTMLButtonElement>();
  const columns = options.projector ? COLUMNS.length - 1 : COLUMNS.length;
  if (snapshot.members.length === 0) {
    const empty = h('tr', {}, [
      h('td', { colSpan: columns, className: 'empty' }, ['まだ誰も参加していません。']),
    ]);
    return { rows: [empty], clocks, lowerButtons, revokeButtons };
  }
  const rows = snapshot.members.map((member) => {
    const classes = ['member'];
    if (member.hand) classes.push('member--hand');
    if (member.stuck) classes.push('member--stuck');
    return h('tr', { className: classes.join(' ') }, [
      nameCell(member),
      h('td', {}, [member.latest ? `手順${member.latest.step}` : '—']),
      h('td', {}, [stagesText(member)]),
      failingCell(member, snapshot, options, clocks),
      lastCheckCell(member, options, clocks),
      handCell(member, options, clocks),
      phoneCell(member, options, clocks),
      !options.projector && actionsCell(member, lowerButtons, revokeButtons),
    ]);
  });
  return { rows, clocks, lowerButtons, revokeButtons };
}

/** The table's header row (the 操作 column only off the projector). */
export function renderHeader(projector: boolean): HTMLTableRowElement {
  const columns = projector ? COLUMNS.slice(0, -1) : COLUMNS;
  return h(
    'tr',
    {},
    columns.map((column) => h('th', { scope: 'col' }, [column])),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';

function isCall(value: unknown): value is BoardCall {
  if (!isObject(value)) return false;
  const { to, state, connectedAt } = value;
  if (typeof to !== 'string' || (connectedAt !== null && typeof connectedAt !== 'string')) {
    return false;
  }
  return state === 'dialing' || state === 'ringing' || state === 'connected';
}

function isMember(value: unknown): value is BoardMember {
  if (!isObject(value)) return false;
  const { memberId, name, latest, hand, stuck, phones, calls, firstCallAt, mediaFailure } = value;
  if (mediaFailure !== null && !(isObject(mediaFailure) && isString(mediaFailure.peer))) {
    return false;
  }
  if (!Array.isArray(phones) || !phones.every(isString)) return false;
  if (!Array.isArray(calls) || !calls.every(isCall)) return false;
  if (firstCallAt !== null && typeof firstCallAt !== 'string') return false;
  if (typeof memberId !== 'string' || typeof name !== 'string' || typeof stuck !== 'boolean') {
    return false;
  }
  if (latest !== null) {
    if (!isObject(latest) || !Array.isArray(latest.stages)) return false;
    if (typeof latest.step !== 'number' || typeof latest.passed !== 'boolean') return false;
    if (latest.failingStage !== null && typeof latest.failingStage !== 'string') return false;
    if (latest.hintId !== null && typeof latest.hintId !== 'string') return false;
    if (!latest.stages.every((stage) => isObject(stage) && typeof stage.passed === 'boolean')) {
      return false;
    }
  }
  if (hand !== null && !(isObject(hand) && typeof hand.message === 'string')) return false;
  return true;
}

/** The `data` of a `board` event (or GET /api/board) as a snapshot, or null when it is not one. */
export function parseSnapshot(data: string): BoardSnapshot | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const { code, stageTitles, passedByStep, topFailingStage, calledCount, members } = value;
  if (typeof code !== 'string' || !isObject(stageTitles) || !isObject(passedByStep)) return null;
  if (typeof calledCount !== 'number' || !Number.isSafeInteger(calledCount)) return null;
  if (!Array.isArray(members) || !members.every(isMember)) return null;
  if (topFailingStage !== null) {
    if (!isObject(topFailingStage)) return null;
    const { id, title, count } = topFailingStage;
    if (typeof id !== 'string' || typeof title !== 'string' || typeof count !== 'number') {
      return null;
    }
  }
  return value as unknown as BoardSnapshot;
}
