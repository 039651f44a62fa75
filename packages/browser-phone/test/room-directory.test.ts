import type { DirectoryPhone } from '@kit/shared/room';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import page from '../index.html?raw';
import { PhoneApp } from '../src/app.js';
import { findPhoneElements } from '../src/dom.js';
import {
  type DialingPhone,
  type DirectoryElements,
  type DirectoryResult,
  findDirectoryElements,
  loadDirectory,
  startDirectory,
} from '../src/room-directory.js';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const href = 'http://127.0.0.1:3000/index.html';

describe('loadDirectory', () => {
  it('asks kit/room/directory beside the page and takes phones of the contract', async () => {
    const asked: string[] = [];
    const phones = [{ identity: 'bob', name: 'ボブ' }];
    const result = await loadDirectory(href, (async (url: string | URL | Request) => {
      asked.push(String(url));
      return json({ phones });
    }) as typeof fetch);
    expect(result).toEqual({ ok: true, phones });
    expect(asked).toEqual(['http://127.0.0.1:3000/kit/room/directory']);
  });

  it.each([
    ['an identity the rule refuses', json({ phones: [{ identity: '<b>x</b>', name: 'x' }] })],
    ['a name too long', json({ phones: [{ identity: 'x', name: 'あ'.repeat(33) }] })],
    ['HTML', new Response('<html>', { status: 200 })],
  ])('refuses a kit answer with %s', async (_what, response) => {
    expect(await loadDirectory(href, (async () => response) as typeof fetch)).toEqual({
      ok: false,
      message: '教室の電話の一覧が読めません。',
    });
  });

  it('says the kit’s Japanese message, or that the kit is gone', async () => {
    const refused = json(
      { error: { code: 'room_unavailable', message: '教室が応答しません。' } },
      502,
    );
    expect(await loadDirectory(href, (async () => refused) as typeof fetch)).toEqual({
      ok: false,
      message: '教室が応答しません。',
    });
    const gone = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await loadDirectory(href, gone)).toMatchObject({
      ok: false,
      message: expect.stringContaining('pnpm dev'),
    });
  });
});

/** A phone as the list sees it: its identity, whether it can call, and the calls asked of it. */
function fakePhone(identity: string | null = 'hanako', canDial = true) {
  const listeners: (() => void)[] = [];
  const state = { identity, canDial, dialed: [] as string[] };
  const phone: DialingPhone = {
    ownIdentity: () => state.identity,
    canDial: () => state.canDial,
    dialTo: (to) => state.dialed.push(to),
    onChange: (listener) => listeners.push(listener),
  };
  const change = (next: Partial<typeof state>) => {
    Object.assign(state, next);
    for (const listener of listeners) listener();
  };
  return { phone, state, change };
}

function loader(...results: DirectoryResult[]) {
  let calls = 0;
  const load = async () => {
    const result = results[Math.min(calls, results.length - 1)];
    calls += 1;
    if (!result) throw new Error('no result');
    return result;
  };
  return { load, calls: () => calls };
}

const rows = (elements: DirectoryElements) =>
  [...elements.list.querySelectorAll('li')].map((item) => [
    ...[...item.querySelectorAll('span')].map((span) => span.textContent),
    item.querySelector('button')?.getAttribute('aria-label'),
  ]);

const PHONES: DirectoryPhone[] = [
  { identity: 'bob', name: '<b>x</b>' },
  { identity: 'hanako', name: 'はなこ' },
  { identity: 'hanako-2', name: 'はなこ' },
  { identity: 'long', name: 'あ'.repeat(32) },
];

describe('「教室の電話」', () => {
  let elements: DirectoryElements;
  let stop: () => void = () => {};
  beforeEach(() => {
    document.documentElement.innerHTML = page.replace(/<script[\s\S]*?<\/script>/g, '');
    elements = findDirectoryElements();
  });
  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('is inside the 教室 panel, hidden with it, with a heading and a labelled list', () => {
    const panel = document.getElementById('room');
    expect(panel?.hidden).toBe(true);
    expect(panel?.contains(elements.list)).toBe(true);
    // Hidden until started: a kit without --room has no room to call from.
    expect(elements.section.hidden).toBe(true);
    expect(document.getElementById('room-phones-title')?.textContent).toBe('教室の電話');
    expect(elements.list.getAttribute('aria-labelledby')).toBe('room-phones-title');
    expect(elements.status.getAttribute('aria-live')).toBe('polite');
    expect(elements.refresh.textContent).toBe('一覧を更新');
  });

  it('lists the others’ names and identities as text, each with a labelled 発信 button', async () => {
    const { phone } = fakePhone('hanako');
    stop = startDirectory(elements, {
      phone,
      roomIdentity: 'hanako',
      load: loader({ ok: true, phones: PHONES }).load,
    });
    expect(elements.section.hidden).toBe(false);
    await expect.poll(() => elements.list.children.length).toBe(3);
    expect(rows(elements)).toEqual([
      ['<b>x</b>', 'bob', '<b>x</b>(bob)に発信'],
      ['はなこ', 'hanako-2', 'はなこ(hanako-2)に発信'],
      ['あ'.repeat(32), 'long', `${'あ'.repeat(32)}(long)に発信`],
    ]);
    expect(elements.list.querySelector('b')).toBeNull();
    expect(elements.status.textContent).toBe('3 台の電話が登録しています。');
    for (const button of elements.list.querySelectorAll('button')) {
      expect(button.type).toBe('button');
      expect(button.textContent).toBe('発信');
      expect(button.disabled).toBe(false);
    }
  });

  it('leaves out the name the attendee owns before the phone registers', async () => {
    const { phone } = fakePhone(null, false);
    stop = startDirectory(elements, {
      phone,
      roomIdentity: 'hanako',
      load: loader({ ok: true, phones: PHONES }).load,
    });
    await expect.poll(() => elements.list.children.length).toBe(3);
    expect(rows(elements).map((row) => row[1])).toEqual(['bob', 'hanako-2', 'long']);
  });

  it('calls by name only when the phone can, through the phone', async () => {
    const { phone, state, change } = fakePhone('hanako', false);
    stop = startDirectory(elements, {
      phone,
      roomIdentity: 'hanako',
      load: loader({ ok: true, phones: PHONES }).load,
    });
    await expect.poll(() => elements.list.children.length).toBe(3);
    const bob = () => elements.list.querySelector<HTMLButtonElement>('button');
    expect(bob()?.disabled).toBe(true);
    expect(elements.status.textContent).toContain('先に「1. 初期化」で登録してください');

    change({ canDial: true });
    expect(bob()?.disabled).toBe(false);
    bob()?.focus();
    bob()?.click();
    expect(state.dialed).toEqual(['bob']);
    // A change that shows nothing new keeps the same buttons (and the focus on them).
    const before = bob();
    change({});
    expect(bob()).toBe(before);
    expect(document.activeElement).toBe(before);
  });

  it('keeps the focus on the same name when the list changes around it', async () => {
    const { phone } = fakePhone('hanako');
    const results = loader(
      { ok: true, phones: PHONES.filter((entry) => ['bob', 'long'].includes(entry.identity)) },
      { ok: true, phones: PHONES },
    );
    stop = startDirectory(elements, { phone, roomIdentity: 'hanako', load: results.load });
    await expect.poll(() => elements.list.children.length).toBe(2);
    const long = () =>
      [...elements.list.querySelectorAll('button')].find((b) => b.dataset.identity === 'long');
    long()?.focus();
    const before = long();
    elements.refresh.click();
    await expect.poll(() => elements.list.children.length).toBe(3);
    expect(long()).not.toBe(before);
    expect(document.activeElement).toBe(long());
  });

  it('refreshes on 一覧を更新, says a failure and keeps the last list', async () => {
    const { phone } = fakePhone('hanako');
    const results = loader(
      { ok: true, phones: PHONES.slice(0, 1) },
      { ok: false, message: '<i>教室</i>が応答しません。' },
      { ok: true, phones: [] },
    );
    stop = startDirectory(elements, { phone, roomIdentity: 'hanako', load: results.load });
    await expect.poll(() => elements.list.children.length).toBe(1);

    elements.refresh.click();
    await expect.poll(() => elements.status.dataset.kind).toBe('error');
    expect(elements.status.textContent).toBe('一覧を更新できません: <i>教室</i>が応答しません。');
    expect(elements.status.querySelector('i')).toBeNull();
    expect(rows(elements).map((row) => row[1])).toEqual(['bob']);

    elements.refresh.click();
    await expect
      .poll(() => elements.status.textContent)
      .toBe('いま登録しているほかの電話はありません。');
    expect(elements.list.children.length).toBe(0);
    expect(results.calls()).toBe(3);
  });

  it('asks again every few seconds, one request at a time, until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { phone } = fakePhone('hanako');
    let release: () => void = () => {};
    let calls = 0;
    const load = () => {
      calls += 1;
      return new Promise<DirectoryResult>((resolve) => {
        release = () => resolve({ ok: true, phones: [] });
      });
    };
    stop = startDirectory(elements, { phone, roomIdentity: 'hanako', load, refreshMs: 5000 });
    expect(calls).toBe(1);
    expect(elements.list.getAttribute('aria-busy')).toBe('true');
    vi.advanceTimersByTime(5000);
    expect(calls).toBe(1);
    release();
    await expect.poll(() => elements.list.hasAttribute('aria-busy')).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(calls).toBe(2);
    release();
    stop();
    vi.advanceTimersByTime(20_000);
    expect(calls).toBe(2);
  });
});

describe('PhoneApp.dialTo', () => {
  it('puts the identity in 宛先 and submits the 発信 form, as the 発信 button does', () => {
    document.documentElement.innerHTML = page.replace(/<script[\s\S]*?<\/script>/g, '');
    const elements = findPhoneElements();
    const app = new PhoneApp(elements, 'http://127.0.0.1:3000/voice-token', Promise.resolve(null));
    const submitted: string[] = [];
    elements.dialForm.addEventListener('submit', (event) => {
      event.preventDefault();
      submitted.push(elements.destination.value);
    });
    expect(app.canDial()).toBe(false);
    expect(app.ownIdentity()).toBeNull();
    app.dialTo('bob');
    expect(elements.destination.value).toBe('bob');
    expect(submitted).toEqual(['bob']);
  });
});
