import { existsSync } from 'node:fs';

/**
 * Debian's headless shell (`apt-get install chromium-headless-shell`): the same
 * Chromium build without the browser's UI, the one Playwright itself runs headless
 * tests in. On the kit's pages it takes about half the CPU time of the full browser
 * in headless mode (issue #22).
 */
export const HEADLESS_SHELL_PATH = '/usr/bin/chromium-headless-shell';
/** Debian's full browser (`apt-get install chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The browser for end-to-end tests: `CHROMIUM_PATH`, else Debian's headless
 * shell, else Debian's `/usr/bin/chromium`, else Playwright's own download
 * (undefined lets Playwright choose).
 */
export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  return [HEADLESS_SHELL_PATH, CHROMIUM_PATH].find((path) => existsSync(path));
}

/** Flags for a headless Chromium on a closed, loopback-only network, with fake media devices. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  // No GPU process emulating one in software: a sixth less CPU per page for the
  // tests' pages (issue #22), which draw nothing that needs it.
  '--disable-gpu',
];
