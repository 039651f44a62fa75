import { defineConfig } from 'vitest/config';

/** Checks of the built docs site: they wait for the docs build, the longest build. */
const SITE_TESTS = [
  'repo/docs-links.test.ts',
  'repo/docs-site.test.ts',
  'repo/docs-snippets.test.ts',
];
/** The project this run was started with (`--project site`), for its own report file. */
const part = process.argv.includes('site') ? 'site' : 'repo';

export default defineConfig({
  test: {
    // Two projects, run by two turbo tasks (`test:site` after every build, `test` after
    // the kit's), so the repository's other checks start while the docs are building.
    projects: [
      {
        extends: true,
        test: { name: 'repo', include: ['repo/**/*.test.ts'], exclude: SITE_TESTS },
      },
      { extends: true, test: { name: 'site', include: SITE_TESTS } },
    ],
    // These read the whole repository (every README, page and source string); with every
    // package and the e2e specs running at once on 2 cores, one has taken over 5 s.
    testTimeout: 30_000,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: ['default', ['json', { outputFile: `../.test-report/vitest-tests-${part}.json` }]],
  },
});
