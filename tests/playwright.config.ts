import { CHROMIUM_ARGS, chromiumExecutable } from '@kit/launcher/chromium';
import { defineConfig } from '@playwright/test';

const executablePath = chromiumExecutable();

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  // Two spec files at a time (each starts its own kit, emulator and browser on free
  // ports): on 2 cores the e2e run takes about 1.6 min instead of 2.3-2.9.
  workers: 2,
  timeout: 60_000,
  forbidOnly: Boolean(process.env.CI),
  // The JSON report feeds the slowest-tests list that `pnpm test` prints (scripts/test-report.mjs).
  reporter: [['list'], ['json', { outputFile: '../.test-report/playwright.json' }]],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) },
    trace: 'off',
  },
});
