import { spawn } from 'node:child_process';

/** What a command printed and how it ended. */
export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout, a newline, stderr: for messages that may go to either. */
  output: string;
}

/**
 * Runs a command as a user would, to the end, with no terminal: the tests of
 * every kit command (CLI parsing, call:signed, deploy, doctor) go through here.
 * `env` is the whole environment; pass `{ ...process.env, … }` to inherit.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}

/**
 * Why a usage error does not read as the kit's commands promise (undefined if
 * it does): the reason first (`✗ …`), then the usage in Japanese, then English.
 */
export function usageProblem(stderr: string, reason: string, command: string): string | undefined {
  if (!stderr.startsWith(`✗ ${reason}`)) return `does not start with "✗ ${reason}":\n${stderr}`;
  const japanese = stderr.indexOf(`使い方: ${command}`);
  if (japanese <= 0) return `no "使い方: ${command}" after the reason:\n${stderr}`;
  if (stderr.indexOf(`(usage: ${command}`) <= japanese) {
    return `no "(usage: ${command}" after the Japanese usage:\n${stderr}`;
  }
  return undefined;
}
