import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describeFileChanges, findStep, type Step, stepDocPath } from '@kit/shared';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '../steps-dir.js';
import { type CheckReport, checkFolder, formatReport, reportPassed } from './check.js';
import { reportToRoom } from './room-report.js';
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
} from './workspace.js';

/**
 * `pnpm step:start|check|diff|solution N` as code: the bin (scripts/step.ts)
 * parses the command line and calls these; the tests call them directly, so
 * only the command line itself needs a child process.
 */
export interface LearnerIo {
  /** The learner's folder. */
  dir: string;
  /** One line of the command's output. */
  print(line: string): void;
  /** The bin runs in a terminal: `git diff` writes to it directly (in colour when it is a TTY). */
  terminal?: boolean;
  /**
   * The room membership file (`.kit/room.json`, KIT_ROOM_FILE): step:check reports
   * each check to the room it names, when there is one. Unset: never reports.
   */
  roomFile?: string;
}

/** 0 done, 1 a failed check or a missing folder (said in `print`). */
export type ExitCode = 0 | 1;

// Paths are shown from the repository root, where the learner types pnpm commands.
const REPO_ROOT = join(FUNCTIONS_PACKAGE_DIR, '../..');
const fromRoot = (path: string) => relative(REPO_ROOT, path) || path;

/** Moves the learner's folder aside when it holds work (never deletes it), saying where and why. */
async function makeRoom(io: LearnerIo, reason: string): Promise<void> {
  if (!(await exists(io.dir))) return;
  if ((await changedFiles(io.dir)).length === 0) {
    await rm(io.dir, { recursive: true, force: true });
    return;
  }
  const backup = await backUp(io.dir);
  io.print(`ℹ ${reason}、今のフォルダーを ${fromRoot(backup)} にバックアップしました。`);
}

export async function startStep(
  io: LearnerIo,
  step: Step,
  fromReference: boolean,
): Promise<ExitCode> {
  const { dir } = io;
  const shown = fromRoot(dir);
  const previous = step.number - 1;
  if (!fromReference && (await exists(dir)) && (await passedPreviousStep(step, dir))) {
    await continueWorkspace(step, dir);
    io.print(
      `✓ ${shown} のあなたのコード(手順${previous} に合格)から、手順${step.number} を続けます。`,
    );
  } else {
    await makeRoom(
      io,
      fromReference
        ? '--reference の指定により完成コードから始めるため'
        : `${shown} は手順${previous} のチェックに合格していないため`,
    );
    const manifest = await createWorkspace(step, dir);
    const from =
      manifest.startedFrom === 'skeleton'
        ? '空のプロジェクト'
        : `${manifest.startedFrom} の完成コード`;
    io.print(`✓ ${shown} に手順${step.number} の作業フォルダーを作りました(${from}から開始)。`);
  }
  const changes = describeFileChanges(step);
  if (changes.length > 0) {
    io.print(`  手順${step.number} で変えるファイル(${shown} の中):`);
    for (const line of changes) io.print(`    ${line}`);
  }
  io.print(`  ページ: docs/${stepDocPath(step)}`);
  io.print(`  コードを書いたら: pnpm step:check ${step.number}`);
  io.print(`  動かして試す:     pnpm dev:step ${step.number} --workspace`);
  return 0;
}

export async function checkStep(io: LearnerIo, step: Step, verbose: boolean): Promise<ExitCode> {
  const { dir } = io;
  const shown = fromRoot(dir);
  if (!(await exists(dir))) {
    io.print(`✗ ${shown} がありません。先に pnpm step:start ${step.number} を実行してください。`);
    io.print('  (no workspace)');
    return 1;
  }
  const manifest = await readManifest(dir);
  if (manifest && manifest.step !== step.number) {
    io.print(
      `ℹ ${shown} は手順${manifest.step} 用に作られています。手順${step.number} のテストで確認します。`,
    );
  }
  const started = Date.now();
  const report = await checkFolder(step, dir);
  const durationMs = Date.now() - started;
  io.print(formatReport(step, report, { verbose }));
  const code = await finishCheck(io, step, report);
  // Last, after everything the check says: the room never changes the outcome.
  if (io.roomFile !== undefined)
    await reportToRoom(io.roomFile, step, report, durationMs, io.print);
  return code;
}

async function finishCheck(io: LearnerIo, step: Step, report: CheckReport): Promise<ExitCode> {
  if (!reportPassed(report)) return 1;
  await recordPass(step, io.dir);
  const next = findStep(step.number + 1);
  if (next) io.print(`  次へ: pnpm step:start ${next.number}(このフォルダーのコードから続けます)`);
  return 0;
}

/** git's no-index diff of the code (src/): readable in a terminal, colored when it is one. */
export function diffStep(io: LearnerIo, step: Step): Promise<ExitCode> {
  const reference = relative(REPO_ROOT, `${referenceStepDir(step)}/src`);
  const args = [
    'diff',
    '--no-index',
    '--stat',
    '--patch',
    '--',
    reference,
    relative(REPO_ROOT, `${io.dir}/src`),
  ];
  return new Promise((resolve) => {
    io.print(`手順${step.number} の完成コード(-)と ${fromRoot(io.dir)}(+)の src/ の違い:`);
    const child = spawn('git', args, { cwd: REPO_ROOT, stdio: io.terminal ? 'inherit' : 'pipe' });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('close', (code) => {
      if (output) io.print(output.replace(/\n$/, ''));
      if (code === 0) io.print('✓ 違いはありません。');
      resolve(0);
    });
  });
}

export async function solveStep(io: LearnerIo, step: Step): Promise<ExitCode> {
  if (await exists(io.dir)) {
    const backup = await backUp(io.dir);
    io.print(`ℹ 今のフォルダーを ${fromRoot(backup)} にバックアップしました。`);
  }
  await copySolution(step, io.dir);
  io.print(`✓ ${fromRoot(io.dir)} に手順${step.number} の完成コードをコピーしました。`);
  return 0;
}
