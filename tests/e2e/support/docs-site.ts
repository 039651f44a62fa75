import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { BUILT_DOCS_DIR, SITE_BASE, siteBuildProblem } from '../../repo/site-build.js';
import { serveStaticSite } from './static-site.js';

export { BUILT_DOCS_DIR, SITE_BASE };

/**
 * The built site (the one `pnpm test` builds, see repo/site-build.ts), served under
 * its sub-path on 127.0.0.1: `url('steps/x.html')` is a page's address.
 */
export async function serveBuiltSite(): Promise<{
  server: Server;
  origin: string;
  url: (path?: string) => string;
}> {
  const problem = siteBuildProblem();
  if (problem) throw new Error(problem);
  const server = await serveStaticSite(BUILT_DOCS_DIR, SITE_BASE);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin, url: (path = '') => `${origin}${SITE_BASE}${path.replace(/^\//, '')}` };
}

/**
 * The hrefs of every page the sidebar links to (the guide pages and every step,
 * in the order of docs/.vitepress/config.mts), read from a page that shows the sidebar.
 */
export function sidebarHrefs(page: Page): Promise<string[]> {
  return page
    .locator('.VPSidebar a.VPLink')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
}
