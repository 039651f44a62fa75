import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describeFileChanges, findStep, STEPS, type Step, stepDocPath } from '@kit/shared';
import { fail, parseCommandLine, requireStep, type Usage, usageError } from '@kit/shared/cli';
import { checkFolder, formatReport, reportPassed } from '../src/learner/check.js';
import {
  backUp,
  changedFiles,
  continueWorkspace,
  copySolution,
  createWorkspace,
  exists,
  passedPreviousStep,
  readManifest,
  recordPass,
  workspaceDir,
} from '../src/learner/workspace.js';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '../src/steps-dir.js';

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

const dir = workspaceDir();
// Paths are shown from the repository root, where the learner types pnpm commands.
const REPO_ROOT = join(FUNCTIONS_PACKAGE_DIR, '../..');
const fromRoot = (path: string) => relative(REPO_ROOT, path) || path;
const shown = fromRoot(dir);

/** Moves the learner's folder aside when it holds work (never deletes it), saying where and why. */
async function makeRoom(reason: string): Promise<void> {
  if (!(await exists(dir))) return;
  if ((await changedFiles(dir)).length === 0) {
    await rm(dir, { recursive: true, force: true });
    return;
  }
  const backup = await backUp(dir);
  console.log(`ℹ ${reason}、今のフォルダーを ${fromRoot(backup)} にバックアップしました。`);
}

async function start(step: Step, fromReference: boolean): Promise<void> {
  const previous = step.number - 1;
  if (!fromReference && (await exists(dir)) && (await passedPreviousStep(step, dir))) {
    await continueWorkspace(step, dir);
    console.log(
      `✓ ${shown} のあなたのコード(手順${previous} に合格)から、手順${step.number} を続けます。`,
    );
  } else {
    await makeRoom(
      fromReference
        ? '--reference の指定により完成コードから始めるため'
        : `${shown} は手順${previous} のチェックに合格していないため`,
    );
    const manifest = await createWorkspace(step, dir);
    const from =
      manifest.startedFrom === 'skeleton'
        ? '空のプロジェクト'
        : `${manifest.startedFrom} の完成コード`;
    console.log(`✓ ${shown} に手順${step.number} の作業フォルダーを作りました(${from}から開始)。`);
  }
  const changes = describeFileChanges(step);
  if (changes.length > 0) {
    console.log(`  手順${step.number} で変えるファイル(${shown} の中):`);
    for (const line of changes) console.log(`    ${line}`);
  }
  console.log(`  ページ: docs/${stepDocPath(step)}`);
  console.log(`  コードを書いたら: pnpm step:check ${step.number}`);
  console.log(`  動かして試す:     pnpm dev:step ${step.number} --workspace`);
}

async function check(step: Step, verbose: boolean): Promise<void> {
  if (!(await exists(dir)))
    fail(
      `${shown} がありません。先に pnpm step:start ${step.number} を実行してください。`,
      'no workspace',
    );
  const manifest = await readManifest(dir);
  if (manifest && manifest.step !== step.number) {
    console.log(
      `ℹ ${shown} は手順${manifest.step} 用に作られています。手順${step.number} のテストで確認します。`,
    );
  }
  const report = await checkFolder(step, dir);
  console.log(formatReport(step, report, { verbose }));
  if (!reportPassed(report)) {
    process.exitCode = 1;
    return;
  }
  await recordPass(step, dir);
  const next = findStep(step.number + 1);
  if (next)
    console.log(`  次へ: pnpm step:start ${next.number}(このフォルダーのコードから続けます)`);
}

function diff(step: Step): Promise<void> {
  // git's no-index diff of the code (src/): readable in a terminal, colored when it is one.
  const reference = relative(REPO_ROOT, `${referenceStepDir(step)}/src`);
  const args = [
    'diff',
    '--no-index',
    '--stat',
    '--patch',
    '--',
    reference,
    relative(REPO_ROOT, `${dir}/src`),
  ];
  return new Promise((resolve) => {
    console.log(`手順${step.number} の完成コード(-)と ${shown}(+)の src/ の違い:`);
    const child = spawn('git', args, { stdio: 'inherit', cwd: REPO_ROOT });
    child.once('close', (code) => {
      if (code === 0) console.log('✓ 違いはありません。');
      resolve();
    });
  });
}

async function solution(step: Step): Promise<void> {
  if (await exists(dir)) {
    const backup = await backUp(dir);
    console.log(`ℹ 今のフォルダーを ${fromRoot(backup)} にバックアップしました。`);
  }
  await copySolution(step, dir);
  console.log(`✓ ${shown} に手順${step.number} の完成コードをコピーしました。`);
}

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
    await start(step, values.reference === true || values.force === true);
    break;
  }
  case 'check': {
    const { step, values } = readStepCommand(command, args, { verbose: { type: 'boolean' } });
    await check(step, values.verbose === true);
    break;
  }
  case 'diff':
    await diff(readStepCommand(command, args, {}).step);
    break;
  case 'solution':
    await solution(readStepCommand(command, args, {}).step);
    break;
  default:
    usageError(
      'start、check、diff、solution のどれかを指定してください。',
      'give a subcommand: start, check, diff or solution',
      USAGE,
    );
}
