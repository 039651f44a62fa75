import { type RunningDev, startDev } from '../../src/dev-command.js';

/** `pnpm dev` / `dev:step N` started in the test's own process, read like a child's output. */
export interface InProcessDev {
  /** Everything it printed so far (stdout and stderr, in order). */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves once the output holds `text`; throws if the start ended or the time runs out first. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** The exit code of a start that ended (a usage error, a busy port…); throws if it serves. */
  exit(): Promise<number>;
  /** Stops a kit that serves (as SIGINT would: servers closed, advertisement withdrawn). */
  stop(): Promise<void>;
}

/**
 * Runs the command's `startDev` (what scripts/dev.ts calls) in this process,
 * with the environment a child would get: the test's process environment and
 * `env` on top. No child, no `tsx` start; the launcher's own test of SIGINT and
 * the signals tests still run the bin as a child. KIT_WORKSPACE_DIR is read
 * from the process environment by @kit/functions (workspaceDir()): it is set
 * for as long as the kit runs.
 */
export function devInProcess(args: string[], env: Record<string, string>): InProcessDev {
  let output = '';
  let stdout = '';
  let stderr = '';
  const savedWorkspaceDir = process.env.KIT_WORKSPACE_DIR;
  const restoreWorkspaceDir = () => {
    if (savedWorkspaceDir === undefined) delete process.env.KIT_WORKSPACE_DIR;
    else process.env.KIT_WORKSPACE_DIR = savedWorkspaceDir;
  };
  if (env.KIT_WORKSPACE_DIR !== undefined) process.env.KIT_WORKSPACE_DIR = env.KIT_WORKSPACE_DIR;
  let ended: number | undefined;
  let running: RunningDev | undefined;
  const started = startDev(args, {
    stdout: (text) => {
      stdout += text;
      output += text;
    },
    stderr: (text) => {
      stderr += text;
      output += text;
    },
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  }).then((result) => {
    if ('exitCode' in result) {
      ended = result.exitCode;
      restoreWorkspaceDir();
    } else {
      running = result.running;
    }
    return result;
  });
  return {
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: async (text, timeoutMs = 100_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > deadline || ended !== undefined) {
          throw new Error(`no "${text}" in:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    exit: async () => {
      const result = await started;
      if ('exitCode' in result) return result.exitCode;
      throw new Error(`still serving:\n${output}`);
    },
    stop: async () => {
      await started.catch(() => undefined);
      if (!running) return;
      const kit = running;
      running = undefined;
      try {
        await kit.stop();
      } finally {
        restoreWorkspaceDir();
      }
    },
  };
}
