import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@kit/shared/ports';
import { type CommandRun, runCommand } from '@kit/shared/testing';
import { expect } from 'vitest';

export const DOCTOR_DIR = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** What the command printed and how it ended. */
export type DoctorResult = CommandRun;

/**
 * The real CLI as a child process, with a clean environment: only what the
 * test gives it (the `.env` path, ports, proxy), never the developer's shell.
 */
export function runDoctor(args: string[], env: Record<string, string>): Promise<DoctorResult> {
  return runCommand(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: DOCTOR_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      NO_COLOR: '1',
      // As pnpm announces itself to the scripts it runs (saves spawning `pnpm --version`).
      npm_config_user_agent: process.env.npm_config_user_agent ?? '',
      ...(process.env.NODE_V8_COVERAGE && { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE }),
      // Fails closed: a request meant for Twilio that a test did not route to the fake goes nowhere.
      HTTP_PROXY: 'http://127.0.0.1:9',
      ...env,
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
