import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepServer } from '@kit/functions/server';
import { CHROMIUM_ARGS, chromiumExecutable } from '@kit/launcher/chromium';
import { PHONE_CONSOLE_ASSETS } from '@kit/shared';
import { writeMembership } from '@kit/shared/room-client';
import { type FakeRoom, startFakeRoom } from '@kit/shared/testing';
import { chromium } from '@playwright/test';
import { expect, guardPage, test } from './support/fixtures.js';
import { startPhoneStep } from './support/phone-server.js';

/** The built phone, as step 04 serves it, without a signaling server: what works before 初期化 succeeds. */
const phoneTest = test.extend<object, { phone: StepServer; guardedPhone: StepServer }>({
  phone: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const server = await startPhoneStep();
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  guardedPhone: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const server = await startPhoneStep({ WORKSHOP_PASSCODE: 'sakura' });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
});

phoneTest.describe('the built phone on step 04', () => {
  phoneTest(
    'loads from its Console path, in Japanese, with nothing enabled but 初期化',
    async ({ page, phone }) => {
      for (const { path } of PHONE_CONSOLE_ASSETS.filter((asset) => asset.file.endsWith('.html'))) {
        await page.goto(`${phone.url}${path}`);
        await expect(page.getByRole('heading', { name: 'ブラウザ電話' })).toBeVisible();
        await expect(page.locator('#status')).toHaveText('未登録');
        await expect(page.getByRole('button', { name: '初期化' })).toBeEnabled();
        for (const name of ['発信', '終了', 'ミュート']) {
          await expect(page.getByRole('button', { name, exact: true })).toBeDisabled();
        }
      }
    },
  );

  phoneTest(
    'refuses a bad identity in Japanese without asking the server',
    async ({ page, phone }) => {
      const tokenRequests: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/voice-token')) tokenRequests.push(request.url());
      });
      await page.goto(`${phone.url}/index.html`);
      for (const identity of ['', 'al ice', '<script>', 'アリス', '+819012345678']) {
        await page.getByLabel('あなたの名前(identity)').fill(identity);
        await page.getByRole('button', { name: '初期化' }).click();
        await expect(page.getByRole('alert')).toContainText('あなたの名前(identity)');
      }
      await expect(page.locator('#status')).toHaveText('未登録');
      expect(tokenRequests).toEqual([]);
    },
  );

  phoneTest(
    'opens the 診断 panel with ?diag and reports a denied microphone',
    async ({ phone }) => {
      // The shared browser auto-grants media (--use-fake-ui-for-media-stream); this test needs
      // a browser that asks, with the microphone denied for the page's origin.
      const executablePath = chromiumExecutable();
      const browser = await chromium.launch({
        args: CHROMIUM_ARGS.filter((arg) => arg !== '--use-fake-ui-for-media-stream'),
        ...(executablePath ? { executablePath } : {}),
      });
      try {
        const page = await browser.newPage();
        const guard = guardPage(page, null);
        const cdp = await page.context().newCDPSession(page);
        const { targetInfo } = await cdp.send('Target.getTargetInfo');
        await cdp.send('Browser.setPermission', {
          permission: { name: 'microphone' },
          setting: 'denied',
          origin: phone.url,
          ...(targetInfo.browserContextId ? { browserContextId: targetInfo.browserContextId } : {}),
        });
        await page.goto(`${phone.url}/index.html?diag`);
        const panel = page.locator('#diagnostics');
        await expect(panel).toHaveAttribute('open', '');
        const microphone = panel.locator('[data-check="microphone"]');
        await expect(microphone).toHaveAttribute('data-status', 'fail');
        await expect(microphone).toContainText('拒否されています');
        await expect(panel.locator('[data-check="secure-context"]')).toHaveAttribute(
          'data-status',
          'ok',
        );
        await expect(panel.locator('[data-check="token"]')).toContainText('まだ取得していません');
        await expect(panel.locator('#preflight')).toBeHidden();
        guard.verify();
      } finally {
        await browser.close();
      }
    },
  );

  phoneTest('fits a phone-width screen', async ({ page, phone }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${phone.url}/index.html`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

phoneTest.describe('the built phone when the token request fails', () => {
  // The browser logs the failed request itself; the page must explain it.
  phoneTest.use({ allowedConsoleErrors: /status of 401|ERR_CONNECTION_REFUSED|ERR_FAILED/ });

  phoneTest(
    "shows the token endpoint's error when the passcode is wrong",
    async ({ page, guardedPhone }) => {
      await page.goto(`${guardedPhone.url}/index.html`);
      await page.getByLabel('あなたの名前(identity)').fill('alice');
      await page.getByLabel('合言葉').fill('wrong');
      await page.getByRole('button', { name: '初期化' }).click();
      const alert = page.getByRole('alert');
      await expect(alert).toContainText('合言葉(passcode)が違います。');
      await expect(alert).toContainText('passcode_invalid');
      await expect(page.locator('#status')).toHaveText('未登録');
      await expect(page.locator('#log')).toContainText('エラー passcode_invalid');
      await page.getByText('診断').click();
      await expect(page.locator('#diag-errors')).toContainText(
        '[passcode_invalid] 合言葉(passcode)が違います。',
      );
      await expect(page.locator('[data-check="token"]')).toHaveAttribute('data-status', 'fail');
    },
  );

  phoneTest(
    'shows a network error when the token endpoint is unreachable',
    async ({ page, phone }) => {
      await page.route('**/voice-token', (route) => route.abort('connectionrefused'));
      await page.goto(`${phone.url}/index.html`);
      await page.getByLabel('あなたの名前(identity)').fill('alice');
      await page.getByRole('button', { name: '初期化' }).click();
      await expect(page.getByRole('alert')).toContainText('トークンを取得できません');
    },
  );
});

phoneTest.describe('the built phone in a workspace that joined a room (教室モード)', () => {
  phoneTest('has no 教室 panel on a server without the room routes', async ({ page, phone }) => {
    await page.goto(`${phone.url}/index.html`);
    await expect(page.getByRole('button', { name: '初期化' })).toBeEnabled();
    await expect(page.getByRole('heading', { name: '教室', exact: true })).toBeHidden();
    await expect(page.getByRole('heading', { name: '教室の電話' })).toBeHidden();
  });

  /**
   * はなこ's workspace, joined to a fake room (with `identity` when given), served by
   * step 04's kit server on the membership (as `--room` serves it with `calls`); the
   * test runs inside `use`.
   */
  async function inRoom(
    identity: string | undefined,
    use: (server: { url: string }, room: FakeRoom) => Promise<void>,
    { calls = false }: { calls?: boolean } = {},
  ): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'phone-room-'));
    const room = await startFakeRoom();
    const roomFile = join(dir, 'room.json');
    await writeMembership(roomFile, {
      roomUrl: room.url,
      ...room.addMember('はなこ'),
      ...(identity === undefined ? {} : { identity }),
      joinedAt: new Date().toISOString(),
    });
    const server = await startPhoneStep(
      {},
      { roomFile, ...(calls ? { roomHostname: new URL(room.url).hostname } : {}) },
    );
    try {
      await use(server, room);
    } finally {
      await server.close();
      await room.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  phoneTest(
    'fills in the phone name the attendee owns, and refuses another’s before any token',
    async ({ page }) => {
      const tokenRequests: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/voice-token')) tokenRequests.push(request.url());
      });
      await inRoom('hanako', async (server) => {
        await page.goto(`${server.url}/index.html`);
        const panel = page.getByRole('region', { name: '教室' });
        await expect(panel).toContainText('はなこ(電話の名前: hanako)');
        const identity = page.getByLabel('あなたの名前(identity)');
        await expect(identity).toHaveValue('hanako');
        await identity.fill('bob');
        await page.getByRole('button', { name: '初期化' }).click();
        await expect(page.getByRole('alert')).toContainText('あなたの電話の名前は hanako です');
        expect(tokenRequests).toEqual([]);
      });
    },
  );

  phoneTest('raises the hand in the room with a message, then lowers it', async ({ page }) => {
    await inRoom(undefined, async (server, room) => {
      await page.goto(`${server.url}/index.html`);
      const panel = page.getByRole('region', { name: '教室' });
      await expect(panel).toBeVisible();
      await expect(panel).toContainText('はなこ');
      await panel.getByLabel('講師へのメッセージ').fill('3-4 で 403 になります');
      await panel.getByRole('button', { name: '手を挙げる' }).click();
      await expect(panel.getByRole('status')).toContainText('手を挙げました');
      // Without --room there is no 教室の電話 list asking the room: the hand is the last request.
      expect(room.requests.at(-1)).toMatchObject({
        method: 'POST',
        path: '/api/hand',
        body: { message: '3-4 で 403 になります' },
      });
      await panel.getByRole('button', { name: '手を下ろす' }).click();
      await expect(panel.getByRole('status')).toHaveText('手を下ろしました。');
      expect(room.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/hand' });
      // Without --room the phone is on the local emulator: no room directory to call from.
      await expect(page.getByRole('heading', { name: '教室の電話' })).toBeHidden();
      expect(room.requests.filter((request) => request.path === '/api/directory')).toEqual([]);
    });
  });

  phoneTest(
    'lists the room’s other phones as text, to call by name once registered',
    async ({ page }) => {
      await inRoom(
        'hanako',
        async (server, room) => {
          room.directory = {
            phones: [
              { identity: 'bob', name: '<b>ボブ</b>' },
              { identity: 'hanako', name: 'はなこ' },
            ],
          };
          await page.goto(`${server.url}/index.html`);
          const list = page.getByRole('list', { name: '教室の電話' });
          await expect(list.getByRole('listitem')).toHaveCount(1);
          await expect(list.getByRole('listitem')).toContainText('<b>ボブ</b>bob');
          await expect(list.locator('b')).toHaveCount(0);
          // Not registered yet (no emulator here): the name is there, its 発信 is not usable.
          const call = list.getByRole('button', { name: '<b>ボブ</b>(bob)に発信' });
          await expect(call).toBeDisabled();
          await expect(page.getByText('先に「1. 初期化」で登録してください')).toBeVisible();

          room.directory = { phones: [] };
          await page.getByRole('button', { name: '一覧を更新' }).click();
          await expect(list.getByRole('listitem')).toHaveCount(0);
          await expect(page.getByText('いま登録しているほかの電話はありません。')).toBeVisible();
          expect(
            room.requests.filter((request) => request.path === '/api/directory').length,
          ).toBeGreaterThanOrEqual(2);
        },
        { calls: true },
      );
    },
  );
});
