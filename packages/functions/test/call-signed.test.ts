import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findStep, KIT_SERVER_INFO_PATH, type KitServerInfo } from '@kit/shared';
import { advertiseKit, runningKitsDir } from '@kit/shared/kits';
import { freePort } from '@kit/shared/ports';
import { type CommandRun, runCommand, runMainInProcess } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSignedMain } from '../src/call-signed.js';
import { writeLocalEnvFile } from '../src/env-file.js';
import { type StepServer, startStepServer } from '../src/server/index.js';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '../src/steps-dir.js';
import { testCredentials } from './support/credentials.js';

/**
 * `pnpm call:signed` (scripts/call-signed.ts) as an attendee runs it: a child
 * process against one real step-03 server on a free port, with the AUTH_TOKEN
 * of a scratch `.env` (KIT_ENV_FILE), never the developer's.
 */

const REPO_ROOT = join(FUNCTIONS_PACKAGE_DIR, '../..');
const credentials = testCredentials();

/** Runs a child to its end; whatever it printed must not hold a secret of the `.env`. */
async function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<CommandRun> {
  const result = await runCommand(command, args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NO_COLOR: '1',
      ...(process.env.NODE_V8_COVERAGE && { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE }),
      // Under `pnpm test` the kit is built already: without this, the bin's own turbo build
      // (no daemon in CI) restores the phone's dist/ while other tests are reading it.
      ...(process.env.KIT_PREBUILT && { KIT_PREBUILT: process.env.KIT_PREBUILT }),
      ...env,
    },
  });
  for (const secret of [credentials.AUTH_TOKEN, credentials.API_SECRET]) {
    expect(result.output).not.toContain(secret);
  }
  return result;
}

/** The package's script, as the root command runs it (without pnpm's own start-up): a child process. */
function callSignedBin(args: string[], env: Record<string, string>): Promise<CommandRun> {
  return run(
    process.execPath,
    ['--import', 'tsx', 'scripts/call-signed.ts', ...args],
    FUNCTIONS_PACKAGE_DIR,
    env,
  );
}

/**
 * The command's own code, run in this process (runCommandInProcess) with the
 * environment a child would get: the bin itself runs in two tests (from the
 * repository root through pnpm, and for exit code 1), the rest call the code.
 */
async function callSigned(args: string[], env: Record<string, string>): Promise<CommandRun> {
  const result = await runMainInProcess(() => callSignedMain(args), {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    NO_COLOR: '1',
    ...env,
  });
  for (const secret of [credentials.AUTH_TOKEN, credentials.API_SECRET]) {
    expect(result.output).not.toContain(secret);
  }
  return result;
}

/** The status line, content type and body the command printed for the answer. */
function answerOf(stdout: string): { statusLine: string; contentType: string; body: string } {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => line.startsWith('HTTP/'));
  expect(at, `no status line in:\n${stdout}`).toBeGreaterThan(0);
  expect(lines[at + 2]).toBe('');
  return {
    statusLine: lines[at] ?? '',
    contentType: (lines[at + 1] ?? '').replace(/^Content-Type: /, ''),
    body: lines
      .slice(at + 3)
      .join('\n')
      .trimEnd(),
  };
}

/**
 * A kit as the discovery sees it: it says what it serves at /kit/server.json,
 * and counts every other request (a kit that was not chosen must get none).
 */
async function fakeKit(info: Omit<KitServerInfo, 'kit'>): Promise<{
  port: number;
  otherRequests: () => number;
  close: () => void;
}> {
  let other = 0;
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === KIT_SERVER_INFO_PATH) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ kit: 'browser-phone-kit', ...info }));
      return;
    }
    other += 1;
    response.writeHead(404).end();
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    otherRequests: () => other,
    close: () => server.close(),
  };
}

const DIALS_BOB =
  '<Response><Dial callerId="client:alice" answerOnBridge="true"><Client>bob</Client></Dial></Response>';
const REFUSES =
  '<Response><Say language="ja-JP">宛先が正しくないため、発信できません。</Say><Hangup/></Response>';

// Each test is a few child processes against the one server: run them side by side.
describe('pnpm call:signed', { timeout: 120_000, concurrent: true }, () => {
  let server: StepServer;
  let scratch: string;
  let env: Record<string, string>;
  /** Each discovery test gets its own `.env` folder, so the kits it advertises are its own. */
  let discoveryDirs = 0;
  async function discoveryEnv(ports: number[]): Promise<Record<string, string>> {
    discoveryDirs += 1;
    const dir = join(scratch, `discovery-${discoveryDirs}`);
    const envFile = join(dir, '.env');
    await mkdir(dir);
    await writeLocalEnvFile(envFile, credentials);
    for (const port of ports) advertiseKit(runningKitsDir(envFile), port);
    return { KIT_ENV_FILE: envFile };
  }

  beforeAll(async () => {
    const step = findStep('step-03');
    if (!step) throw new Error('no step-03');
    scratch = await mkdtemp(join(tmpdir(), 'kit-call-signed-'));
    const envFile = join(scratch, '.env');
    await writeLocalEnvFile(envFile, credentials);
    server = await startStepServer({
      stepDir: referenceStepDir(step),
      env: { ...credentials },
      about: { step: 'step-03', workspace: false },
    });
    env = { KIT_ENV_FILE: envFile, PORT: String(server.port) };
  });

  afterAll(async () => {
    await server?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('signs To=bob From=client:alice, run from the repository root, and gets the <Dial><Client> TwiML', async () => {
    const result = await run(
      'pnpm',
      ['--silent', 'call:signed', 'To=bob', 'From=client:alice'],
      REPO_ROOT,
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`POST http://127.0.0.1:${server.port}/call\n`);
    expect(result.stdout).toContain('To=bob&From=client%3Aalice\n');
    const answer = answerOf(result.stdout);
    expect(answer.statusLine).toBe('HTTP/1.1 200 OK');
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(answer.body).toBe(`<?xml version="1.0" encoding="UTF-8"?>${DIALS_BOB}`);
  });

  it('sends + as + (not a space): To=+819012345678 is refused by /call, not by the signature check', async () => {
    const result = await callSigned(['To=+819012345678', 'From=client:alice'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('To=%2B819012345678&From=client%3Aalice\n');
    const answer = answerOf(result.stdout);
    expect(answer.statusLine).toBe('HTTP/1.1 200 OK');
    expect(answer.body).toContain(REFUSES);
    expect(result.stdout).not.toContain('signature_invalid');
  });

  it('signs a repeated field as Twilio does (a list), so /call sees the array and refuses it', async () => {
    const result = await callSigned(['To=bob', 'To=carol', 'From=client:alice'], env);
    expect(result.code).toBe(0);
    expect(answerOf(result.stdout).body).toContain(REFUSES);
  });

  it('--print shows a curl command that, run by a shell, gets the same answer', async () => {
    const check = async (to: string) => {
      const args = [`To=${to}`, 'From=client:alice'];
      const printed = await callSigned(['--print', ...args], env);
      expect(printed.code).toBe(0);
      expect(printed.stderr).toBe('');
      expect(printed.stdout).toContain(
        `curl -sS -i -X POST 'http://127.0.0.1:${server.port}/call'`,
      );
      expect(printed.stdout).toMatch(/-H 'X-Twilio-Signature: [A-Za-z0-9+/]+=*'/);
      expect(printed.stdout).toContain(`--data-urlencode 'To=${to}'`);
      expect(printed.stdout).toContain("--data-urlencode 'From=client:alice'");

      const curl = await run('sh', ['-c', printed.stdout], scratch, {});
      expect(curl.code, curl.stderr).toBe(0);
      const separator = curl.stdout.indexOf('\r\n\r\n');
      const [statusLine] = curl.stdout.slice(0, separator).split('\r\n');
      const sent = answerOf((await callSigned(args, env)).stdout);
      expect(statusLine).toBe(sent.statusLine);
      expect(curl.stdout.slice(separator + 4).trimEnd()).toBe(sent.body);
    };
    await Promise.all([check('bob'), check('+819012345678')]);
  });

  it.each([
    [['--bogus', 'To=bob'], 'オプション'],
    [['Tobob'], 'KEY=VALUE'],
    [['--path'], '--path'],
    [['--path', 'call', 'To=bob'], '/ で始まるパス'],
    [['--port', '30x0', 'To=bob'], '--port は 1〜65535 の数値で指定してください(指定値: 30x0)'],
  ])('stops with the usage for %j (exit 2)', async (args, japanese) => {
    const result = await callSigned(args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(japanese);
    expect(result.stderr).toContain('使い方: pnpm call:signed');
    expect(result.stderr).toContain('(usage: pnpm call:signed');
  });

  it('says how to start the server when nothing listens on PORT (exit 1, no stack trace)', async () => {
    const closed = await freePort();
    // The bin itself: its exit code and stderr as a shell sees them.
    const result = await callSignedBin(['To=bob', 'From=client:alice'], {
      ...env,
      PORT: String(closed),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`http://127.0.0.1:${closed} に接続できません`);
    expect(result.stderr).toContain(`PORT=${closed} pnpm dev:step 3`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('finds the running kit on its port without PORT, and says which one it sends to', async () => {
    const result = await callSigned(
      ['To=bob', 'From=client:alice'],
      await discoveryEnv([server.port]),
    );
    expect(result.code, result.output).toBe(0);
    expect(result.stderr).toContain(`ℹ PORT ${server.port} の step-03(完成コード)に送ります`);
    expect(result.stderr).toContain(`(sending to the kit on port ${server.port})`);
    expect(result.stdout).toContain(`POST http://127.0.0.1:${server.port}/call\n`);
    expect(answerOf(result.stdout).body).toContain(DIALS_BOB);
  });

  it('picks the one kit that serves /call beside a kit of another step', async () => {
    const tokenOnly = await fakeKit({
      step: 'step-02',
      workspace: true,
      functions: [{ path: '/token', visibility: 'public' }],
    });
    try {
      const env = await discoveryEnv([tokenOnly.port, server.port]);
      const result = await callSigned(['To=bob', 'From=client:alice'], env);
      expect(result.code, result.output).toBe(0);
      expect(result.stdout).toContain(`POST http://127.0.0.1:${server.port}/call\n`);
      expect(tokenOnly.otherRequests()).toBe(0);
    } finally {
      tokenOnly.close();
    }
  });

  it('names the kits and sends nothing when several serve /call (exit 1)', async () => {
    const workspace = await fakeKit({
      step: 'step-04',
      workspace: true,
      functions: [{ path: '/call', visibility: 'protected' }],
    });
    try {
      const env = await discoveryEnv([server.port, workspace.port]);
      const result = await callSigned(['To=bob'], env);
      expect(result.code, result.output).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('/call に答えるキットがいくつも動いています');
      expect(result.stderr).toContain(
        `--port ${server.port}  PORT ${server.port} の step-03(完成コード)`,
      );
      expect(result.stderr).toContain(
        `--port ${workspace.port}  PORT ${workspace.port} の step-04(作業フォルダー)`,
      );
      expect(result.stderr).toContain('choose one with --port N');
      expect(workspace.otherRequests()).toBe(0);
    } finally {
      workspace.close();
    }
  });

  it('--port chooses the kit, over PORT and without looking for others', async () => {
    const closed = await freePort();
    const env = { ...(await discoveryEnv([])), PORT: String(closed) };
    const result = await callSigned(['--port', String(server.port), 'To=bob'], env);
    expect(result.code, result.output).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`POST http://127.0.0.1:${server.port}/call\n`);
  });

  it('says how to start a kit when none runs and PORT is not set (exit 1)', async () => {
    const result = await callSigned(['To=bob'], await discoveryEnv([]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('動いているキットが見つかりません');
    expect(result.stderr).toContain('pnpm dev:step 3');
    expect(result.stderr).toContain('--port N');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('says that pnpm dev creates the .env when there is none (exit 1)', async () => {
    const result = await callSigned(['To=bob'], {
      ...env,
      KIT_ENV_FILE: join(scratch, 'missing', '.env'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('.env がありません');
    expect(result.stderr).toContain('pnpm dev');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
