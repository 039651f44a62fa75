import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@kit/shared/ports';
import { type CommandRun, runCommand } from '@kit/shared/testing';
import { expect } from 'vitest';
import { doctorMain } from '../../src/main.js';

export const DOCTOR_DIR = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** What the command printed and how it ended. */
export type DoctorResult = CommandRun;

/** The environment the command reads: only what the test gives it, never the developer's shell. */
function doctorEnv(env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NO_COLOR: '1',
    // As pnpm announces itself to the scripts it runs (saves spawning `pnpm --version`).
    npm_config_user_agent: process.env.npm_config_user_agent ?? '',
    // Fails closed: a request meant for Twilio that a test did not route to the fake goes nowhere.
    HTTP_PROXY: 'http://127.0.0.1:9',
    ...env,
  };
}

/**
 * Read from the process environment by the libraries the doctor uses (`twilio`
 * and `requestText` for HTTP_PROXY, the launcher for KIT_WORKSPACE_DIR and
 * CHROMIUM_PATH): for the length of one in-process run they hold what a child
 * would have been given.
 */
const PROCESS_ENV = [
  'HTTP_PROXY',
  'KIT_WORKSPACE_DIR',
  'CHROMIUM_PATH',
  'TWILIO_EDGE',
  'TWILIO_REGION',
] as const;

/**
 * `pnpm run doctor` in this process: the same `doctorMain` the bin calls, with
 * a clean environment, its output collected and its exit code returned. A
 * child process and `tsx` cost seconds per run; `runDoctorChild` keeps one
 * smoke test of the real bin.
 */
export async function runDoctor(
  args: string[],
  env: Record<string, string>,
): Promise<DoctorResult> {
  const commandEnv = doctorEnv(env);
  let stdout = '';
  let stderr = '';
  const saved = PROCESS_ENV.map((name) => [name, process.env[name]] as const);
  for (const name of PROCESS_ENV) {
    const value = commandEnv[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    const code = await doctorMain(args, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      env: commandEnv,
    });
    return { code, stdout, stderr, output: `${stdout}\n${stderr}` };
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The real bin as a child process (`node --import tsx src/cli.ts`): exit codes as a user sees them. */
export function runDoctorChild(args: string[], env: Record<string, string>): Promise<DoctorResult> {
  return runCommand(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: DOCTOR_DIR,
    env: {
      ...doctorEnv(env),
      ...(process.env.NODE_V8_COVERAGE && { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE }),
    },
  });
}

/** The ✗ line that contains `text`, and the fix printed under it. */
export function failure(result: DoctorResult, text: string): { line: string; fix: string } {
  const lines = result.stdout.split('\n');
  const index = lines.findIndex((line) => line.trimStart().startsWith('✗') && line.includes(text));
  expect(index, `no ✗ line with "${text}" in:\n${result.output}`).toBeGreaterThanOrEqual(0);
  const fix = lines[index + 1]?.trim() ?? '';
  expect(fix.startsWith('→'), `no fix under the ✗ line in:\n${result.output}`).toBe(true);
  return { line: lines[index] ?? '', fix: fix.replace(/^→\s*/, '') };
}

/** No secret value, not even redacted (a redaction means a check tried to print one). */
export function expectNoSecrets(result: DoctorResult, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(result.output).not.toContain(secret);
    expect(result.output).not.toContain(secret.slice(0, 8));
  }
  expect(result.output).not.toContain('[秘密]');
}

export { freePort };

/** Two consecutive free ports (PORT and the default EMULATOR_PORT = PORT + 1). */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const probe = createServer().listen(port + 1, '127.0.0.1');
    const ok = await new Promise<boolean>((resolve) => {
      probe.once('listening', () => resolve(true));
      probe.once('error', () => resolve(false));
    });
    if (ok) {
      probe.close();
      return port;
    }
  }
}
