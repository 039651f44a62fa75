import { CHROMIUM_ARGS, chromiumExecutable } from '@kit/launcher/chromium';
import { defineConfig } from '@playwright/test';

const executablePath = chromiumExecutable();

/**
 * Specs of the built docs site wait for the docs build (the longest build); the
 * others need only the kit. Two projects, run by two turbo tasks (`test:e2e:site`
 * after every build, `test:e2e` after the kit's), so the kit's specs start while
 * the docs are still building.
 */
const SITE_SPECS = ['a11y.spec.ts', 'docs.spec.ts', 'docs-subpath.spec.ts'];
/** The project this run was started with (`--project=site`), for its own report file. */
const part = process.argv.includes('--project=site') ? 'site' : 'kit';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  projects: [
    { name: 'kit', testIgnore: SITE_SPECS, outputDir: 'test-results/kit' },
    { name: 'site', testMatch: SITE_SPECS, outputDir: 'test-results/site' },
  ],
  fullyParallel: false,
  // Two spec files at a time (each starts its own kit, emulator and browser on free
  // ports): on 2 cores the e2e run takes about 1.6 min instead of 2.3-2.9.
  workers: 2,
  timeout: 60_000,
  forbidOnly: Boolean(process.env.CI),
  // The JSON report feeds the slowest-tests list that `pnpm test` prints (scripts/test-report.mjs).
  reporter: [['list'], ['json', { outputFile: `../.test-report/playwright-${part}.json` }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) },
    trace: 'off',
    // The attendee has allowed the microphone, as the phone asks them to. The headless
    // shell keeps the permission at "prompt" otherwise, and then hides the host's
    // addresses from WebRTC (mDNS names, which a loopback-only namespace cannot resolve).
    permissions: ['microphone'],
  },
});
