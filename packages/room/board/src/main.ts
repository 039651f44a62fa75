import './style.css';
import { type BoardSnapshot, ROOM_PATHS } from '@kit/shared/room';
import {
  type BoardRequests,
  lowerHandRequest,
  withKey as pathWithKey,
  revokeMemberRequest,
} from './actions.js';
import {
  type Clock,
  displayRoomCode,
  parseSnapshot,
  renderHeader,
  renderRows,
  renderSummary,
  summaryLines,
  tickClocks,
} from './render.js';

/**
 * The instructor's live board: one EventSource on /api/board/events, each
 * `board` event a whole snapshot, rendered again; the times tick every few
 * seconds on their own. `?key=…` (the instructor's key) goes along on every
 * request; `?projector` is the big-type view for the room's screen.
 */

/** Each second: a connected call's length counts in seconds. Only texts that change are touched. */
const TICK_MS = 1_000;
/** When the browser gives up on the stream (an HTTP error), how long before a new one. */
const RETRY_MS = 3_000;

function find<T extends Element>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return element;
}

const elements = {
  code: find('code', HTMLElement),
  exportLink: find('export', HTMLAnchorElement),
  summary: find('summary', HTMLElement),
  connection: find('connection', HTMLElement),
  head: find('members-head', HTMLTableSectionElement),
  rows: find('rows', HTMLTableSectionElement),
};

const params = new URLSearchParams(location.search);
const key = params.get('key');
const projector = params.has('projector');

/** `path` with the instructor's key, when the page has one. */
function withKey(path: string): string {
  return pathWithKey(path, key);
}

const requests: BoardRequests = {
  key,
  fetch: (url, init) => fetch(url, init),
  confirm: (question) => window.confirm(question),
};

if (projector) document.documentElement.classList.add('projector');
elements.exportLink.href = withKey(ROOM_PATHS.exportCsv);
elements.exportLink.hidden = projector;
elements.head.replaceChildren(renderHeader(projector));

let clocks: Clock[] = [];
let lowerButtons = new Map<string, HTMLButtonElement>();
let revokeButtons = new Map<string, HTMLButtonElement>();
/** The snapshot's clock minus ours: the times shown are the server's. */
let clockOffset = 0;
let shownSummary = '';

const now = () => Date.now() + clockOffset;

function setConnection(message: string): void {
  if (elements.connection.textContent !== message) elements.connection.textContent = message;
}

function show(snapshot: BoardSnapshot): void {
  const generated = Date.parse(snapshot.generatedAt);
  clockOffset = Number.isFinite(generated) ? generated - Date.now() : 0;

  const code = displayRoomCode(snapshot.code);
  elements.code.textContent = code;
  document.title = `教室ボード ${code}`;

  // The live region changes only when its text does: no announcement per report.
  const lines = summaryLines(snapshot);
  const summary = lines.join('\n');
  if (summary !== shownSummary) {
    elements.summary.replaceChildren(renderSummary(lines));
    shownSummary = summary;
  }

  const focusedLower = [...lowerButtons].find(([, b]) => b === document.activeElement)?.[0];
  const focusedRevoke = [...revokeButtons].find(([, b]) => b === document.activeElement)?.[0];
  const rendered = renderRows(snapshot, { projector, now: now() });
  elements.rows.replaceChildren(...rendered.rows);
  clocks = rendered.clocks;
  lowerButtons = rendered.lowerButtons;
  revokeButtons = rendered.revokeButtons;
  for (const [memberId, button] of lowerButtons) {
    button.addEventListener('click', () => void lower(memberId, button));
  }
  const names = new Map(snapshot.members.map((member) => [member.memberId, member.name]));
  for (const [memberId, button] of revokeButtons) {
    button.addEventListener(
      'click',
      () => void revoke(memberId, names.get(memberId) ?? '', button),
    );
  }
  if (focusedLower !== undefined) lowerButtons.get(focusedLower)?.focus();
  if (focusedRevoke !== undefined) revokeButtons.get(focusedRevoke)?.focus();
}

async function lower(memberId: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    await lowerHandRequest(memberId, requests);
    // The room sends the new snapshot on the stream.
  } catch (error) {
    setConnection(`手を下ろせませんでした(${(error as Error).message})。`);
    button.disabled = false;
  }
}

async function revoke(memberId: string, name: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    // The room sends the new snapshot (without this member) on the stream.
    if (!(await revokeMemberRequest(memberId, name, requests))) button.disabled = false;
  } catch (error) {
    setConnection(`退室させられませんでした(${(error as Error).message})。`);
    button.disabled = false;
  }
}

function connect(): void {
  const source = new EventSource(withKey(ROOM_PATHS.boardEvents));
  source.addEventListener('board', (event) => {
    const snapshot = parseSnapshot((event as MessageEvent<string>).data);
    if (snapshot) show(snapshot);
  });
  source.addEventListener('open', () => setConnection(''));
  source.addEventListener('error', () => {
    setConnection('接続が切れました。再接続しています…');
    // A network error reconnects by itself; an HTTP error (or a wrong type) closes the stream.
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      setTimeout(connect, RETRY_MS);
    }
  });
}

setInterval(() => tickClocks(clocks, now()), TICK_MS);
connect();
