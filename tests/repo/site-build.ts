import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCS_DIR, REPO_ROOT } from './paths.js';

/**
 * The docs site the tests check: the one `pnpm test` builds (scripts/test.mjs gives
 * the docs build tests/site-build-env.json), as the Pages workflow publishes it for a
 * project, under a sub-path (`/kit-docs/`) and naming a sample repository. One build
 * serves every check of the site: a second one, for the sub-path alone, cost a fifth
 * of the site checks' CPU time (issue #22). A page that works under a sub-path works
 * at the root; the reverse is what broke.
 */
export interface SiteBuildEnv {
  DOCS_BASE: string;
  KIT_REPOSITORY_URL: string;
  GITHUB_SERVER_URL: string;
  GITHUB_REPOSITORY: string;
  GITHUB_REF_NAME: string;
}

export const SITE_BUILD_ENV = JSON.parse(
  readFileSync(join(REPO_ROOT, 'tests/site-build-env.json'), 'utf8'),
) as SiteBuildEnv;

/** `/kit-docs/`: where the built site is served, and what every link in it starts with. */
export const SITE_BASE = SITE_BUILD_ENV.DOCS_BASE;
/** `https://github.example/sample-owner/sample-kit`: the repository the built site names. */
export const SITE_REPOSITORY_URL = `${SITE_BUILD_ENV.GITHUB_SERVER_URL}/${SITE_BUILD_ENV.GITHUB_REPOSITORY}`;

/** Where `pnpm docs:build` leaves the site (turbo builds it before the tests). */
export const BUILT_DOCS_DIR = join(DOCS_DIR, '.vitepress/dist');

/**
 * Why the built site is not the one the tests check, or null: a site built by
 * `pnpm build` or `pnpm docs:build` alone is served at `/`.
 */
export function siteBuildProblem(): string | null {
  let index: string;
  try {
    index = readFileSync(join(BUILT_DOCS_DIR, 'index.html'), 'utf8');
  } catch {
    return `${BUILT_DOCS_DIR} has no index.html: run pnpm test (it builds the docs first)`;
  }
  return index.includes(`src="${SITE_BASE}assets/`)
    ? null
    : `${BUILT_DOCS_DIR} was not built for ${SITE_BASE}: run the site checks through pnpm test, which builds the docs with tests/site-build-env.json`;
}
