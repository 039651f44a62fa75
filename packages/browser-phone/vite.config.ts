import { viteSingleFile } from 'vite-plugin-singlefile';
import { defineConfig } from 'vitest/config';
import { consoleFiles } from './build/console-files-plugin.js';

export default defineConfig({
  // One page, uploaded in the Twilio Console by hand: its script (the Voice SDK
  // included) and styles are inlined, and its sounds are made in the browser.
  // vite-plugin-singlefile also sets what that needs: no code splitting (the
  // SDK's dynamic import is inlined too), everything inlined, base './'.
  plugins: [viteSingleFile(), consoleFiles()],
  build: {
    target: 'es2022',
    sourcemap: false,
    // One file: nothing to preload, so no modulepreload polyfill in the page.
    modulePreload: { polyfill: false },
  },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
    // The files share one worker and one happy-dom, one after another: a process and a
    // DOM per file cost three quarters of the package's CPU time (issue #22). Each test
    // builds the page it needs.
    pool: 'forks',
    isolate: false,
    // Per-test times for the slowest-tests report that `pnpm test` prints (scripts/test-report.mjs).
    reporters: [
      'default',
      ['json', { outputFile: '../../.test-report/vitest-browser-phone.json' }],
    ],
  },
});
