import { existsSync } from 'node:fs';

/**
 * The browser for end-to-end tests: `CHROMIUM_PATH`, else Debian's
 * `/usr/bin/chromium` (`apt-get install chromium`), else Playwright's own
 * download (undefined lets Playwright choose).
 */
export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
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
