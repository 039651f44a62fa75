import { type ParseArgsConfig, parseArgs } from 'node:util';
import { exitWith, inProcessIo } from './cli-run.js';
import { isPortNumber } from './contract.js';
import { findStep, STEPS, type Step } from './steps.js';

export * from './cli-run.js';

/**
 * The kit's command lines (Node only: the scripts behind pnpm dev, dev:step,
 * step:*, call:signed, setup:twilio, deploy:step, teardown:step, run doctor
 * and bench). Every message is said in Japanese first, then in English, and
 * the exit code says whose problem it is:
 *   0  done, or the usage asked for with --help / -h (on stdout);
 *   1  a problem fixed elsewhere (`.env`, PORT, a busy port, a failed check): fail();
 *   2  the command line itself (an unknown or misspelt option, a missing value,
 *      an extra argument, a bad step number): the reason, then the usage, on stderr.
 */

/** What a command says about itself: on --help, and after every usage error. */
export interface Usage {
  /** Starts with `使い方: pnpm …`. */
  japanese: string;
  /** Starts with `usage: pnpm …`; printed in parentheses under the Japanese. */
  english: string;
}

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  /** What a string option takes, in Japanese (フォルダー), for the message when it is missing. */
  value?: string;
}

export interface CommandSpec<Options extends Record<string, OptionSpec>> {
  usage: Usage;
  /** Without `help`: --help and -h are every command's. */
  options: Options;
  /** How many arguments that are not options the command takes (a step number: 1; a list: Infinity). */
  positionals?: number;
  /** Defaults to the process's own arguments. */
  args?: readonly string[];
}

export type OptionValues<Options extends Record<string, OptionSpec>> = {
  -readonly [Name in keyof Options]?: Options[Name]['type'] extends 'string' ? string : boolean;
};

export interface CommandLine<Options extends Record<string, OptionSpec>> {
  values: OptionValues<Options>;
  positionals: string[];
}

export function formatUsage(usage: Usage): string {
  return `${usage.japanese}\n(${usage.english})`;
}

/**
 * Reads a command line strictly (node:util parseArgs, strict: true): an unknown
 * or misspelt option, a missing value or an extra argument stops the command
 * with exit 2 before it does anything; --help prints the usage and exits 0.
 * (Inside `runCommandInProcess`, "stops" and "exits" throw `CommandExit`.)
 */
export function parseCommandLine<const Options extends Record<string, OptionSpec>>(
  spec: CommandSpec<Options>,
): CommandLine<Options> {
  // pnpm and turbo hand a `--` on to the script; no kit command takes an
  // argument that starts with '-', so it separates nothing and is dropped.
  const args = (spec.args ?? process.argv.slice(2)).filter((arg) => arg !== '--');
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] =
      option.short === undefined
        ? { type: option.type }
        : { type: option.type, short: option.short };
  }
  options.help = { type: 'boolean', short: 'h' };
  const allowed = spec.positionals ?? 0;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: allowed > 0 });
  } catch (error) {
    const { japanese, english } = explainBadArgument(args, spec, options, error);
    usageError(japanese, english, spec.usage);
  }
  const { help, ...values } = parsed.values;
  if (help === true) exitWith(0, `${formatUsage(spec.usage)}\n`, 'stdout');
  const extra = parsed.positionals[allowed];
  if (extra !== undefined) {
    usageError(
      `余分な引数です: ${extra}`,
      `unexpected argument ${JSON.stringify(extra)}`,
      spec.usage,
    );
  }
  return { values: values as OptionValues<Options>, positionals: parsed.positionals };
}

/** Names the argument parseArgs refused, from a lenient second reading of the same arguments. */
function explainBadArgument(
  args: readonly string[],
  spec: CommandSpec<Record<string, OptionSpec>>,
  options: NonNullable<ParseArgsConfig['options']>,
  error: unknown,
): { japanese: string; english: string } {
  const { tokens } = parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if ((spec.positionals ?? 0) === 0) {
        return {
          japanese: `余分な引数です: ${token.value}(このコマンドはオプションだけを取ります)`,
          english: `unexpected argument ${JSON.stringify(token.value)}`,
        };
      }
      continue;
    }
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (option === undefined) {
      return {
        japanese: `知らないオプションです: ${token.rawName}`,
        english: `unknown option ${token.rawName}`,
      };
    }
    const value = token.value;
    // Leniently, `--dir --dry-run` reads --dry-run as the folder; strictly it is a missing value.
    if (
      option.type === 'string' &&
      (value === undefined || (!token.inlineValue && value.startsWith('-')))
    ) {
      const wanted = spec.options[token.name]?.value ?? '値';
      return {
        japanese: `${token.rawName} の後に${wanted}を指定してください。`,
        english: `${token.rawName} needs a value`,
      };
    }
    if (option.type === 'boolean' && value !== undefined) {
      return {
        japanese: `${token.rawName} は値を取りません(指定値: ${value})。`,
        english: `${token.rawName} takes no value`,
      };
    }
  }
  return {
    japanese: '引数が正しくありません。',
    english: error instanceof Error ? error.message : String(error),
  };
}

/** Stops the command (exit 2): what is wrong with its command line, then its usage. */
export function usageError(japanese: string, english: string, usage: Usage): never {
  exitWith(2, `✗ ${japanese}\n  (${english})\n\n${formatUsage(usage)}\n`, 'stderr');
}

/** Stops the command (exit 1) on a problem the user fixes elsewhere. */
export function fail(japanese: string, english: string): never {
  exitWith(1, `✗ ${japanese}\n  (${english})\n`, 'stderr');
}

/** A port from the environment (PORT, EMULATOR_PORT), or the fallback when it is not set. */
export function readPort(
  name: string,
  fallback: number,
  env: Readonly<Record<string, string | undefined>> = inProcessIo()?.env ?? process.env,
): number {
  const raw = env[name] ?? String(fallback);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !isPortNumber(port)) {
    fail(
      `${name} は 1〜65535 の数値で指定してください(指定値: ${raw})。`,
      `${name} must be a port number 1-65535, not ${JSON.stringify(raw)}`,
    );
  }
  return port;
}

/** `手順番号を指定してください(例: pnpm dev:step 3)。` and the steps to choose from. */
export function stepChoiceMessage(command: string, example = 3): string {
  const list = STEPS.map((step) => `  ${step.number}: ${step.title}`).join('\n');
  return `手順番号を指定してください(例: pnpm ${command} ${example})。\n${list}`;
}

/** The step a command-line argument names; a usage error listing the steps when there is none. */
export function requireStep(
  ref: string | undefined,
  command: { name: string; usage: Usage; example?: number },
): Step {
  const step = ref === undefined ? undefined : findStep(ref);
  if (step) return step;
  const choice = stepChoiceMessage(command.name, command.example);
  if (ref === undefined) {
    usageError(choice, `a step number 1-${STEPS.length} is needed`, command.usage);
  }
  usageError(
    `手順 ${ref} はありません。${choice}`,
    `no step ${JSON.stringify(ref)}; steps are 1-${STEPS.length}`,
    command.usage,
  );
}
