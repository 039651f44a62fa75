import { spawn } from 'node:child_process';
import { join, relative } from 'node:path';
import { findStep, STEPS, type Step } from '@kit/shared';
import { checkFolder, formatReport, reportPassed } from '../src/learner/check.js';
import {
  backUp,
  changedFiles,
  copySolution,
  createWorkspace,
  exists,
  readManifest,
  workspaceDir,
} from '../src/learner/workspace.js';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '../src/steps-dir.js';

// pnpm step:start|check|diff|solution N: the learner's loop on their own folder.

const [command, ...rest] = process.argv.slice(2);
const force = rest.includes('--force');
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
      `ステップ番号を指定してください(例: pnpm step:${command ?? 'start'} 3)。\n${list}`,
      'usage: pnpm step:<start|check|diff|solution> <N>',
    );
  }
  return step;
}

/** Moves the learner's folder aside if it holds work; refuses without --force when it does. */
async function makeRoom(): Promise<void> {
  if (!(await exists(dir))) return;
  const changed = await changedFiles(dir);
  if (changed.length > 0 && !force) {
    fail(
      `${shown} には編集済みのファイルがあります(${changed.join(', ')})。作り直すと失われるため中止しました。--force を付けると、今のフォルダーをバックアップしてから作り直します。`,
      'workspace has changes; rerun with --force (a backup is kept)',
    );
  }
  const backup = await backUp(dir);
  console.log(`ℹ 今のフォルダーを ${fromRoot(backup)} にバックアップしました。`);
}

async function start(step: Step): Promise<void> {
  await makeRoom();
  const manifest = await createWorkspace(step, dir);
  const from = manifest.startedFrom === 'skeleton' ? '空のプロジェクト' : manifest.startedFrom;
  console.log(`✓ ${shown} に手順${step.number} の作業フォルダーを作りました(${from} から開始)。`);
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
  console.log(formatReport(step, report));
  process.exitCode = reportPassed(report) ? 0 : 1;
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
    console.log(`手順${step.number} の参照実装(-)と ${shown}(+)の src/ の違い:`);
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
  console.log(`✓ ${shown} に手順${step.number} の参照実装をコピーしました。`);
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
