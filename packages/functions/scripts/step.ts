import { STEPS } from '@kit/shared';
import { parseCommandLine, requireStep, type Usage, usageError } from '@kit/shared/cli';
import {
  checkStep,
  diffStep,
  type LearnerIo,
  solveStep,
  startStep,
} from '../src/learner/commands.js';
import { workspaceDir } from '../src/learner/workspace.js';

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

const io: LearnerIo = { dir: workspaceDir(), print: (line) => console.log(line), terminal: true };

/** One step number after the subcommand, and only the options that subcommand has. */
function readStepCommand<const Options extends Record<string, { type: 'boolean' }>>(
  name: string,
  args: readonly string[],
  options: Options,
) {
  const { values, positionals } = parseCommandLine({ usage: USAGE, options, positionals: 1, args });
  return { step: requireStep(positionals[0], { name: `step:${name}`, usage: USAGE }), values };
}

const [command = '', ...args] = process.argv.slice(2);
switch (command) {
  case 'start': {
    // --force: the older name of --reference, still accepted.
    const { step, values } = readStepCommand(command, args, {
      reference: { type: 'boolean' },
      force: { type: 'boolean' },
    });
    process.exitCode = await startStep(
      io,
      step,
      values.reference === true || values.force === true,
    );
    break;
  }
  case 'check': {
    const { step, values } = readStepCommand(command, args, { verbose: { type: 'boolean' } });
    process.exitCode = await checkStep(io, step, values.verbose === true);
    break;
  }
  case 'diff':
    process.exitCode = await diffStep(io, readStepCommand(command, args, {}).step);
    break;
  case 'solution':
    process.exitCode = await solveStep(io, readStepCommand(command, args, {}).step);
    break;
  default:
    usageError(
      'start、check、diff、solution のどれかを指定してください。',
      'give a subcommand: start, check, diff or solution',
      USAGE,
    );
}
