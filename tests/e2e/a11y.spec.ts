import type { Server } from 'node:http';
import AxeBuilder from '@axe-core/playwright';
import { launchOfflinePhone } from '@kit/launcher/offline-phone';
import { STEPS, stepDocPath } from '@kit/shared';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { SITE_BASE, serveBuiltSite, sidebarHrefs } from './support/docs-site.js';
import { expect, guardPage, test } from './support/fixtures.js';

/**
 * axe-core (WCAG 2.1 A and AA) over every page of the built docs and over the
 * built phone, in the light and the dark theme: any violation fails, listed
 * with its rule, elements and (for colour contrast) the measured colours.
 * One browser context for the docs and one per theme for the phone, each page
 * reused for every check.
 */

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const THEMES = ['light', 'dark'] as const;
type Theme = (typeof THEMES)[number];

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];
type ViolationNode = Violation['nodes'][number];

/** What axe's color-contrast check records about an element it failed. */
interface ContrastData {
  fgColor?: string;
  bgColor?: string;
  contrastRatio?: number;
  expectedContrastRatio?: string;
}

/** Elements listed per rule in a failure; the count says how many more there were. */
const LISTED_PER_RULE = 12;

function contrastNumbers(node: ViolationNode): string {
  for (const check of [...node.any, ...node.all, ...node.none]) {
    const data = check.data as ContrastData | null;
    if (data?.contrastRatio !== undefined) {
      return ` ${data.contrastRatio}:1 ${data.fgColor} on ${data.bgColor}, needs ${data.expectedContrastRatio}`;
    }
  }
  return '';
}

function htmlSnippet(html: string): string {
  const flat = html.replace(/\s+/g, ' ');
  return flat.length > 100 ? `${flat.slice(0, 100)}…` : flat;
}

/** One line per rule, then one per element (target, contrast numbers, the start of its HTML). */
function describeViolations(violations: Violation[]): string[] {
  return violations.flatMap((violation) => {
    const { id, impact, help, nodes } = violation;
    const elements = nodes.slice(0, LISTED_PER_RULE).map((node) => {
      return `  ${node.target.join(' ')}:${contrastNumbers(node)} ${htmlSnippet(node.html)}`;
    });
    const more = nodes.length - elements.length;
    return [
      `${id} (${impact ?? 'no impact'}), ${nodes.length} elements: ${help}`,
      ...elements,
      ...(more > 0 ? [`  …and ${more} more`] : []),
    ];
  });
}

/**
 * axe's legacy mode runs axe.run in the page itself, about twice as fast as the
 * default (which gathers the results in an extra blank page, for cross-origin
 * frames): these pages have no frames, and the check makes sure of it.
 */
async function axeViolations(page: Page): Promise<Violation[]> {
  expect(page.frames(), 'frames in the page (axe runs in legacy mode)').toHaveLength(1);
  // Only violations are asserted: axe then skips collecting every passing node
  // (thousands of code spans per step page), the bulk of its time here.
  // options() replaces what withTags() sets, so it comes first.
  const axe = new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] })
    .withTags(WCAG_21_AA)
    .setLegacyMode();
  return (await axe.analyze()).violations;
}

/** Fails (softly, so every page is reported) on the violations of one page. */
function expectNoViolations(violations: Violation[], where: string): void {
  expect
    .soft(describeViolations(violations), `axe (WCAG 2.1 AA) violations on ${where}`)
    .toEqual([]);
}

/**
 * Shows the panels of every code-group tab at once, as if each tab were
 * clicked in turn: axe checks only what is visible, and one run per page is
 * far quicker than one per tab. Fails if a panel stays hidden.
 */
async function showAllCodeGroupPanels(page: Page): Promise<void> {
  const panels = page.locator('.vp-code-group .blocks > div');
  if ((await panels.count()) === 0) return;
  await page.addStyleTag({
    content: '.vp-code-group .blocks > div { display: block !important; }',
  });
  const hidden = await panels.evaluateAll((all) => all.filter((panel) => !panel.checkVisibility()));
  expect(hidden.length, 'code-group panels still hidden').toBe(0);
}

async function docsPageViolations(page: Page): Promise<Violation[]> {
  await showAllCodeGroupPanels(page);
  return axeViolations(page);
}

/**
 * A page whose documents open in `theme`: VitePress's stored choice and the
 * system preference (which the phone follows), with transitions off so that
 * no colour is measured halfway through one.
 */
async function openThemedPage(
  browser: Browser,
  theme: Theme,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ colorScheme: theme, reducedMotion: 'reduce' });
  await context.addInitScript((appearance) => {
    localStorage.setItem('vitepress-theme-appearance', appearance);
  }, theme);
  return { context, page: await context.newPage() };
}

/** The docs page really shows `theme` (VitePress marks the dark theme on <html>). */
async function expectDocsTheme(page: Page, theme: Theme): Promise<void> {
  const html = page.locator('html');
  if (theme === 'dark') await expect(html).toHaveClass(/(^|\s)dark(\s|$)/);
  else await expect(html).not.toHaveClass(/(^|\s)dark(\s|$)/);
}

/** The phone has no theme switch: it follows the system's colour scheme. */
async function expectPhoneTheme(page: Page, theme: Theme): Promise<void> {
  const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
  expect(dark, 'the phone follows the system colour scheme').toBe(theme === 'dark');
}

/** The phone's server asks for a passcode, so a wrong one is a real refusal from /voice-token. */
const PASSCODE = 'a11y-passcode';

/** The real /voice-token refuses a wrong passcode: the error box, and under ?diag a failed check. */
async function showTokenRefused(page: Page): Promise<void> {
  await page.getByLabel('あなたの名前(identity)').fill('a11y');
  await page.getByLabel('合言葉').fill('wrong');
  await page.getByRole('button', { name: '初期化' }).click();
  await expect(page.getByRole('alert')).toContainText('passcode_invalid');
}

async function registerPhone(page: Page, identity: string): Promise<void> {
  await page.getByLabel('あなたの名前(identity)').fill(identity);
  await page.getByLabel('合言葉').fill(PASSCODE);
  await page.getByRole('button', { name: '初期化' }).click();
  await expect(page.locator('#status')).toHaveText('登録済み');
}

type OfflinePhone = Awaited<ReturnType<typeof launchOfflinePhone>>;

let docs: Server;
/** A docs page's address: `docsUrl('/steps/x.html')`; the sidebar's hrefs carry the site's base already. */
let docsUrl: (path: string) => string;
let phone: OfflinePhone;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const site = await serveBuiltSite();
  docs = site.server;
  docsUrl = (path) => (path.startsWith(SITE_BASE) ? `${site.origin}${path}` : site.url(path));
  phone = await launchOfflinePhone({ WORKSHOP_PASSCODE: PASSCODE });
});

test.afterAll(async () => {
  if (docs) await new Promise((done) => docs.close(done));
  await phone?.close();
});

/**
 * Every docs page, each loaded once and checked in the light theme, then in the
 * dark one after clicking VitePress's own switch, as a reader does: a second load
 * of every page cost more than the check itself (issue #22). The pages are split
 * in two tests, the step pages (the large ones) and the rest.
 */
/** Every step page, as the built site links to it. */
const STEP_PATHS = STEPS.map(
  (step) => `${SITE_BASE}${stepDocPath(step).replace(/\.md$/, '.html')}`,
);

test.describe('docs pages', () => {
  let context: BrowserContext;
  let page: Page;
  let guard: { verify: () => void };
  let sidebar: string[];

  test.beforeAll(async ({ browser }) => {
    ({ context, page } = await openThemedPage(browser, 'light'));
    // The browser logs the 404 of the docs' missing page.
    guard = guardPage(page, /status of 404/);
    await page.goto(docsUrl('/guide/getting-started.html'));
    sidebar = await sidebarHrefs(page);
  });

  test.afterAll(async () => {
    await context?.close();
  });

  /** Loads `path` once; axe in the light theme, then again in the dark one. */
  async function checkBothThemes(path: string): Promise<void> {
    await page.goto(docsUrl(path));
    await expect(page.locator('.VPContent')).toBeVisible();
    for (const theme of THEMES) {
      if (theme === 'dark') {
        await page.getByRole('switch', { name: 'ダークモードに切り替え' }).first().click();
      }
      await expectDocsTheme(page, theme);
      expectNoViolations(await docsPageViolations(page), `${path} (${theme})`);
    }
  }

  test('every step page, every code-group tab shown, light then dark', async () => {
    test.setTimeout(300_000); // axe over ~4,600 code spans per step page: slow on a busy 2-core machine
    for (const path of STEP_PATHS) expect(sidebar).toContain(path);
    for (const path of STEP_PATHS) await checkBothThemes(path);
    guard.verify();
  });

  test('the home page, every guide page and the 404 page, light then dark', async () => {
    test.setTimeout(300_000);
    const guides = sidebar.filter((path) => !STEP_PATHS.includes(path));
    expect(guides.length, 'guide pages besides the steps').toBeGreaterThan(0);
    for (const path of [SITE_BASE, ...guides, `${SITE_BASE}no-such-page.html`]) {
      await checkBothThemes(path);
    }
    guard.verify();
  });
});

for (const theme of THEMES) {
  test.describe(`${theme} theme`, () => {
    let context: BrowserContext;
    let page: Page;
    let guard: { verify: () => void };

    test.beforeAll(async ({ browser }) => {
      ({ context, page } = await openThemedPage(browser, theme));
      // The browser logs the phone's refused token (401).
      guard = guardPage(page, /status of 401/);
    });

    test.afterAll(async () => {
      await context?.close();
    });

    test('the phone: idle, token refused and registered, with and without ?diag', async () => {
      for (const search of ['', '?diag']) {
        const where = (state: string) => `the phone${search} ${state} (${theme})`;
        await page.goto(`${phone.pageUrl}${search}`);
        await expect(page.locator('#status')).toHaveText('未登録');
        if (search) await expect(page.locator('#diagnostics')).toHaveAttribute('open', '');
        await expectPhoneTheme(page, theme);
        expectNoViolations(await axeViolations(page), where('idle'));

        await showTokenRefused(page);
        if (search) {
          await expect(page.locator('[data-check="token"]')).toHaveAttribute('data-status', 'fail');
        }
        expectNoViolations(await axeViolations(page), where('with a refused token'));

        await registerPhone(page, `a11y-${theme}`);
        expectNoViolations(await axeViolations(page), where('registered'));
      }
      guard.verify();
    });
  });
}
