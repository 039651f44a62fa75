import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a kit command writes, what environment it reads, and how it stops.
 * A bin runs its `main(argv, io)` with the process's own (`processIo()`); a
 * test runs the same `main` in its own process with strings to collect, so the
 * command's code is tested without paying for a child process and `tsx` each
 * time (one child-process smoke test per command still checks the real exit).
 */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole environment the command reads (a test passes a clean one, as a child would get). */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Thrown by `usageError`, `fail` and --help inside `runCommandInProcess`, where
 * `process.exit` would end the test runner: the runner turns it into the
 * command's exit code.
 */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`command exited with code ${code}`);
  }
}

const running = new AsyncLocalStorage<CommandIo>();

/** The process's own streams and environment: what a bin runs with. */
export function processIo(): CommandIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  };
}

/** The io of the command running in this async context, or undefined in a bin (the process's). */
export function inProcessIo(): CommandIo | undefined {
  return running.getStore();
}

/**
 * Writes `text` and stops the command with `code`: inside `runCommandInProcess`
 * by throwing `CommandExit` (caught there), otherwise by `process.exit`.
 */
export function exitWith(code: number, text: string, stream: 'stdout' | 'stderr'): never {
  const io = running.getStore();
  if (io) {
    io[stream](text);
    throw new CommandExit(code);
  }
  process[stream].write(text);
  process.exit(code);
}

/**
 * Runs a command's main in this process and returns its exit code: the number
 * main returns (0 if it returns anything else), or the one a `CommandExit`
 * carries. Any other error propagates, so a crash fails the test that caused it.
 */
export async function runCommandInProcess(io: CommandIo, main: () => unknown): Promise<number> {
  return running.run(io, async () => {
    try {
      const result = await main();
      return typeof result === 'number' ? result : 0;
    } catch (error) {
      if (error instanceof CommandExit) return error.code;
      throw error;
    }
  });
}
