import { launchOfflinePhone } from '@kit/launcher/offline-phone';
import { expect, test } from './support/fixtures.js';

/**
 * The phone renews its token before it expires (the SDK's tokenWillExpire,
 * 10 s ahead) and stays registered: with a 30 s token (the shortest the kit
 * allows, so that renewals do not loop) the renewal comes after about 20 s,
 * and the emulator accepts the new token.
 */
test('renews a short-lived token and stays registered', async ({ page }) => {
  test.setTimeout(90_000);
  const phone = await launchOfflinePhone({ TOKEN_TTL_SECONDS: '30' });
  try {
    const tokenRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/voice-token')) tokenRequests.push(request.method());
    });
    await page.goto(`${phone.pageUrl}?diag`);
    await page.getByLabel('あなたの名前(identity)').fill('dave');
    await page.getByRole('button', { name: '初期化' }).click();
    await expect(page.locator('#status')).toHaveText('登録済み');
    await expect(page.locator('#log')).toContainText('トークンを更新しました', { timeout: 30_000 });
    expect(tokenRequests).toEqual(['POST', 'POST']);
    await expect(page.locator('#status')).toHaveText('登録済み');
    await expect(page.locator('[data-check="token"]')).toHaveAttribute('data-status', /ok|warn/);
    expect(phone.emulator?.stats().registrations).toBe(1);
  } finally {
    await phone.close();
  }
});
