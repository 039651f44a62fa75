import { expect, test } from './support/fixtures.js';
import { expectGlyphs, findMissingGlyphs } from './support/glyphs.js';

// The glyph check that guards the screenshots must be able to fail. U+10FFFD
// (the last private-use code point) stands for a character no font has: fonts
// practically never cover plane 16, unlike U+E000 (icon fonts) or Adlam (Noto).
const TOFU = '\u{10FFFD}';

test.describe('the glyph check', () => {
  test('fails on a character no font has, naming it and its element', async ({ page }) => {
    await page.setContent(
      `<main><p>ok</p><p><span id="tofu" class="x">a${TOFU}b</span></p></main>`,
    );
    const check = expectGlyphs(page.locator('main'), 'page');
    await expect(check).rejects.toThrow(`"${TOFU}" U+10FFFD in span#tofu.x "a${TOFU}b"`);
  });

  test('sees form values too', async ({ page }) => {
    await page.setContent(`<main><input id="name" value="a${TOFU}"></main>`);
    const missing = await findMissingGlyphs(page.locator('main'));
    expect(missing).toEqual([
      { char: TOFU, codePoint: 'U+10FFFD', elements: [`input#name "a${TOFU}"`] },
    ]);
  });

  test('ignores hidden text and passes Japanese with a Japanese font installed', async ({
    page,
  }) => {
    await page.setContent(
      `<main lang="ja"><h1>ブラウザ電話</h1><p>状態: 登録済み(alice)</p><p hidden>${TOFU}</p><details><summary>診断</summary>${TOFU}</details></main>`,
    );
    await expectGlyphs(page.locator('main'), 'page');
  });
});
