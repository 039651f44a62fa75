import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@kit/functions/env-file';
import { FUNCTIONS_PACKAGE_DIR } from '@kit/functions/steps-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envFixture } from './support/fixtures.js';
import { expectNoSecrets, failure, freePortPair, runDoctor } from './support/run-doctor.js';

/**
 * Local mode as a learner meets it: `pnpm dev` (the launcher's real script, as
 * a child process) creates a fresh fake `.env` and serves step 04 with the
 * emulator; `pnpm doctor` then finds it running and checks it end to end.
 */
const LAUNCHER_DIR = join(FUNCTIONS_PACKAGE_DIR, '../launcher');

/** `pnpm dev` / `pnpm dev:step N` as the learner runs them, until they print their URLs. */
async function startDev(args: string[], env: Record<string, string>) {
  const child = spawn(join(LAUNCHER_DIR, 'node_modules/.bin/tsx'), ['scripts/dev.ts', ...args], {
    cwd: LAUNCHER_DIR,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + 30_000;
  while (!output.includes('Ctrl-C')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(output);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

describe('pnpm doctor after pnpm dev (local mode)', () => {
  let dir: string;
  let envPath: string;
  let port: number;
  let dev: Awaited<ReturnType<typeof startDev>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kit-doctor-dev-'));
    envPath = join(dir, '.env');
    port = await freePortPair();
    dev = await startDev(['--finished'], { KIT_ENV_FILE: envPath, PORT: String(port) });
    expect(dev.output).toContain('.env がなかったので');
  });

  afterAll(async () => {
    await dev?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is green, uses the running kit, and prints no secret', async () => {
    const result = await runDoctor([], { KIT_ENV_FILE: envPath, PORT: String(port) });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).not.toMatch(/^\s*✗/m);
    expect(result.stdout).toContain('オフラインモード');
    expect(result.stdout).toContain(`✓ PORT ${port} ではキット(pnpm dev)が動いています`);
    expect(result.stdout).toContain(
      `✓ EMULATOR_PORT ${port + 1} ではキットのエミュレーターが動いています`,
    );
    expect(result.stdout).toContain(
      `✓ http://127.0.0.1:${port} で動いているキット(pnpm dev)を確認します`,
    );
    expect(result.stdout).toContain('として登録できました');
    expect(result.stdout).toContain('✓ 署名のない /call は拒否されます(HTTP 401)');
    expect(result.stdout).toContain('<Dial><Client>kit-doctor-callee</Client>');
    const env = parseEnv(await readFile(envPath, 'utf8'));
    expectNoSecrets(result, [env.AUTH_TOKEN ?? '', env.API_SECRET ?? '']);
  });

  it('--json gives the same checks as data', async () => {
    const result = await runDoctor(['--json'], { KIT_ENV_FILE: envPath, PORT: String(port) });
    expect(result.code, result.output).toBe(0);
    const report = JSON.parse(result.stdout) as {
      schema: number;
      ok: boolean;
      mode: string;
      step: { number: number };
      summary: { fail: number };
      checks: { id: string; group: string; status: string; message: string }[];
    };
    expect(report).toMatchObject({ schema: 1, ok: true, mode: 'local', step: { number: 4 } });
    expect(report.summary.fail).toBe(0);
    const ids = report.checks.map((check) => check.id);
    for (const id of [
      'machine.node',
      'machine.port',
      'env.API_KEY',
      'local.token',
      'local.emulator',
      'local.call-signed',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('tells a running kit that uses other credentials to restart', async () => {
    // The learner edited .env after starting pnpm dev: the running server signs with the old secret.
    const fixture = await envFixture();
    try {
      const result = await runDoctor([], { KIT_ENV_FILE: fixture.envPath, PORT: String(port) });
      expect(result.code).toBe(1);
      const { fix } = failure(result, 'トークンの中身が違います');
      expect(fix).toContain('もう一度 pnpm dev');
      expectNoSecrets(result, fixture.secrets);
    } finally {
      await fixture.close();
    }
  });
});

describe('pnpm doctor with a port held by another program', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    port = await freePortPair();
    server = createServer((_req, res) => res.writeHead(404).end('not the kit'));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  });

  afterAll(() => {
    server.close();
  });

  it('fails the port check with the way around it, and still checks the step on free ports', async () => {
    const fixture = await envFixture();
    try {
      const result = await runDoctor([], { KIT_ENV_FILE: fixture.envPath, PORT: String(port) });
      expect(result.code).toBe(1);
      const { fix } = failure(result, `PORT ${port} は別のプログラムが使っています`);
      // A pair that is free now, past the ports in use.
      const [, suggested = '', suggestedEmulator = ''] =
        /^PORT=(\d+) EMULATOR_PORT=(\d+) pnpm dev/.exec(fix) ?? [];
      expect(fix).toContain('そのポートを使っているプログラムを止める');
      expect(Number(suggested)).toBeGreaterThan(port + 1);
      expect(Number(suggestedEmulator)).toBe(Number(suggested) + 1);
      expect(result.stdout).toContain('を一時的に起動しました');
      expect(result.stdout).toContain('として登録できました');
      expect(result.stdout.match(/^\s*✗/gm)).toHaveLength(1);
      expectNoSecrets(result, fixture.secrets);
    } finally {
      await fixture.close();
    }
  });
});

describe('pnpm doctor while another step runs on PORT', () => {
  it('warns, and checks step 04 on ports of its own', async () => {
    const fixture = await envFixture();
    const port = await freePortPair();
    const dev = await startDev(['3'], { KIT_ENV_FILE: fixture.envPath, PORT: String(port) });
    try {
      const result = await runDoctor([], { KIT_ENV_FILE: fixture.envPath, PORT: String(port) });
      expect(result.code, result.output).toBe(0);
      expect(result.stdout).toContain(
        `⚠ 動いているキット(PORT ${port} の step-03(完成コード))は step-04(完成コード) ではありません`,
      );
      expect(result.stdout).toContain('→ pnpm dev:step 4');
      expect(result.stdout).toContain('✓ step-04 を一時的に起動しました');
    } finally {
      await dev.stop();
      await fixture.close();
    }
  });
});
