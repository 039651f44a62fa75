import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { runCommandInProcess } from '../cli-run.js';

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

/** A command left running (a server): its process, what it has printed so far, and waits. */
export interface StartedCommand {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output holds `text`; throws if the command ends or the time runs out first. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Its exit code, once it has ended. */
  exit(): Promise<number | null>;
}

/** Starts a long-running command (`pnpm dev`, `dev:step N`) as a user would, without waiting for it. */
export function startCommand(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; detached?: boolean },
): StartedCommand {
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    child,
    output: () => output,
    // Generous by default: a learner's folder is type-checked before it is served, on a
    // machine that may be running every package's tests at once.
    waitFor: async (text, timeoutMs = 100_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no "${text}" in:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    exit: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
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

/**
 * A command's `main` run in this process (`runCommandInProcess`), with `env` as
 * the whole environment it reads and its output collected: what a test gets from
 * `runCommand` without a child process.
 */
export async function runMainInProcess(
  main: () => unknown,
  env: Readonly<Record<string, string | undefined>>,
): Promise<CommandRun & { code: number }> {
  let stdout = '';
  let stderr = '';
  const code = await runCommandInProcess(
    {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      env,
    },
    main,
  );
  return { code, stdout, stderr, output: `${stdout}\n${stderr}` };
}
