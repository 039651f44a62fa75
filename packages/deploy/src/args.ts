import { resolve } from 'node:path';
import { findStep, STEPS, type Step } from '@kit/shared';
import { fail } from './output.js';

export interface StepArgs {
  step: Step;
  dryRun: boolean;
  /** A learner's own step folder (`--dir PATH`) instead of the reference snapshot. */
  stepDir?: string;
}

/** `N [--dry-run] [--dir PATH]`, as typed after `pnpm deploy:step` / `pnpm teardown:step`. */
export function parseStepArgs(args: readonly string[], command: string): StepArgs {
  let ref: string | undefined;
  let dryRun = false;
  let stepDir: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--dir') {
      const value = args[++index];
      if (value === undefined)
        fail('--dir の後にフォルダーを指定してください。', '--dir needs a path');
      // Under `pnpm deploy:step` (turbo), relative to where turbo was started: the repository root.
      stepDir = resolve(
        process.env.TURBO_INVOCATION_DIR ?? process.env.INIT_CWD ?? process.cwd(),
        value,
      );
    } else if (arg.startsWith('-')) {
      fail(`知らないオプションです: ${arg}`, `unknown option ${arg}; usage: ${usage(command)}`);
    } else ref = arg;
  }
  const step = ref === undefined ? undefined : findStep(ref);
  if (!step) {
    const list = STEPS.map((candidate) => `  ${candidate.number}: ${candidate.title}`).join('\n');
    fail(
      `手順の番号を指定してください(例: pnpm ${command} 4)。\n${list}`,
      `usage: ${usage(command)}`,
    );
  }
  return { step, dryRun, ...(stepDir !== undefined && { stepDir }) };
}

function usage(command: string): string {
  return `pnpm ${command} <1-${STEPS.length}>${command === 'deploy:step' ? ' [--dry-run] [--dir PATH]' : ''}`;
}
