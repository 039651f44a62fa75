import { STEPS } from '@kit/shared';
import {
  inProcessIo,
  parseCommandLine,
  processIo,
  requireStep,
  type Usage,
  usageError,
} from '@kit/shared/cli';
import { roomFilePath } from '@kit/shared/room-client';
import { checkStep, diffStep, type LearnerIo, solveStep, startStep } from './commands.js';
import { workspaceDir } from './workspace.js';

// pnpm step:start|check|diff|solution N: the learner's loop on their own folder.

const USAGE: Usage = {
  japanese: `使い方: pnpm step:start <手順番号 1〜${STEPS.length}> [--reference]
       pnpm step:check <手順番号> [--verbose]
       pnpm step:diff <手順番号>
       pnpm step:solution <手順番号>
  step:start     手順 N の作業フォルダーを用意する(手順 N−1 に合格したコードがあれば、そこから続ける)
  --reference    合格したコードがあっても、完成コードから始める
  step:check     作業フォルダーのコードを手順 N のテストで確かめる(--verbose: テストランナーの出力もそのまま表示する)
  step:diff      手順 N の完成コードと作業フォルダーの src/ の違いを表示する
  step:solution  手順 N の完成コードを作業フォルダーにコピーする(今のフォルダーはバックアップする)
  -h, --help     この説明を表示する`,
  english: `usage: pnpm step:start <1-${STEPS.length}> [--reference] | pnpm step:check <N> [--verbose]
       | pnpm step:diff <N> | pnpm step:solution <N>
  start prepares your folder for step N (continuing from your code when it passed step N-1;
  --reference starts from the finished code), check runs step N's tests on it, diff compares
  its src/ with the finished code, solution copies the finished code in (backing yours up).`,
};

/** One step number after the subcommand, and only the options that subcommand has. */
function readStepCommand<const Options extends Record<string, { type: 'boolean' }>>(
  name: string,
  args: readonly string[],
  options: Options,
) {
  const { values, positionals } = parseCommandLine({ usage: USAGE, options, positionals: 1, args });
  return { step: requireStep(positionals[0], { name: `step:${name}`, usage: USAGE }), values };
}

/**
 * The command line of `pnpm step:*`: what scripts/step.ts runs, and what the
 * tests run in-process (through runCommandInProcess) for its usage errors.
 */
export async function stepMain(argv: readonly string[]): Promise<number> {
  const io = inProcessIo();
  const out = io ?? processIo();
  const learner: LearnerIo = {
    dir: workspaceDir(out.env),
    print: (line) => out.stdout(`${line}\n`),
    terminal: io === undefined,
    roomFile: roomFilePath(out.env),
  };
  const [command = '', ...args] = argv;
  switch (command) {
    case 'start': {
      // --force: the older name of --reference, still accepted.
      const { step, values } = readStepCommand(command, args, {
        reference: { type: 'boolean' },
        force: { type: 'boolean' },
      });
      return await startStep(learner, step, values.reference === true || values.force === true);
    }
    case 'check': {
      const { step, values } = readStepCommand(command, args, { verbose: { type: 'boolean' } });
      return await checkStep(learner, step, values.verbose === true);
    }
    case 'diff':
      return await diffStep(learner, readStepCommand(command, args, {}).step);
    case 'solution':
      return await solveStep(learner, readStepCommand(command, args, {}).step);
    default:
      usageError(
        'start、check、diff、solution のどれかを指定してください。',
        'give a subcommand: start, check, diff or solution',
        USAGE,
      );
  }
}
