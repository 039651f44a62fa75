import { ENV_VARS, type EnvVarName } from '@kit/shared';

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

export function say(text: string): void {
  console.log(mask(text));
}

export function warn(text: string): void {
  console.error(mask(text));
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

/** Runs a CLI's main function: prints a KitError as a two-line message, anything else as-is; sets the exit code. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof KitError) {
      warn(`✗ ${error.japanese}\n  (${error.english})`);
    } else {
      warn(`✗ 予期しないエラーです(unexpected error): ${describeError(error)}`);
    }
    process.exitCode = 1;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
