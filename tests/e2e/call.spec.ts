import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launchOfflinePhone } from '@kit/launcher/offline-phone';
import type { BrowserContext, Page } from '@playwright/test';
import { REPO_ROOT } from '../repo/paths.js';
import { expect, guardPage, test } from './support/fixtures.js';
import { expectGlyphs } from './support/glyphs.js';
import { inboundAudioPackets, recordPeerConnections } from './support/peer-connections.js';

/**
 * Two real browsers, the real Voice SDK, the built phone served by step 04's
 * Functions on the real runtime, and the local emulator in between: the whole
 * workshop, offline (the spec runs in a loopback-only network namespace).
 */
type OfflinePhone = Awaited<ReturnType<typeof launchOfflinePhone>>;

type OpenPhone = (identity: string) => Promise<Page>;

const callTest = test.extend<{ openPhone: OpenPhone }, { offlinePhone: OfflinePhone }>({
  offlinePhone: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const launched = await launchOfflinePhone();
      await use(launched);
      await launched.close();
    },
    { scope: 'worker' },
  ],
  /** Opens the phone in a fresh browser context, registers `identity`, and guards the page. */
  openPhone: async ({ browser, offlinePhone, allowedConsoleErrors }, use) => {
    const opened: { context: BrowserContext; verify: () => void }[] = [];
    await use(async (identity) => {
      const context = await browser.newContext({ viewport: { width: 420, height: 900 } });
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      opened.push({ context, ...guardPage(page, allowedConsoleErrors) });
      await page.goto(offlinePhone.pageUrl);
      await page.getByLabel('あなたの名前(identity)').fill(identity);
      await page.getByRole('button', { name: '初期化' }).click();
      await expect(page.locator('#status')).toHaveText('登録済み');
      await expect(page.locator('#mode')).toContainText('エミュレーター');
      return page;
    });
    for (const { context } of opened) await context.close();
    for (const { verify } of opened) verify();
    // Closing the pages unregisters their devices: nothing may be left behind.
    await expect.poll(() => offlinePhone.emulator?.stats().registrations).toBe(0);
  },
});

/** UPDATE_SCREENSHOTS=1 refreshes the docs' phone screenshots; otherwise they go to test-results. */
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? join(REPO_ROOT, 'docs/public/screenshots')
  : join(REPO_ROOT, 'tests/test-results/screenshots');

/** Writes `phone-<name>.png`, failing first if any of its text would show as tofu (no font). */
async function screenshot(page: Page, name: string): Promise<void> {
  const phone = page.locator('main');
  await expectGlyphs(phone, `phone-${name}.png`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await phone.screenshot({
    path: join(SCREENSHOT_DIR, `phone-${name}.png`),
    animations: 'disabled',
  });
}

async function dial(page: Page, to: string): Promise<void> {
  await page.getByLabel('宛先(相手の identity)').fill(to);
  await page.getByRole('button', { name: '発信' }).click();
}

/** Waits until the page's received audio keeps growing: media flows, not just signaling. */
async function expectAudioFlowing(page: Page): Promise<void> {
  const before = await inboundAudioPackets(page);
  await expect
    .poll(() => inboundAudioPackets(page), { timeout: 10_000 })
    .toBeGreaterThan(before + 20);
}

callTest.describe('two browsers on the offline phone', () => {
  callTest.describe.configure({ mode: 'serial' });

  callTest(
    'alice calls bob, bob answers, both hear audio, alice hangs up',
    async ({ openPhone, offlinePhone }) => {
      const alice = await openPhone('alice');
      const bob = await openPhone('bob');
      await screenshot(alice, 'registered');

      await dial(alice, 'bob');
      await expect(bob.locator('#status')).toHaveText('着信中');
      await expect(bob.getByRole('heading', { name: 'alice さんから着信' })).toBeVisible();
      await expect(alice.locator('#status')).toHaveText('呼出中');
      await screenshot(alice, 'ringing');
      await screenshot(bob, 'incoming');

      await bob.getByRole('button', { name: '応答' }).click();
      await expect(alice.locator('#status')).toHaveText('通話中');
      await expect(bob.locator('#status')).toHaveText('通話中');
      await expectAudioFlowing(alice);
      await expectAudioFlowing(bob);
      await screenshot(alice, 'in-call');

      await alice.getByRole('button', { name: 'ミュート' }).click();
      await expect(alice.getByRole('button', { name: 'ミュート解除' })).toHaveAttribute(
        'aria-pressed',
        'true',
      );
      await alice.getByRole('button', { name: '5' }).click();
      await expect(alice.locator('#log')).toContainText('トーン送信: 5');

      await alice.getByRole('button', { name: '終了' }).click();
      await expect(alice.locator('#status')).toHaveText('終了');
      await screenshot(alice, 'ended');
      await expect(bob.locator('#status')).toHaveText('登録済み');
      await expect(alice.locator('#status')).toHaveText('登録済み');
      await expect.poll(() => offlinePhone.emulator?.stats().calls).toBe(0);
    },
  );

  callTest(
    'the 診断 panel shows the Device registered on the emulator and the token time left',
    async ({ openPhone }) => {
      const carol = await openPhone('carol');
      await carol.getByText('診断').click();
      const panel = carol.locator('#diagnostics');
      await expect(panel.locator('[data-check="device"]')).toHaveAttribute('data-status', 'ok');
      await expect(panel.locator('[data-check="device"]')).toContainText(
        'ローカルのエミュレーターに登録済み',
      );
      await expect(panel.locator('[data-check="token"]')).toContainText(
        'carol のトークンは有効です(残り',
      );
      await expect(panel.locator('[data-check="microphone"]')).toHaveAttribute('data-status', 'ok');
      await expect(panel.locator('#preflight')).toBeHidden();
      await screenshot(carol, 'diagnostics');
    },
  );

  callTest(
    'alice hangs up while ringing: bob stops ringing',
    async ({ openPhone, offlinePhone }) => {
      const alice = await openPhone('alice4');
      const bob = await openPhone('bob4');
      await dial(alice, 'bob4');
      await expect(bob.locator('#status')).toHaveText('着信中');
      await alice.getByRole('button', { name: '終了' }).click();
      await expect(bob.locator('#incoming')).toBeHidden();
      await expect(bob.locator('#status')).toHaveText('登録済み');
      await expect(bob.locator('#log')).toContainText('相手が発信を取りやめました');
      await expect.poll(() => offlinePhone.emulator?.stats().calls).toBe(0);
    },
  );
});

callTest.describe('calls that do not connect', () => {
  callTest.describe.configure({ mode: 'serial' });
  // The SDK logs the gateway's refusal itself (declined, no such user); the page must explain it.
  callTest.use({
    allowedConsoleErrors: /^\[TwilioVoice\]\[Call\] Received an error from the gateway/,
  });

  callTest('bob rejects: alice hears that the call was declined', async ({ openPhone }) => {
    const alice = await openPhone('alice2');
    const bob = await openPhone('bob2');
    await dial(alice, 'bob2');
    await expect(bob.locator('#status')).toHaveText('着信中');
    await bob.getByRole('button', { name: '拒否' }).click();
    await expect(alice.getByRole('alert')).toContainText('拒否');
    await expect(bob.locator('#status')).toHaveText('登録済み');
    await expect(alice.locator('#status')).toHaveText('登録済み');
  });

  callTest(
    'calling a name nobody registered ends cleanly with a Japanese message',
    async ({ openPhone }) => {
      const alice = await openPhone('alice3');
      await dial(alice, 'nobody');
      await expect(alice.getByRole('alert')).toContainText('エラーコード: 31480');
      await expect(alice.locator('#status')).toHaveText('登録済み');
      // The 診断 panel keeps it, with its code, for whoever helps the attendee.
      await alice.getByText('診断').click();
      await expect(alice.locator('#diag-errors')).toContainText('[31480]');
      await screenshot(alice, 'error');
    },
  );
});
