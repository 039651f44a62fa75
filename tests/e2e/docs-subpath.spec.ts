import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import { STEPS, stepDocPath } from '@kit/shared';
import type { Page } from '@playwright/test';
import { placeholdersIn } from '../repo/placeholders.js';
import { SITE_REPOSITORY_URL } from '../repo/site-build.js';
import { BUILT_DOCS_DIR, SITE_BASE, serveBuiltSite, sidebarHrefs } from './support/docs-site.js';
import { expect, test } from './support/fixtures.js';

// The docs site as the Pages workflow publishes a project: built for a sub-path
// (DOCS_BASE, as GitHub Pages serves a project at /<repository>/) and naming the
// repository it was built from. It is the build every check of the site reads
// (repo/site-build.ts: `pnpm test` builds it so, with a sample repository), served
// under that sub-path by a tiny static server on 127.0.0.1, checked in Chromium:
// every sidebar page, its images, the 404 page and the local search.

const BASE = SITE_BASE;
const SAMPLE_URL = SITE_REPOSITORY_URL;
const DIST = BUILT_DOCS_DIR;

/** Requests the page made that failed or got an error status (the watched ones). */
function watchRequests(page: Page, allowed: (url: string) => boolean = () => false): string[] {
  const failures: string[] = [];
  page.on('requestfailed', (request) => {
    // Prefetches of the next pages' chunks, cancelled by the navigation away: not failures.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    failures.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !allowed(response.url())) {
      failures.push(`${response.url()}: ${response.status()}`);
    }
  });
  return failures;
}

let server: Server;
let origin: string;

test.beforeAll(async () => {
  const site = await serveBuiltSite();
  server = site.server;
  origin = site.origin;
});

test.afterAll(async () => {
  if (server) await new Promise((done) => server.close(done));
});

test('every sidebar page loads under the sub-path with its heading and images', async ({
  page,
}) => {
  const failures = watchRequests(page);
  await page.goto(`${origin}${BASE}guide/getting-started.html`);
  const hrefs = await sidebarHrefs(page);
  // Every step of the catalog, and the guide pages around them (docs/.vitepress/config.mts).
  for (const step of STEPS)
    expect(hrefs).toContain(`${BASE}${stepDocPath(step).replace(/\.md$/, '.html')}`);
  expect(hrefs.length).toBeGreaterThan(STEPS.length);
  for (const href of hrefs) expect(href, 'sidebar link').toMatch(/^\/kit-docs\/.+\.html$/);

  const icon = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(icon).toBe(`${BASE}favicon.svg`);
  expect((await page.request.get(`${origin}${icon}`)).status()).toBe(200);

  const images: string[] = [];
  for (const href of hrefs) {
    const response = await page.goto(`${origin}${href}`);
    expect(response?.status(), href).toBe(200);
    await expect(page.locator('.vp-doc h1').first(), href).toBeVisible();

    const pageImages = page.locator('.vp-doc img');
    for (let index = 0; index < (await pageImages.count()); index += 1) {
      const image = pageImages.nth(index);
      await image.scrollIntoViewIfNeeded();
      const src = (await image.getAttribute('src')) ?? '';
      expect(src, `image on ${href}`).toMatch(/^\/kit-docs\//);
      await expect
        .poll(() => image.evaluate((element: HTMLImageElement) => element.naturalWidth), {
          message: `${src} on ${href} loads`,
        })
        .toBeGreaterThan(0);
      images.push(src);
    }
  }
  // The generated diagram (an asset) and a screenshot from docs/public, both under the base.
  expect(images.some((src) => src.includes('call-flow'))).toBe(true);
  expect(images).toContain(`${BASE}screenshots/phone-incoming.png`);
  expect(failures, 'failed requests').toEqual([]);
});

test('a link followed in the page stays under the sub-path', async ({ page }) => {
  const failures = watchRequests(page);
  await page.goto(`${origin}${BASE}`);
  await page.locator('.VPNav a.VPLink', { hasText: 'はじめに' }).first().click();
  await expect(page).toHaveURL(`${origin}${BASE}guide/getting-started.html`);
  await expect(page.locator('.vp-doc h1')).toBeVisible();
  await page.locator('.VPDocFooter .pager-link.next').click();
  await expect(page).toHaveURL(new RegExp(`^${origin}${BASE}guide/runtime\\.html`));
  await expect(page.locator('.vp-doc h1')).toBeVisible();
  expect(failures, 'failed requests').toEqual([]);
});

test.describe('a missing page under the sub-path', () => {
  // The browser logs the 404 of the document itself.
  test.use({ allowedConsoleErrors: /status of 404/ });

  test('gets the site 404 page, styled, linking home under the sub-path', async ({ page }) => {
    const missing = `${origin}${BASE}no-such-page.html`;
    const failures = watchRequests(page, (url) => url === missing);
    const response = await page.goto(missing);
    expect(response?.status()).toBe(404);
    await expect(page.locator('.NotFound .title')).toHaveText('ページが見つかりません');
    await expect(page.locator('.NotFound .link')).toHaveText('ホームへ戻る');
    await expect(page.locator('.NotFound .link')).toHaveAttribute('href', BASE);
    // The theme's stylesheet applied: its variables are set and the title is not plain text.
    const brand = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue('--vp-c-brand-1').trim(),
    );
    expect(brand).not.toBe('');
    const titleWeight = await page
      .locator('.NotFound .title')
      .evaluate((element) => getComputedStyle(element).fontWeight);
    expect(Number(titleWeight)).toBeGreaterThanOrEqual(600);
    expect(failures, 'failed requests').toEqual([]);
  });
});

test('local search finds VoiceGrant and opens the page under the sub-path', async ({ page }) => {
  const failures = watchRequests(page);
  await page.goto(`${origin}${BASE}`);
  await page.locator('.DocSearch-Button').click();
  await page.locator('#localsearch-input').fill('VoiceGrant');
  const results = page.locator('.VPLocalSearchBox ul.results a.result');
  const firstPages = () =>
    results.evaluateAll((links) =>
      links.slice(0, 3).map((link) => new URL((link as HTMLAnchorElement).href).pathname),
    );
  const expected = `${BASE}steps/02-access-token.html`;
  await expect.poll(firstPages, { message: 'first results for VoiceGrant' }).toContain(expected);
  await page.locator(`.VPLocalSearchBox ul.results a.result[href^="${expected}"]`).first().click();
  await expect(page).toHaveURL(new RegExp(`^${origin}${expected}`));
  await expect(page.locator('.vp-doc h1')).toBeVisible();
  expect(failures, 'failed requests').toEqual([]);
});

test('names the sample repository in the clone command, the nav and "edit this page", with no placeholder left', async ({
  page,
}) => {
  const html = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.html') && !file.startsWith('downloads/'),
  );
  const left = html.flatMap((file) =>
    placeholdersIn(readFileSync(join(DIST, file), 'utf8')).map((text) => `${file}: ${text}`),
  );
  expect(left, 'placeholders in the built HTML').toEqual([]);

  await page.goto(`${origin}${BASE}guide/getting-started.html`);
  await expect(page.locator('.vp-doc pre code', { hasText: 'git clone' }).first()).toContainText(
    `git clone ${SAMPLE_URL}.git`,
  );
  await expect(page.locator('.VPNavBar a.VPLink', { hasText: 'リポジトリ' })).toHaveAttribute(
    'href',
    SAMPLE_URL,
  );
  await expect(page.locator('.VPDocFooter .edit-link a')).toHaveAttribute(
    'href',
    `${SAMPLE_URL}/edit/main/docs/guide/getting-started.md`,
  );
});

test("downloads the step 4 phone under the sub-path, the same bytes as the phone's build", async ({
  page,
}) => {
  await page.goto(`${origin}${BASE}steps/04-twiml-app.html`);
  const link = page.locator('.vp-doc a[download]').first();
  await expect(link).toHaveAttribute('href', `${BASE}downloads/step-04/index.html`);
  const download = await Promise.all([page.waitForEvent('download'), link.click()]).then(
    ([event]) => event,
  );
  expect(download.suggestedFilename()).toBe('index.html');
  const saved = readFileSync((await download.path()) as string);
  expect(saved.equals(readFileSync(join(PHONE_DIST_DIR, 'index.html')))).toBe(true);
});
