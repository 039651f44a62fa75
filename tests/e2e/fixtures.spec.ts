import { expect, test } from './support/fixtures.js';

// The guards in the `page` fixture must be able to fail a test.
test.describe('the page fixture', () => {
  test('fails a test whose page asks for something beyond 127.0.0.1', async ({ page }) => {
    test.fail();
    await page.setContent('<img src="http://example.invalid/pixel.png" alt="">');
    await page.waitForTimeout(200);
  });

  test('fails a test whose page logs a console error', async ({ page }) => {
    test.fail();
    await page.setContent('<script>console.error("boom")</script>');
    await expect(page.locator('body')).toBeAttached();
  });
});
