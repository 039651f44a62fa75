import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM_ARGS, chromiumExecutable } from '@kit/launcher/chromium';
import { launchOfflinePhone } from '@kit/launcher/offline-phone';
import { type Browser, chromium, type Page } from 'playwright-core';
import WebSocket, { WebSocketServer } from 'ws';
import { BASELINE_PAGE_HTML } from './baseline-page.js';
import { RESULT_MARK } from './result-mark.js';

/**
 * Runs inside tests/scripts/offline.sh (loopback-only network): real
 * Chromium calls between two pages, with the kit's phone (SDK + emulator +
 * step-04 on the real runtime, i.e. what `pnpm dev` runs) and with the bare
 * RTCPeerConnection baseline, interleaved call by call. Prints one JSON line
 * prefixed with RESULT_MARK.
 */

const STEP_TIMEOUT_MS = 15_000;

type Stamp = { event: string; at: number };

/**
 * Records every change of the phone's status (data-status) with an epoch
 * timestamp. A string, not a function: tsx would wrap named inner functions
 * in a `__name` helper that does not exist in the page.
 */
const RECORD_STATUS = `
window.statusLog = [];
document.addEventListener('DOMContentLoaded', () => {
  const status = document.getElementById('status');
  if (!status) return;
  new MutationObserver(() => {
    window.statusLog.push({ event: status.dataset.status || '', at: performance.timeOrigin + performance.now() });
  }).observe(status, { attributes: true, attributeFilter: ['data-status'] });
});`;

async function stampOf(page: Page, event: string, after: number): Promise<number> {
  const handle = await page.waitForFunction(
    ([name, since]) => {
      const log =
        (window as unknown as { statusLog?: Stamp[]; bench?: { log: Stamp[] } }).statusLog ??
        (window as unknown as { bench: { log: Stamp[] } }).bench.log;
      return log.find((item) => item.event === name && item.at >= (since as number))?.at ?? false;
    },
    [event, after] as const,
    { timeout: STEP_TIMEOUT_MS, polling: 20 },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * As an attendee who allowed the microphone: the headless shell otherwise keeps the
 * permission at "prompt" and hides host addresses behind mDNS names, which the
 * loopback-only namespace cannot resolve (the e2e tests' playwright.config.ts does the same).
 */
const CONTEXT_OPTIONS = { permissions: ['microphone'] };

async function openPhone(browser: Browser, url: string, identity: string): Promise<Page> {
  const context = await browser.newContext(CONTEXT_OPTIONS);
  await context.addInitScript({ content: RECORD_STATUS });
  const page = await context.newPage();
  await page.goto(url);
  await page.fill('#identity', identity);
  await page.click('#init');
  await page.waitForSelector('#status[data-status="registered"]', { timeout: STEP_TIMEOUT_MS });
  return page;
}

/** One SDK call: connect → callee incoming, accept → both in call, then hang up. */
async function phoneCall(alice: Page, bob: Page): Promise<{ incoming: number; open: number }> {
  await alice.fill('#destination', 'bob');
  const dialed = await alice.evaluate(() => {
    const at = performance.timeOrigin + performance.now();
    document.getElementById('dial')?.click();
    return at;
  });
  const incoming = await stampOf(bob, 'incoming', dialed);
  const accepted = await bob.evaluate(() => {
    const at = performance.timeOrigin + performance.now();
    document.getElementById('answer')?.click();
    return at;
  });
  const [aliceOpen, bobOpen] = await Promise.all([
    stampOf(alice, 'in-call', accepted),
    stampOf(bob, 'in-call', accepted),
  ]);
  await alice.click('#hangup');
  await Promise.all([
    alice.waitForSelector('#status[data-status="registered"]', { timeout: STEP_TIMEOUT_MS }),
    bob.waitForSelector('#status[data-status="registered"]', { timeout: STEP_TIMEOUT_MS }),
  ]);
  return { incoming: incoming - dialed, open: Math.max(aliceOpen, bobOpen) - accepted };
}

type BaselineWindow = {
  bench: {
    log: Stamp[];
    ready: Promise<void>;
    call(): Promise<number>;
    accept(): Promise<number>;
    hangup(): void;
  };
};

async function baselineCall(
  caller: Page,
  callee: Page,
): Promise<{ incoming: number; open: number }> {
  const started = await caller.evaluate(() => (window as unknown as BaselineWindow).bench.call());
  const incoming = await stampOf(callee, 'incoming', started);
  const accepted = await callee.evaluate(() =>
    (window as unknown as BaselineWindow).bench.accept(),
  );
  const [callerOpen, calleeOpen] = await Promise.all([
    stampOf(caller, 'open', accepted),
    stampOf(callee, 'open', accepted),
  ]);
  await Promise.all(
    [caller, callee].map((page) =>
      page.evaluate(() => (window as unknown as BaselineWindow).bench.hangup()),
    ),
  );
  return { incoming: incoming - started, open: Math.max(callerOpen, calleeOpen) - accepted };
}

/** Serves the baseline page and relays each message from one role to the other. */
async function startBaselineServer() {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(BASELINE_PAGE_HTML);
  });
  const relay = new WebSocketServer({ server, path: '/relay' });
  const peers = new Map<string, WebSocket>();
  relay.on('connection', (socket, request) => {
    const role = new URL(request.url ?? '/', 'http://x').searchParams.get('role') ?? '';
    peers.set(role, socket);
    socket.on('message', (data) => {
      const other = peers.get(role === 'a' ? 'b' : 'a');
      if (other?.readyState === WebSocket.OPEN) other.send(data.toString());
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      for (const socket of relay.clients) socket.terminate();
      relay.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function openBaseline(browser: Browser, url: string, role: string): Promise<Page> {
  const page = await (await browser.newContext(CONTEXT_OPTIONS)).newPage();
  await page.goto(`${url}?role=${role}`);
  await page.evaluate(() => (window as unknown as BaselineWindow).bench.ready);
  return page;
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 20);
  // What `pnpm dev` runs, started the way the e2e specs start it.
  const launched = await launchOfflinePhone();
  const baselineServer = await startBaselineServer();
  const executablePath = chromiumExecutable();
  const browser = await chromium.launch({
    headless: true,
    args: CHROMIUM_ARGS,
    ...(executablePath ? { executablePath } : {}),
  });
  try {
    const phoneUrl = launched.pageUrl;
    const alice = await openPhone(browser, phoneUrl, 'alice');
    const bob = await openPhone(browser, phoneUrl, 'bob');
    const caller = await openBaseline(browser, baselineServer.url, 'a');
    const callee = await openBaseline(browser, baselineServer.url, 'b');
    // One warm-up call each (first getUserMedia, first SDK sounds), then interleaved.
    await phoneCall(alice, bob);
    await baselineCall(caller, callee);
    const phone: { incoming: number; open: number }[] = [];
    const baseline: { incoming: number; open: number }[] = [];
    for (let index = 0; index < calls; index += 1) {
      phone.push(await phoneCall(alice, bob));
      baseline.push(await baselineCall(caller, callee));
    }
    const chromiumVersion = browser.version();
    console.log(`${RESULT_MARK}${JSON.stringify({ phone, baseline, chromiumVersion })}`);
  } finally {
    await browser.close();
    await baselineServer.close();
    await launched.close();
  }
}

await main();
