import { ENV_VARS, type EnvVarName } from '@kit/shared';
import {
  CommandExit,
  type CommandIo,
  inProcessIo,
  processIo,
  runCommandInProcess,
} from '@kit/shared/cli';

/**
 * Everything the instructor tools print goes through here, so a secret that
 * slipped into an error message (a library's error can quote a request) is
 * masked before it reaches the terminal or a CI log.
 */
const secrets = new Set<string>();

export function registerSecrets(env: Readonly<Record<string, string | undefined>>): void {
  for (const [name, spec] of Object.entries(ENV_VARS)) {
    const value = env[name as EnvVarName];
    if (spec.secret && value !== undefined && value.length >= 4) secrets.add(value);
  }
}

export function registerSecret(value: string): void {
  if (value.length >= 4) secrets.add(value);
}

export function mask(text: string): string {
  let masked = text;
  for (const secret of secrets) masked = masked.split(secret).join('********');
  return masked;
}

/** The running command's io (runCli sets it), else the process's. */
function io(): CommandIo {
  return inProcessIo() ?? processIo();
}

/** The environment the running command reads: the process's in a bin, the test's in-process. */
export function commandEnv(): Readonly<Record<string, string | undefined>> {
  return io().env;
}

export function say(text: string): void {
  io().stdout(`${mask(text)}\n`);
}

export function warn(text: string): void {
  io().stderr(`${mask(text)}\n`);
}

/** A problem the instructor must fix: Japanese first, the English code/term in parentheses. */
export class KitError extends Error {
  constructor(
    readonly japanese: string,
    readonly english: string,
  ) {
    super(english);
  }
}

/**
 * Throws rather than exits (unlike `@kit/shared/cli`'s `fail`): deep inside a deploy, the
 * error must pass through runCli, which masks the account's secrets before printing.
 */
export function fail(japanese: string, english: string): never {
  throw new KitError(japanese, english);
}

/**
 * Runs a CLI's main function with `io` and returns its exit code: prints a
 * KitError as a two-line message, anything else as-is (exit 1); a usage error
 * or --help (CommandExit, from @kit/shared/cli) keeps its own code. The bins
 * pass the process's io; the tests call the same mains in-process with their own.
 */
export function runCli(commandIo: CommandIo, main: () => Promise<void>): Promise<number> {
  // Each command masks the secrets it read itself, as it would in a process of its own.
  secrets.clear();
  return runCommandInProcess(commandIo, async () => {
    try {
      await main();
      return 0;
    } catch (error) {
      if (error instanceof CommandExit) throw error;
      if (error instanceof KitError) {
        warn(`✗ ${error.japanese}\n  (${error.english})`);
      } else {
        warn(`✗ 予期しないエラーです(unexpected error): ${describeError(error)}`);
      }
      return 1;
    }
  });
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
