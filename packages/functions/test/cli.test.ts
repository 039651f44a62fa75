import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, runMainInProcess, usageProblem } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSignedMain } from '../src/call-signed.js';
import { stepMain } from '../src/learner/step-cli.js';
import { FUNCTIONS_PACKAGE_DIR } from '../src/steps-dir.js';

/**
 * The command lines of `pnpm step:*` (scripts/step.ts) and `pnpm call:signed`
 * (scripts/call-signed.ts), read strictly: a misspelt option or a missing value
 * stops the command with exit 2 and its usage, before it touches the learner's
 * folder or sends anything.
 */

let scratch: string;
let workspace: string;
let envFile: string;
let server: Server;
let requestsReceived = 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-functions-cli-'));
  workspace = join(scratch, 'workspace');
  envFile = join(scratch, '.env');
  await writeFile(envFile, 'AUTH_TOKEN=0123456789abcdef0123456789abcdef\n');
  // Where call:signed would send its request: it must never get one here.
  server = createServer((_request, response) => {
    requestsReceived += 1;
    response.end('<Response/>');
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(async () => {
  server.close();
  await rm(scratch, { recursive: true, force: true });
});

function runScript(script: string, args: string[]) {
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  return runCommand(join(FUNCTIONS_PACKAGE_DIR, 'node_modules/.bin/tsx'), [script, ...args], {
    cwd: FUNCTIONS_PACKAGE_DIR,
    env: {
      ...process.env,
      FORCE_COLOR: '0',
      KIT_WORKSPACE_DIR: workspace,
      KIT_ENV_FILE: envFile,
      PORT: String(port),
    },
  });
}

/** The reason, then the usage: Japanese (使い方) before English (usage). */
function expectUsage(stderr: string, reason: string, command: string): void {
  expect(usageProblem(stderr, reason, `pnpm ${command}`)).toBeUndefined();
}

/** `pnpm step:*` in this process (stepMain, what the bin runs), its output collected. */
function stepInProcess(args: string[]) {
  return runMainInProcess(() => stepMain(args), { KIT_WORKSPACE_DIR: workspace });
}

/** `pnpm call:signed` in this process, with the scratch .env and the listening server's PORT. */
function runCallSigned(args: string[]) {
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  return runMainInProcess(() => callSignedMain(args), {
    KIT_ENV_FILE: envFile,
    PORT: String(port),
  });
}

describe('pnpm step:* command line', { timeout: 60_000 }, () => {
  it.each([
    [['start', '3', '--froce'], '--froce'],
    [['check', '3', '--froce'], '--froce'],
    [['diff', '--froce', '3'], '--froce'],
    [['solution', '3', '--froce'], '--froce'],
    // Each subcommand takes only its own options.
    [['check', '3', '--reference'], '--reference'],
  ])('refuses %j with the usage (exit 2), leaving the folder alone', async (args, option) => {
    const result = await stepInProcess(args);
    expect(result.code, result.stderr).toBe(2);
    expectUsage(result.stderr, `知らないオプションです: ${option}`, 'step:start');
    expect(result.stdout).toBe('');
    expect(existsSync(workspace)).toBe(false);
  });

  it('lists the steps for a bad step number (exit 2)', async () => {
    const result = await stepInProcess(['start', '9']);
    expect(result.code).toBe(2);
    expectUsage(
      result.stderr,
      '手順 9 はありません。手順番号を指定してください(例: pnpm step:start 3)。',
      'step:start',
    );
    expect(result.stderr).toContain('  5: ');
    expect(existsSync(workspace)).toBe(false);
  });

  it('prints the usage on stdout for --help (exit 0)', async () => {
    const result = await stepInProcess(['start', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('使い方: pnpm step:start')).toBe(true);
    expect(result.stdout).toContain('(usage: pnpm step:start');
    expect(existsSync(workspace)).toBe(false);
  });

  it('stops the real bin with exit 2 and the usage on stderr', async () => {
    const result = await runScript('scripts/step.ts', ['start', '3', '--froce']);
    expect(result.code, result.stderr).toBe(2);
    expectUsage(result.stderr, '知らないオプションです: --froce', 'step:start');
    expect(result.stdout).toBe('');
    expect(existsSync(workspace)).toBe(false);
  });
});

describe('pnpm call:signed command line', { timeout: 60_000 }, () => {
  it.each([
    [['To=bob', '--froce'], '知らないオプションです: --froce'],
    [['To=bob', '--path'], '--path の後にパス(例: /call)を指定してください。'],
    [['--path', '--print', 'To=bob'], '--path の後にパス(例: /call)を指定してください。'],
  ])('refuses %j with the usage (exit 2), sending nothing', async (args, reason) => {
    const result = await runCallSigned(args);
    expect(result.code, result.stderr).toBe(2);
    expectUsage(result.stderr, reason, 'call:signed');
    expect(result.stdout).toBe('');
    expect(requestsReceived).toBe(0);
  });
});
