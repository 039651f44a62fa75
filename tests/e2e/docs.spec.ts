import type { Server } from 'node:http';
import { STEPS, type Step, stepDocPath } from '@kit/shared';
import { SITE_BASE, serveBuiltSite } from './support/docs-site.js';
import { expect, test } from './support/fixtures.js';

// The built docs site (turbo builds it before the tests, under its sub-path: see
// repo/site-build.ts), served from 127.0.0.1 by a tiny static server on a free port,
// checked in Chromium. The fixtures' `page` fails on any request leaving 127.0.0.1
// and on console errors.

let server: Server;
/** The site's address without its trailing slash: `${base}/guide/x.html`. */
let base: string;
/** A page's path as the site links to it: `/guide/x.html` → `/kit-docs/guide/x.html`. */
const sitePath = (path: string) => `${SITE_BASE}${path.replace(/^\//, '')}`;

test.beforeAll(async () => {
  const site = await serveBuiltSite();
  server = site.server;
  base = site.url().replace(/\/$/, '');
});

test.afterAll(async () => {
  if (server) await new Promise((done) => server.close(done));
});

const stepUrl = (path: string) => `/${path.replace(/\.md$/, '.html')}`;

function stepPage(step: Step | undefined): string {
  if (!step) throw new Error('the step catalog is shorter than this spec expects');
  return stepUrl(stepDocPath(step));
}

test('the home page and the theme speak Japanese', async ({ page }) => {
  await page.goto(`${base}/`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja-JP');
  await expect(page.locator('.VPHero .name')).toContainText('ブラウザ電話ハンズオン');
  await expect(page.locator('.DocSearch-Button')).toHaveAttribute(
    'aria-label',
    'ドキュメントを検索',
  );

  await page.goto(`${base}${stepPage(STEPS[1])}`);
  await expect(page.locator('.VPDocAsideOutline .outline-title')).toHaveText('このページの内容');
  await expect(page.locator('.VPDocFooter .pager-link.prev .desc')).toHaveText('前のページ');
  await expect(page.locator('.VPDocFooter .pager-link.next .desc')).toHaveText('次のページ');
  await expect(page.locator('.VPLastUpdated')).toContainText('最終更新');
  await expect(page.locator('button.copy').first()).toHaveAttribute('title', 'コードをコピー');
  await expect(page.locator('.VPSwitchAppearance').first()).toHaveAttribute(
    'title',
    /モードに切り替え/,
  );
});

test('the sidebar lists every step of the catalog, in order', async ({ page }) => {
  await page.goto(`${base}/guide/getting-started.html`);
  const links = page.locator(`.VPSidebar a[href^="${sitePath('/steps/')}"]`);
  await expect(links).toHaveCount(STEPS.length);
  for (const [index, step] of STEPS.entries()) {
    await expect(links.nth(index)).toHaveAttribute('href', sitePath(stepUrl(stepDocPath(step))));
    await expect(links.nth(index)).toContainText(step.title);
  }
});

for (const step of STEPS) {
  test(`${step.tag}: the page renders its code, TypeScript and compiled JavaScript`, async ({
    page,
  }) => {
    await page.goto(`${base}${stepUrl(stepDocPath(step))}`);
    await expect(page.locator('h1')).toContainText(step.title);

    // Each Function is built up in stages: TypeScript and Console JavaScript, new lines highlighted.
    const stage = page.locator('.vp-code-group', { has: page.locator('.highlighted') }).first();
    await expect(stage.locator('.tabs label').first()).toContainText('TypeScript');
    await stage.locator('.tabs label', { hasText: 'JavaScript(Console)' }).click();
    await expect(stage.locator('.blocks > div.active .highlighted').first()).toBeVisible();

    // The finished file: the JavaScript tab is the deployed file a Console user pastes.
    const finished = page
      .locator('.vp-code-group', {
        has: page.locator('.tabs label', { hasText: 'Console に貼る JavaScript' }),
      })
      .first();
    await expect(finished.locator('.tabs label').first()).toContainText('TypeScript');
    await expect(finished.locator('.blocks > div.active code')).not.toBeEmpty();
    await finished.locator('.tabs label', { hasText: 'Console に貼る JavaScript' }).click();
    await expect(finished.locator('.blocks > div.active code')).toContainText(
      'exports.handler = function (context, event, callback)',
    );

    // Every Function of the step has its code on the page.
    const code = (await page.locator('.vp-doc pre code').allTextContents()).join('\n');
    for (const fn of step.functions) {
      const name = fn.path.slice(1);
      const tabs = await page.locator('.vp-code-group .tabs label').allTextContents();
      expect(
        tabs.some((tab) => tab.startsWith(name)),
        `${fn.path} in ${tabs.join(', ')}`,
      ).toBe(true);
    }
    expect(code).toContain('handler');
    expect(code).toContain('callback');
    expect(code).not.toMatch(/\/\/ #(end)?region/);

    // The generated "what changed" section and the step's tag.
    await expect(page.locator('h2#前の手順からの変更')).toBeVisible();
    await expect(page.locator('.vp-doc')).toContainText(step.tag);
  });
}

test('step 04 shows the call-flow diagram rendered at build time', async ({ page }) => {
  await page.goto(`${base}${stepPage(STEPS.find((candidate) => candidate.servesPhone))}`);
  const diagram = page.locator('img[src*="call-flow"]');
  await expect(diagram).toBeVisible();
  expect(await diagram.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(
    500,
  );
});

test('a stage that takes lines away shows them struck out, and its copy button leaves them out', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const step5 = STEPS.find((candidate) => candidate.number === 5);
  await page.goto(`${base}${stepPage(step5)}`);
  // 5-2 replaces step 4's Voice grant by a grant per product (docs/scripts/lib/stages.ts).
  const voiceGrantLine = 'const VoiceGrant = AccessToken.VoiceGrant;';
  const stage = page
    .locator('.vp-code-group', {
      has: page.locator('.line.diff.remove', { hasText: voiceGrantLine }),
    })
    .first();
  await stage.locator('.tabs label', { hasText: 'JavaScript(Console)' }).click();
  const block = stage.locator('.blocks > div.active');
  const removed = block.locator('.line.diff.remove');
  await expect(removed.first()).toBeVisible();
  expect(await removed.allTextContents()).toContainEqual(expect.stringContaining(voiceGrantLine));
  await expect(block.locator('.line.highlighted').first()).toBeVisible();
  await block.hover();
  await block.locator('button.copy').click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('exports.handler = function (context, event, callback)');
  expect(copied).not.toContain(voiceGrantLine);
  expect(copied).not.toContain('[!code');
});

// The page that explains the word must be among the first three results.
const SEARCHES: { query: string; page: string }[] = [
  { query: '着信', page: '/guide/glossary.html' }, // 「着信と発信」
  { query: '発信', page: '/steps/03-call-endpoint.html' }, // /call, 不正発信を防ぐ
  { query: 'アクセストークン', page: '/steps/02-access-token.html' },
  { query: 'VoiceGrant', page: '/steps/02-access-token.html' },
];

for (const { query, page: expected } of SEARCHES) {
  test(`search: ${query} finds ${expected}`, async ({ page }) => {
    await page.goto(`${base}/`);
    await page.locator('.DocSearch-Button').click();
    await page.locator('#localsearch-input').fill(query);
    const results = page.locator('.VPLocalSearchBox ul.results a.result');
    const firstPages = () =>
      results.evaluateAll((links) =>
        links.slice(0, 3).map((link) => new URL((link as HTMLAnchorElement).href).pathname),
      );
    await expect
      .poll(firstPages, { message: `first results for ${query}` })
      .toContain(sitePath(expected));
  });
}

test('search: words inside Japanese sentences are found (bigram tokenizer)', async ({ page }) => {
  // Without the tokenizer VitePress indexes whole runs between punctuation:
  // 期限切れ (inside 「トークンの期限切れ」) finds nothing, and 発行 misses step 02.
  await page.goto(`${base}/`);
  await page.locator('.DocSearch-Button').click();
  const input = page.locator('#localsearch-input');
  const results = page.locator('.VPLocalSearchBox ul.results a.result');
  const firstPages = () =>
    results.evaluateAll((links) =>
      links.slice(0, 3).map((link) => new URL((link as HTMLAnchorElement).href).pathname),
    );

  // The box searches after a short debounce: poll until the results match the query.
  await input.fill('期限切れ');
  await expect.poll(firstPages).toContain(sitePath('/guide/troubleshooting.html'));

  await input.fill('発行');
  await expect.poll(firstPages).toContain(sitePath('/steps/02-access-token.html'));

  await input.fill('存在しない語句ですよ');
  await expect(page.locator('.VPLocalSearchBox .no-results')).toContainText('見つかりませんでした');
});

test.describe('a missing page', () => {
  // The browser logs the 404 of the document itself.
  test.use({ allowedConsoleErrors: /status of 404/ });

  test('shows the Japanese 404 page', async ({ page }) => {
    await page.goto(`${base}/no-such-page.html`);
    await expect(page.locator('.NotFound .title')).toHaveText('ページが見つかりません');
    await expect(page.locator('.NotFound .link')).toHaveText('ホームへ戻る');
  });
});
