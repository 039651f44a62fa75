import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS_PACKAGE_DIR } from '@kit/functions/steps-dir';
import { acceptsConnections, freePort } from '@kit/shared/ports';
import { startCommand } from '@kit/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `pnpm dev` and `pnpm dev:step N` as an IDE, a test harness or a process
 * manager stops them: one signal, sent to the `pnpm` process alone (it runs in
 * a process group of its own here, so nothing else receives it). Everything it
 * started must stop: the step server, the emulator, and pnpm itself.
 */
const REPO_ROOT = join(FUNCTIONS_PACKAGE_DIR, '../..');
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    // Whatever a failed test left behind: the whole group, so no server outlives it.
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  }
});

async function startPnpm(args: string[], port: number, emulatorPort: number) {
  const pnpm = startCommand('pnpm', args, {
    cwd: REPO_ROOT,
    detached: true,
    env: {
      ...process.env,
      FORCE_COLOR: '0',
      PORT: String(port),
      EMULATOR_PORT: String(emulatorPort),
      KIT_ENV_FILE: join(await mkdtemp(join(tmpdir(), 'kit-signal-')), '.env'),
    },
  });
  started.push(pnpm.child);
  await pnpm.waitFor('Ctrl-C', 120_000);
  return pnpm.child;
}

describe.each([
  ['SIGTERM', ['dev']],
  ['SIGINT', ['dev:step', '3']],
  ['SIGTERM', ['dev:step', '3']],
] as const)('%s to pnpm %s alone', { timeout: 180_000 }, (signal, args) => {
  it('stops the step server, the emulator and pnpm', async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const pnpm = await startPnpm([...args], port, emulatorPort);
    expect(await acceptsConnections(port)).toBe(true);
    expect(await acceptsConnections(emulatorPort)).toBe(true);

    const exited = once(pnpm, 'exit');
    pnpm.kill(signal);
    await exited;
    // The servers close before their process exits; allow the last one a moment.
    const deadline = Date.now() + 10_000;
    while ((await acceptsConnections(port)) || (await acceptsConnections(emulatorPort))) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await acceptsConnections(port), `port ${port} still served`).toBe(false);
    expect(await acceptsConnections(emulatorPort), `emulator ${emulatorPort} still up`).toBe(false);
  });
});
