import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from '@kit/functions/env-file';
import { isFakeSid } from '@kit/functions/local-env';
import { FUNCTIONS_PACKAGE_DIR } from '@kit/functions/steps-dir';
import { findRunningKits, runningKitsDir } from '@kit/shared/kits';
import { acceptsConnections, freePort } from '@kit/shared/ports';
import { startCommand } from '@kit/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { devInProcess, type InProcessDev } from './support/dev-in-process.js';

/**
 * `pnpm dev` / `pnpm dev:step N`: the first test runs the bin as a user does (a
 * child process, its output, its exit code on SIGINT); the others run the same
 * command in this process (`startDev`, what the bin calls), which spares a
 * child and a `tsx` start each.
 */
const LAUNCHER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const running: ChildProcess[] = [];
const inProcess: InProcessDev[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill('SIGTERM');
  for (const kit of inProcess.splice(0)) await kit.stop();
});

function dev(args: string[], env: Record<string, string>): InProcessDev {
  const run = devInProcess(args, env);
  inProcess.push(run);
  return run;
}

function devChild(args: string[], env: Record<string, string>) {
  const run = startCommand(
    join(LAUNCHER_DIR, 'node_modules/.bin/tsx'),
    ['scripts/dev.ts', ...args],
    {
      cwd: LAUNCHER_DIR,
      env: { ...process.env, FORCE_COLOR: '0', ...env },
    },
  );
  running.push(run.child);
  return run;
}

const scratchEnvFile = async () => join(await mkdtemp(join(tmpdir(), 'kit-dev-')), '.env');

describe('pnpm dev:step', { timeout: 150_000 }, () => {
  it('creates a local .env with visibly fake credentials, then serves step 3 with the emulator', async () => {
    const envFile = await scratchEnvFile();
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const run = devChild(['3'], {
      KIT_ENV_FILE: envFile,
      PORT: String(port),
      EMULATOR_PORT: String(emulatorPort),
    });
    await run.waitFor('Ctrl-C');
    expect(run.output()).toContain(`http://localhost:${port}/voice-token`);
    expect(run.output()).toContain(`http://localhost:${port}/call  (Protected`);
    expect(run.output()).toContain(`ws://127.0.0.1:${emulatorPort}/signal`);

    const written = parseEnv(await readFile(envFile, 'utf8'));
    for (const name of ['ACCOUNT_SID', 'API_KEY', 'TWIML_APP_SID'] as const) {
      expect(isFakeSid(written[name] ?? ''), name).toBe(true);
    }
    expect(written.API_SECRET).toMatch(/^[0-9a-f]{32}$/);

    // The Functions know nothing of the emulator; the kit's server tells the phone.
    const response = await fetch(`http://localhost:${port}/voice-token?identity=alice`);
    const body = await response.json();
    expect(body).toMatchObject({ identity: 'alice' });
    expect(body).not.toHaveProperty('emulator');
    const discovery = await fetch(`http://localhost:${port}/kit/emulator.json`);
    expect(discovery.headers.get('cache-control')).toBe('no-store');
    expect(await discovery.json()).toEqual({ signalingHost: `127.0.0.1:${emulatorPort}` });
    expect(await acceptsConnections(emulatorPort)).toBe(true);
    expect(run.output()).toContain('200 GET /voice-token');
    for (const secret of [written.API_SECRET, written.AUTH_TOKEN])
      expect(run.output()).not.toContain(secret);

    // It leaves its port beside the .env and says what it serves, for call:signed and the doctor.
    const kits = await findRunningKits(runningKitsDir(envFile));
    expect(kits.map((kit) => [kit.port, kit.info?.step, kit.info?.workspace])).toEqual([
      [port, 'step-03', false],
    ]);

    run.child.kill('SIGINT');
    expect(await run.exit()).toBe(0);
    expect(await acceptsConnections(emulatorPort)).toBe(false);
    expect(await readdir(runningKitsDir(envFile))).toEqual([]);
  });

  it('serves the finished phone at its Console path for pnpm dev', async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const run = dev(['--finished'], {
      KIT_ENV_FILE: await scratchEnvFile(),
      PORT: String(port),
      EMULATOR_PORT: String(emulatorPort),
    });
    await run.waitFor('Ctrl-C');
    expect(run.output()).toContain(`ブラウザ電話: http://localhost:${port}/index.html\n`);
    const page = await fetch(`http://localhost:${port}/index.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>ブラウザ電話</title>');
    expect(await (await fetch(`http://localhost:${port}/kit/emulator.json`)).json()).toEqual({
      signalingHost: `127.0.0.1:${emulatorPort}`,
    });
  });

  it('never overwrites an existing .env, and names what it lacks', async () => {
    const envFile = await scratchEnvFile();
    const mine = '# mine\nACCOUNT_SID=AC0000000000000000aaaaaaaaaaaaaaaa\n';
    await writeFile(envFile, mine);
    const run = dev(['3'], { KIT_ENV_FILE: envFile, PORT: String(await freePort()) });
    expect(await run.exit()).toBe(1);
    expect(run.output()).toContain('API_KEY, API_SECRET, TWIML_APP_SID');
    expect(run.output()).toContain('AUTH_TOKEN');
    expect(await readFile(envFile, 'utf8')).toBe(mine);
  });

  it('stops with a clear message when a port is busy, instead of prompting', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const address = busy.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const run = dev(['1'], { KIT_ENV_FILE: await scratchEnvFile(), PORT: String(address.port) });
      expect(await run.exit()).toBe(1);
      expect(run.output()).toContain(`ポート ${address.port} は使用中です`);
      expect(run.output()).toContain(`PORT=${address.port + 2} pnpm dev:step 1`);
      const emulatorBusy = dev(['4'], {
        KIT_ENV_FILE: await scratchEnvFile(),
        PORT: String(await freePort()),
        EMULATOR_PORT: String(address.port),
      });
      expect(await emulatorBusy.exit()).toBe(1);
      expect(emulatorBusy.output()).toContain(`EMULATOR_PORT=${address.port + 2}`);
    } finally {
      busy.close();
    }
  });

  it.each([[['9']], [['abc']], [[]]])(
    'lists the steps for a bad step argument %j (a usage error: exit 2)',
    async (args) => {
      const run = dev(args, { KIT_ENV_FILE: await scratchEnvFile() });
      expect(await run.exit()).toBe(2);
      expect(run.output()).toContain('手順番号を指定してください(例: pnpm dev:step 3)');
      expect(run.output()).toContain('5: ');
    },
  );

  it('refuses to start with a bad TOKEN_TTL_SECONDS', async () => {
    const run = dev(['3'], {
      KIT_ENV_FILE: await scratchEnvFile(),
      PORT: String(await freePort()),
      TOKEN_TTL_SECONDS: '999999',
    });
    expect(await run.exit()).toBe(1);
    expect(run.output()).toContain('TOKEN_TTL_SECONDS は 30〜86400');
  });

  it('serves the learner’s own folder with --workspace', async () => {
    const scratchRoot = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
    await mkdir(scratchRoot, { recursive: true });
    const scratch = await mkdtemp(join(scratchRoot, 'launcher-'));
    try {
      const workspace = join(scratch, 'workspace');
      await mkdir(join(workspace, 'src/functions'), { recursive: true });
      await writeFile(
        join(workspace, 'src/functions/hello-json.ts'),
        // The runtime's own idiom, as the build requires of a Function file.
        'exports.handler = function (_context: Context, _event: object, callback: ServerlessCallback) {\n  callback(null, { mine: true });\n};\n',
      );
      const port = await freePort();
      // A child, as a user runs it: this folder has no package.json of its own, so its
      // compiled CommonJS sits under @kit/functions' "type": "module", which the bin's tsx
      // loads and a Vitest worker's plain require() refuses.
      const run = devChild(['1', '--workspace'], {
        KIT_ENV_FILE: await scratchEnvFile(),
        KIT_WORKSPACE_DIR: workspace,
        PORT: String(port),
      });
      await run.waitFor('Ctrl-C');
      expect(run.output()).toContain('作業フォルダー');
      expect(await (await fetch(`http://localhost:${port}/hello-json`)).json()).toEqual({
        mine: true,
      });
      const about = await (await fetch(`http://localhost:${port}/kit/server.json`)).json();
      expect(about).toMatchObject({ step: 'step-01', workspace: true });
      // No /call, no emulator: the path is the runtime's 404, as on Twilio.
      expect((await fetch(`http://localhost:${port}/kit/emulator.json`)).status).toBe(404);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
