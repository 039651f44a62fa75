import {
  isApiErrorBody,
  isKitRoomInfo,
  KIT_ROOM_HAND_PATH,
  KIT_ROOM_INFO_PATH,
  KIT_ROOM_MEDIA_PATH,
} from '@kit/shared';
import { HAND_MESSAGE_MAX_LENGTH } from '@kit/shared/room';
import { find } from './dom.js';

/**
 * The 「教室」 panel (教室モード): when the kit's local server serves the page in
 * a workspace that joined the instructor's room (`pnpm room:join`), the
 * attendee raises a hand from the phone as `pnpm room:help` does. The kit's
 * server holds the membership and its token; the page only says "raise" or
 * "lower". Twilio has no `kit/room.json` (404): the panel stays hidden.
 */

export interface RoomElements {
  panel: HTMLElement;
  name: HTMLElement;
  form: HTMLFormElement;
  message: HTMLInputElement;
  raise: HTMLButtonElement;
  lower: HTMLButtonElement;
  status: HTMLElement;
}

export function findRoomElements(root: ParentNode = document): RoomElements {
  return {
    panel: find(root, 'room', HTMLElement),
    name: find(root, 'room-name', HTMLElement),
    form: find(root, 'hand-form', HTMLFormElement),
    message: find(root, 'hand-message', HTMLInputElement),
    raise: find(root, 'raise-hand', HTMLButtonElement),
    lower: find(root, 'lower-hand', HTMLButtonElement),
    status: find(root, 'room-status', HTMLElement),
  };
}

/** What the page needs of the room: the attendee's name as the room knows it, and their phone's name. */
export interface JoinedRoom {
  name: string;
  /** The identity the attendee owns in the room (null for a membership from before identities). */
  identity: string | null;
  /** The room's origin as this workspace's kit names it (`http://192.168.0.10:4600`). */
  roomUrl: string;
  /** The kit runs with `--room`: this phone is on the room's emulator and can call its members. */
  calls: boolean;
}

/** Hosts the kit's local server listens on; a page anywhere else is on Twilio. */
const LOOPBACK_HOSTNAME = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Asks the server that served the page whether this workspace joined a room.
 * A 404 (Twilio, or a kit without the room routes), an error or `joined: false`
 * all mean no panel. A page off loopback is not asked at all (as findEmulator).
 */
export async function findRoom(
  page: Pick<Location, 'href' | 'hostname'> = window.location,
  fetchImpl: typeof fetch = fetch,
): Promise<JoinedRoom | null> {
  if (!LOOPBACK_HOSTNAME.test(page.hostname)) return null;
  try {
    const response = await fetchImpl(new URL(KIT_ROOM_INFO_PATH.slice(1), page.href), {
      cache: 'no-store',
    });
    if (!response.ok) return null;
    const body: unknown = await response.json();
    return isKitRoomInfo(body) && body.joined
      ? {
          name: body.name,
          identity: body.identity ?? null,
          roomUrl: body.roomUrl,
          calls: body.calls === true,
        }
      : null;
  } catch {
    return null;
  }
}

type HandResult = { ok: true } | { ok: false; message: string };

/**
 * POST `kit/room/media-problem` beside the page: this call's media never connected,
 * and the kit tells the room, whose board shows it. Best effort: the attendee
 * already sees the reason on the phone, so a failure here changes nothing.
 */
export async function reportMediaProblem(
  peer: string,
  pageHref: string = window.location.href,
  fetchImpl: typeof fetch = fetch,
): Promise<boolean> {
  try {
    const response = await fetchImpl(new URL(KIT_ROOM_MEDIA_PATH.slice(1), pageHref), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peer }),
      cache: 'no-store',
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** POST (raise, with the message) or DELETE (lower) `kit/room/hand`, beside the page. */
export async function sendHand(
  action: 'raise' | 'lower',
  message: string,
  pageHref: string = window.location.href,
  fetchImpl: typeof fetch = fetch,
): Promise<HandResult> {
  const url = new URL(KIT_ROOM_HAND_PATH.slice(1), pageHref);
  try {
    const response = await fetchImpl(
      url,
      action === 'raise'
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(message === '' ? {} : { message }),
            cache: 'no-store',
          }
        : { method: 'DELETE', cache: 'no-store' },
    );
    if (response.ok) return { ok: true };
    const body: unknown = await response.json().catch(() => null);
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

/**
 * Shows the panel for a joined room and wires its buttons. Whether the hand is
 * up is this page's own memory: the room does not say (a reload shows 手を挙げる
 * again, and raising twice is harmless).
 */
export function startRoomPanel(
  elements: RoomElements,
  room: JoinedRoom | null,
  send: (action: 'raise' | 'lower', message: string) => Promise<HandResult> = sendHand,
): void {
  if (room === null) {
    elements.panel.hidden = true;
    return;
  }
  elements.message.setAttribute('maxlength', String(HAND_MESSAGE_MAX_LENGTH));
  elements.name.textContent =
    room.identity === null ? room.name : `${room.name}(電話の名前: ${room.identity})`;
  elements.panel.hidden = false;
  let raised = false;
  const show = (text: string, kind: 'ok' | 'error') => {
    elements.status.dataset.kind = kind;
    elements.status.textContent = text;
  };
  const render = (busy: boolean) => {
    elements.raise.hidden = raised;
    elements.lower.hidden = !raised;
    elements.raise.disabled = busy;
    elements.lower.disabled = busy;
    elements.message.disabled = busy || raised;
  };
  render(false);

  const act = async (action: 'raise' | 'lower') => {
    const message = elements.message.value.trim();
    if (action === 'raise' && [...message].length > HAND_MESSAGE_MAX_LENGTH) {
      show(`メッセージが長すぎます(${HAND_MESSAGE_MAX_LENGTH} 文字まで)。`, 'error');
      return;
    }
    render(true);
    const result = await send(action, action === 'raise' ? message : '');
    if (result.ok) {
      raised = action === 'raise';
      if (raised) {
        show(
          `手を挙げました${message === '' ? '' : `(${message})`}。講師が来るまで作業を続けてかまいません。`,
          'ok',
        );
      } else {
        elements.message.value = '';
        show('手を下ろしました。', 'ok');
      }
    } else {
      show(result.message, 'error');
    }
    render(false);
    (raised ? elements.lower : elements.raise).focus();
  };
  elements.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!raised) void act('raise');
  });
  elements.lower.addEventListener('click', () => void act('lower'));
}
