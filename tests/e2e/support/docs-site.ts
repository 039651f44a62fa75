import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { DOCS_DIR } from '../../repo/paths.js';

/** Where `pnpm docs:build` leaves the site (turbo builds it before the tests). */
export const BUILT_DOCS_DIR = join(DOCS_DIR, '.vitepress/dist');

/**
 * The hrefs of every page the sidebar links to (the guide pages and every step,
 * in the order of docs/.vitepress/config.mts), read from a page that shows the sidebar.
 */
export function sidebarHrefs(page: Page): Promise<string[]> {
  return page
    .locator('.VPSidebar a.VPLink')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
}
