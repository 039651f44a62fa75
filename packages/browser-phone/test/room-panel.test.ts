import { beforeEach, describe, expect, it } from 'vitest';
import page from '../index.html?raw';
import {
  findRoom,
  findRoomElements,
  type RoomElements,
  reportMediaProblem,
  sendHand,
  startRoomPanel,
} from '../src/room-panel.js';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function answering(response: () => Response | Promise<Response>) {
  const asked: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    asked.push({ url: String(url), init });
    return response();
  }) as typeof fetch;
  return { asked, fetchImpl };
}

const ROOM_URL = 'http://192.168.0.10:4600';

describe('findRoom', () => {
  const localPage = { href: 'http://127.0.0.1:3000/index.html', hostname: '127.0.0.1' };

  it('asks kit/room.json beside the page and takes a joined room', async () => {
    const server = answering(() =>
      json({ joined: true, name: 'はなこ', roomUrl: 'http://192.168.0.10:4600' }),
    );
    expect(await findRoom(localPage, server.fetchImpl)).toEqual({
      name: 'はなこ',
      identity: null,
      roomUrl: 'http://192.168.0.10:4600',
      calls: false,
    });
    expect(server.asked.map((request) => request.url)).toEqual([
      'http://127.0.0.1:3000/kit/room.json',
    ]);
  });

  it('takes the phone name the attendee owns in the room, and no identity the rule refuses', async () => {
    const room = (identity: unknown) =>
      answering(() =>
        json({ joined: true, name: 'はなこ', roomUrl: 'http://192.168.0.10:4600', identity }),
      ).fetchImpl;
    expect(await findRoom(localPage, room('hanako'))).toEqual({
      name: 'はなこ',
      identity: 'hanako',
      roomUrl: 'http://192.168.0.10:4600',
      calls: false,
    });
    expect(await findRoom(localPage, room('<b>x</b>'))).toBeNull();
  });

  it.each([
    ['a 404 (Twilio, or a kit without the room routes)', () => new Response('', { status: 404 })],
    ['a workspace that has not joined', () => json({ joined: false })],
    ['a body that is not JSON', () => new Response('<html>', { status: 200 })],
    ['a joined answer without a name', () => json({ joined: true })],
    [
      'a network error',
      () => {
        throw new TypeError('Failed to fetch');
      },
    ],
  ])('means no room on %s', async (_what, response) => {
    expect(await findRoom(localPage, answering(response).fetchImpl)).toBeNull();
  });

  it('does not ask at all on Twilio’s domain', async () => {
    const server = answering(() => json({ joined: true, name: 'x', roomUrl: 'http://x' }));
    const twilio = {
      href: 'https://browser-phone-1234-dev.twil.io/index.html',
      hostname: 'browser-phone-1234-dev.twil.io',
    };
    expect(await findRoom(twilio, server.fetchImpl)).toBeNull();
    expect(server.asked).toEqual([]);
  });
});

describe('reportMediaProblem', () => {
  const href = 'http://127.0.0.1:3000/index.html';
  it('posts the peer beside the page, and says false rather than throwing', async () => {
    const server = answering(() => json({ ok: true }));
    expect(await reportMediaProblem('bob', href, server.fetchImpl)).toBe(true);
    expect(server.asked[0]?.url).toBe('http://127.0.0.1:3000/kit/room/media-problem');
    expect(server.asked[0]?.init).toMatchObject({ method: 'POST', body: '{"peer":"bob"}' });
    const refused = answering(() => json({ error: { code: 'x', message: 'y' } }, 409));
    expect(await reportMediaProblem('bob', href, refused.fetchImpl)).toBe(false);
    const offline = answering(() => {
      throw new TypeError('Failed to fetch');
    });
    expect(await reportMediaProblem('bob', href, offline.fetchImpl)).toBe(false);
  });
});

describe('sendHand', () => {
  const href = 'http://127.0.0.1:3000/index.html';

  it('raises with a JSON body (the kit’s server refuses anything else) and lowers with DELETE', async () => {
    const server = answering(() => json({ ok: true }));
    expect(await sendHand('raise', '3-4 で 403', href, server.fetchImpl)).toEqual({ ok: true });
    expect(await sendHand('raise', '', href, server.fetchImpl)).toEqual({ ok: true });
    expect(await sendHand('lower', '', href, server.fetchImpl)).toEqual({ ok: true });
    expect(server.asked.map(({ url, init }) => [url, init?.method, init?.body])).toEqual([
      ['http://127.0.0.1:3000/kit/room/hand', 'POST', '{"message":"3-4 で 403"}'],
      ['http://127.0.0.1:3000/kit/room/hand', 'POST', '{}'],
      ['http://127.0.0.1:3000/kit/room/hand', 'DELETE', undefined],
    ]);
    expect(new Headers(server.asked[0]?.init?.headers).get('content-type')).toBe(
      'application/json',
    );
  });

  it('says the kit’s Japanese message when refused', async () => {
    const server = answering(() =>
      json({ error: { code: 'room_not_joined', message: '教室に参加していません。' } }, 409),
    );
    expect(await sendHand('raise', '', href, server.fetchImpl)).toEqual({
      ok: false,
      message: '教室に参加していません。',
    });
  });
});

describe('the 教室 panel', () => {
  let elements: RoomElements;
  beforeEach(() => {
    document.documentElement.innerHTML = page.replace(/<script[\s\S]*?<\/script>/g, '');
    elements = findRoomElements();
  });

  it('is hidden in the page as served, and stays hidden without a room', () => {
    expect(elements.panel.hidden).toBe(true);
    startRoomPanel(elements, null, async () => {
      throw new Error('no request without a room');
    });
    expect(elements.panel.hidden).toBe(true);
  });

  it('shows the name (as text) and a labelled, capped message field when joined', () => {
    startRoomPanel(elements, {
      name: '<b>はなこ</b>',
      identity: null,
      roomUrl: ROOM_URL,
      calls: false,
    });
    expect(elements.panel.hidden).toBe(false);
    expect(elements.name.textContent).toBe('<b>はなこ</b>');
    expect(elements.name.querySelector('b')).toBeNull();
    expect(elements.message.getAttribute('maxlength')).toBe('140');
    expect(document.querySelector('label[for="hand-message"]')).not.toBeNull();
    expect(elements.status.getAttribute('aria-live')).toBe('polite');
    expect(elements.raise.textContent).toContain('手を挙げる');
    expect(elements.raise.hidden).toBe(false);
    expect(elements.lower.hidden).toBe(true);
  });

  it('raises the hand with the message, says so, then offers to lower it', async () => {
    const sent: [string, string][] = [];
    startRoomPanel(
      elements,
      { name: 'はなこ', identity: 'hanako', roomUrl: ROOM_URL, calls: false },
      async (action, message) => {
        sent.push([action, message]);
        return { ok: true };
      },
    );
    elements.message.value = ' 3-4 で 403 ';
    elements.form.requestSubmit();
    await expect.poll(() => elements.status.textContent).toContain('手を挙げました');
    expect(sent).toEqual([['raise', '3-4 で 403']]);
    expect(elements.raise.hidden).toBe(true);
    expect(elements.lower.hidden).toBe(false);
    expect(elements.lower.textContent).toBe('手を下ろす');

    elements.lower.click();
    await expect.poll(() => elements.status.textContent).toBe('手を下ろしました。');
    expect(sent.at(-1)).toEqual(['lower', '']);
    expect(elements.raise.hidden).toBe(false);
    expect(elements.message.value).toBe('');
  });

  it('shows a refusal in the status line, as text, and keeps 手を挙げる', async () => {
    startRoomPanel(
      elements,
      { name: 'はなこ', identity: null, roomUrl: ROOM_URL, calls: false },
      async () => ({
        ok: false,
        message: '<i>教室</i>に接続できません。',
      }),
    );
    elements.form.requestSubmit();
    await expect.poll(() => elements.status.dataset.kind).toBe('error');
    expect(elements.status.textContent).toBe('<i>教室</i>に接続できません。');
    expect(elements.status.querySelector('i')).toBeNull();
    expect(elements.raise.hidden).toBe(false);
    expect(elements.raise.disabled).toBe(false);
  });
});
