import { isApiErrorBody, KIT_ROOM_DIRECTORY_PATH } from '@kit/shared';
import { checkRoomDirectory, type DirectoryPhone } from '@kit/shared/room';
import { find } from './dom.js';

/**
 * 「教室の電話」 (教室モード): who is registered in the room right now, from the
 * room through the kit's server (`kit/room/directory`), never from the taught
 * Functions. Each name has a 発信 button that puts the identity in 宛先 and
 * places the call as the phone's own 発信 button does. Names arrive from other
 * attendees' machines: they are shown as text, never as markup.
 */

/** How often the list is asked again while the page is in view. */
export const DIRECTORY_REFRESH_MS = 5_000;

export interface DirectoryElements {
  /** Hidden until the directory starts: only a kit run with --room has a room to call. */
  section: HTMLElement;
  list: HTMLUListElement;
  status: HTMLElement;
  refresh: HTMLButtonElement;
}

export function findDirectoryElements(root: ParentNode = document): DirectoryElements {
  return {
    section: find(root, 'room-phones-section', HTMLElement),
    list: find(root, 'room-phones', HTMLUListElement),
    status: find(root, 'room-phones-status', HTMLElement),
    refresh: find(root, 'room-phones-refresh', HTMLButtonElement),
  };
}

export type DirectoryResult =
  | { ok: true; phones: DirectoryPhone[] }
  | { ok: false; message: string };

/** GET `kit/room/directory` beside the page; the kit's answer is checked again, as the room's was. */
export async function loadDirectory(
  pageHref: string = window.location.href,
  fetchImpl: typeof fetch = fetch,
): Promise<DirectoryResult> {
  try {
    const response = await fetchImpl(new URL(KIT_ROOM_DIRECTORY_PATH.slice(1), pageHref), {
      cache: 'no-store',
    });
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const directory = checkRoomDirectory(body);
      if (directory) return { ok: true, phones: directory.phones };
      return { ok: false, message: '教室の電話の一覧が読めません。' };
    }
    return {
      ok: false,
      message: isApiErrorBody(body)
        ? body.error.message
        : `キットのサーバーから予期しない応答がありました(HTTP ${response.status})。`,
    };
  } catch {
    return {
      ok: false,
      message: 'キットのサーバーに接続できません。pnpm dev が動いているか確認してください。',
    };
  }
}

/** What the list needs of the phone (PhoneApp has it). */
export interface DialingPhone {
  /** The identity the phone registered (or is registering) as, or null. */
  ownIdentity(): string | null;
  /** Whether 発信 would place a call now (registered, idle). */
  canDial(): boolean;
  /** Puts the identity in 宛先 and submits the 発信 form. */
  dialTo(identity: string): void;
  /** Called after each change of the phone's state. */
  onChange(listener: () => void): void;
}

export interface DirectoryOptions {
  phone: DialingPhone;
  /** The identity the attendee owns in the room: not listed before the phone registers. */
  roomIdentity: string | null;
  load?: () => Promise<DirectoryResult>;
  refreshMs?: number;
}

/**
 * Lists the room's phones now and every `refreshMs` while the page is visible
 * (one request at a time), and again on 一覧を更新. The list is rebuilt only
 * when what it shows changes, keeping the focus on the same name's button.
 * Returns the stop.
 */
export function startDirectory(
  elements: DirectoryElements,
  {
    phone,
    roomIdentity,
    load = () => loadDirectory(),
    refreshMs = DIRECTORY_REFRESH_MS,
  }: DirectoryOptions,
): () => void {
  let phones: DirectoryPhone[] | null = null;
  let error: string | null = null;
  let loading: Promise<void> | null = null;
  let shown = '';

  const render = () => {
    const own = phone.ownIdentity() ?? roomIdentity;
    const others = (phones ?? []).filter((entry) => entry.identity !== own);
    const canDial = phone.canDial();
    const key = JSON.stringify([phones === null, others, canDial, error]);
    if (key === shown) return;
    shown = key;
    const focused = elements.list.contains(document.activeElement)
      ? (document.activeElement as HTMLElement).dataset.identity
      : undefined;
    elements.list.replaceChildren(...others.map((entry) => phoneItem(entry, canDial, phone)));
    if (focused !== undefined) {
      [...elements.list.querySelectorAll('button')]
        .find((button) => button.dataset.identity === focused)
        ?.focus();
    }
    elements.status.dataset.kind = error === null ? 'ok' : 'error';
    elements.status.textContent = statusText(phones === null, others.length, canDial, error);
  };

  const refresh = (): Promise<void> => {
    // aria-busy, not a disabled button: disabling a focused 一覧を更新 every few seconds would drop the focus.
    loading ??= (async () => {
      elements.list.setAttribute('aria-busy', 'true');
      try {
        const result = await load();
        if (result.ok) {
          phones = result.phones;
          error = null;
        } else {
          error = result.message;
        }
      } finally {
        elements.list.removeAttribute('aria-busy');
        loading = null;
        render();
      }
    })();
    return loading;
  };

  elements.section.hidden = false;
  phone.onChange(render);
  elements.refresh.addEventListener('click', () => void refresh());
  render();
  void refresh();
  const timer = setInterval(() => {
    if (document.visibilityState !== 'hidden') void refresh();
  }, refreshMs);
  return () => clearInterval(timer);
}

function statusText(
  loading: boolean,
  count: number,
  canDial: boolean,
  error: string | null,
): string {
  if (error !== null) return `一覧を更新できません: ${error}`;
  if (loading) return '読み込んでいます…';
  if (count === 0) return 'いま登録しているほかの電話はありません。';
  const registered = `${count} 台の電話が登録しています。`;
  return canDial ? registered : `${registered}発信するには、先に「1. 初期化」で登録してください。`;
}

/** One name: display name and identity as text, and a button labelled with both. */
function phoneItem(entry: DirectoryPhone, canDial: boolean, phone: DialingPhone): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'room__phone';
  const name = document.createElement('span');
  name.className = 'room__phone-name';
  name.textContent = entry.name;
  const identity = document.createElement('span');
  identity.className = 'room__phone-identity';
  identity.textContent = entry.identity;
  const call = document.createElement('button');
  call.type = 'button';
  call.textContent = '発信';
  call.dataset.identity = entry.identity;
  call.setAttribute('aria-label', `${entry.name}(${entry.identity})に発信`);
  call.disabled = !canDial;
  call.addEventListener('click', () => phone.dialTo(entry.identity));
  item.append(name, identity, call);
  return item;
}
