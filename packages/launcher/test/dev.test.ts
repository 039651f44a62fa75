import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../src/env-file.js';
import { isFakeSid } from '../src/local-env.js';
import { FUNCTIONS_PACKAGE_DIR } from '../src/steps-dir.js';

/** `pnpm dev:step N` as a user runs it: a child process, its output, its exit code. */
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGTERM');
});

function devStep(args: string[], env: Record<string, string>) {
  const child = spawn(
    join(FUNCTIONS_PACKAGE_DIR, 'node_modules/.bin/tsx'),
    ['scripts/dev-step.ts', ...args],
    {
      cwd: FUNCTIONS_PACKAGE_DIR,
      env: { ...process.env, FORCE_COLOR: '0', ...env },
    },
  );
  running.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    child,
    output: () => output,
    exit: async () => {
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
    waitFor: async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!output.includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no "${text}" in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const scratchEnvFile = async () => join(await mkdtemp(join(tmpdir(), 'kit-dev-')), '.env');

describe('pnpm dev:step', { timeout: 30_000 }, () => {
  it('creates a local .env with visibly fake credentials, then serves the step on PORT', async () => {
    const envFile = await scratchEnvFile();
    const port = await freePort();
    const dev = devStep(['3'], { KIT_ENV_FILE: envFile, PORT: String(port) });
    await dev.waitFor('Ctrl-C');
    expect(dev.output()).toContain(`http://localhost:${port}/voice-token`);
    expect(dev.output()).toContain(`http://localhost:${port}/call  (Protected`);

    const written = parseEnv(await readFile(envFile, 'utf8'));
    for (const name of ['ACCOUNT_SID', 'API_KEY', 'TWIML_APP_SID'] as const) {
      expect(isFakeSid(written[name] ?? ''), name).toBe(true);
    }
    expect(written.API_SECRET).toMatch(/^[0-9a-f]{32}$/);
    for (const secret of [written.API_SECRET, written.AUTH_TOKEN]) {
      expect(dev.output()).not.toContain(secret);
    }

    const response = await fetch(`http://localhost:${port}/voice-token?identity=alice`);
    expect(response.status).toBe(200);
    expect(dev.output()).toContain('200 GET /voice-token');
    dev.child.kill('SIGINT');
    expect(await dev.exit()).toBe(0);
  });

  it('never overwrites an existing .env', async () => {
    const envFile = await scratchEnvFile();
    const mine = '# mine\nACCOUNT_SID=AC0000000000000000aaaaaaaaaaaaaaaa\n';
    await writeFile(envFile, mine);
    const dev = devStep(['3'], { KIT_ENV_FILE: envFile, PORT: String(await freePort()) });
    expect(await dev.exit()).toBe(1);
    expect(dev.output()).toContain('API_KEY, API_SECRET, TWIML_APP_SID');
    expect(dev.output()).toContain('AUTH_TOKEN');
    expect(await readFile(envFile, 'utf8')).toBe(mine);
  });

  it('stops with a clear message when the port is busy, instead of prompting', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const address = busy.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const dev = devStep(['1'], {
        KIT_ENV_FILE: await scratchEnvFile(),
        PORT: String(address.port),
      });
      expect(await dev.exit()).toBe(1);
      expect(dev.output()).toContain(`ポート ${address.port} は使用中です`);
      expect(dev.output()).toContain(`PORT=${address.port + 1} pnpm dev:step 1`);
    } finally {
      busy.close();
    }
  });

  it.each([[['9']], [['abc']], [[]]])(
    'lists the steps for a bad step argument %j',
    async (args) => {
      const dev = devStep(args, { KIT_ENV_FILE: await scratchEnvFile() });
      expect(await dev.exit()).toBe(1);
      expect(dev.output()).toContain('ステップ番号を指定してください');
      expect(dev.output()).toContain('5: ');
    },
  );

  it('refuses to start with a bad TOKEN_TTL_SECONDS', async () => {
    const dev = devStep(['3'], {
      KIT_ENV_FILE: await scratchEnvFile(),
      PORT: String(await freePort()),
      TOKEN_TTL_SECONDS: '999999',
    });
    expect(await dev.exit()).toBe(1);
    expect(dev.output()).toContain('TOKEN_TTL_SECONDS は 1〜86400');
  });
});
