import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { findStep, STEPS, type Step, stepDocPath } from '@kit/shared';
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

const [command, ...rest] = process.argv.slice(2);
// --reference (or the older --force): start from the reference even when your own code passed.
const fromReference = rest.includes('--reference') || rest.includes('--force');
const verbose = rest.includes('--verbose');
const dir = workspaceDir();
// Paths are shown from the repository root, where the learner types pnpm commands.
const REPO_ROOT = join(FUNCTIONS_PACKAGE_DIR, '../..');
const fromRoot = (path: string) => relative(REPO_ROOT, path) || path;
const shown = fromRoot(dir);

function fail(japanese: string, english: string): never {
  console.error(`✗ ${japanese}\n  (${english})`);
  process.exit(1);
}

function chosenStep(): Step {
  const ref = rest.find((arg) => !arg.startsWith('-'));
  const step = ref === undefined ? undefined : findStep(ref);
  if (!step) {
    const list = STEPS.map((candidate) => `  ${candidate.number}: ${candidate.title}`).join('\n');
    fail(
      `手順の番号を指定してください(例: pnpm step:${command ?? 'start'} 3)。\n${list}`,
      'usage: pnpm step:<start|check|diff|solution> <N>',
    );
  }
  return step;
}

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

async function start(step: Step): Promise<void> {
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
  console.log(`  ページ: docs/${stepDocPath(step)}`);
  console.log(`  コードを書いたら: pnpm step:check ${step.number}`);
  console.log(`  動かして試す:     pnpm dev:step ${step.number} --workspace`);
}

async function check(step: Step): Promise<void> {
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

switch (command) {
  case 'start':
    await start(chosenStep());
    break;
  case 'check':
    await check(chosenStep());
    break;
  case 'diff':
    await diff(chosenStep());
    break;
  case 'solution':
    await solution(chosenStep());
    break;
  default:
    fail(
      'start、check、diff、solution のどれかを指定してください。',
      'usage: step.ts <start|check|diff|solution> <N>',
    );
}
