import { EMULATOR_INFO_PATH, KIT_ROOM_INFO_PATH } from '@kit/shared';
import { test as base, type ConsoleMessage, expect, type Page } from '@playwright/test';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The browser's own log line for the phone's lookups the kit's launcher answers
 * and a bare step server does not (404 by design, as on Twilio): the emulator
 * (`kit/emulator.json`, Twilio mode) and the room (`kit/room.json`, no 教室 panel).
 */
function isEmulatorLookupMiss(message: ConsoleMessage): boolean {
  const path = new URL(message.location().url || 'about:blank').pathname;
  return (
    message.text().includes('status of 404') &&
    (path === EMULATOR_INFO_PATH || path === KIT_ROOM_INFO_PATH)
  );
}

/** Whether a request URL stays on this machine (data:, blob: and loopback hosts). */
export function isLocalUrl(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return LOOPBACK_HOSTS.has(parsed.hostname);
}

/**
 * Watches a page for requests beyond 127.0.0.1 and for console errors;
 * `verify()` fails the test if it saw any (errors matching `allowed` excepted,
 * and the 404 of the phone's emulator lookup on a server without one).
 */
export function guardPage(page: Page, allowed: RegExp | null): { verify: () => void } {
  const offsite: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (request) => {
    if (!isLocalUrl(request.url())) offsite.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() !== 'error' || isEmulatorLookupMiss(message)) return;
    const text = message.text();
    if (!allowed?.test(text)) consoleErrors.push(text);
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return {
    verify: () => {
      expect(offsite, 'requests that left 127.0.0.1').toEqual([]);
      expect(consoleErrors, 'console errors').toEqual([]);
    },
  };
}

/**
 * `page` that fails its test if the page asks for anything beyond 127.0.0.1,
 * or logs a console error (set `allowedConsoleErrors` to expect specific ones;
 * one RegExp, since Playwright reads an array in `test.use` as [value, options]).
 */
export const test = base.extend<{ allowedConsoleErrors: RegExp | null }>({
  allowedConsoleErrors: [null, { option: true }],
  page: async ({ page, allowedConsoleErrors }, use) => {
    const guard = guardPage(page, allowedConsoleErrors);
    await use(page);
    guard.verify();
  },
});

export { expect };
