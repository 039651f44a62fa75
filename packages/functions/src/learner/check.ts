import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionFileName, STEPS, type Step, stepDocPath } from '@kit/shared';
import { StepBuildError } from '../build/build-step.js';
import { buildStepFolder } from '../build/reference.js';
import { parseStages } from '../stages.js';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '../steps-dir.js';
import { hintFor } from './hints.js';

export interface CheckedTest {
  name: string;
  passed: boolean;
  /** First line of the failure, for the curious. */
  detail: string;
  hint: string;
  /** `3-2 Voice グラント`: the stage of the page that teaches it, when there is one. */
  stage: string | null;
}

export interface CheckReport {
  tests: CheckedTest[];
  /** Set when the folder did not even build or load (syntax error, missing file). */
  problem: string | null;
  /** Files the step needs under another name, or that the runtime would ignore. */
  fileHints: string[];
  /** The test runner's own output, shown only with --verbose. */
  raw: string;
}

interface VitestJson {
  testResults?: {
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

/** The reference test files that define a step (the same files, pointed at another folder). */
export function stepTestFiles(step: Step): string[] {
  return [`test/${step.tag}.test.ts`];
}

/**
 * The step's Functions the folder lacks or holds under another name, and files
 * the runtime never loads: each named with the file to create or rename.
 */
export async function checkFileNames(step: Step, dir: string): Promise<string[]> {
  const present = await readdir(join(dir, 'src/functions')).catch(() => [] as string[]);
  const expected = step.functions.map((fn) => functionFileName(fn));
  const missing = expected.filter((file) => !present.includes(file));
  const extra = present.filter((file) => file.endsWith('.ts') && !expected.includes(file));
  // One stray .ts file and a missing public Function: most likely the previous step's name.
  const renameTarget =
    extra.length === 1
      ? missing.find((file) => !/\.(protected|private)\.ts$/.test(file))
      : undefined;
  const hints = missing.map((file) => {
    const rename = file === renameTarget ? extra[0] : undefined;
    return rename
      ? `src/functions/${file} がありません。手順${step.number} では ${rename} の名前を ${file} に変えてください(ファイル名が URL のパスと公開範囲になります)。`
      : `src/functions/${file} がありません。作成してください(ファイル名が URL のパスと公開範囲になります)。`;
  });
  for (const file of present.filter((name) => name.endsWith('.js'))) {
    hints.push(
      `src/functions/${file} は読み込まれません。作業フォルダーでは TypeScript で書きます: ${file.replace(/\.js$/, '.ts')} にしてください。`,
    );
  }
  return hints;
}

/** Stage titles (`3-2` → `VoiceGrant`) from the reference Functions of every step. */
async function stageTitles(): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  for (const step of STEPS) {
    for (const fn of step.functions) {
      const file = join(referenceStepDir(step), 'src/functions', functionFileName(fn));
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const stage of parseStages(text).stages) titles.set(stage.id, stage.title);
    }
  }
  return titles;
}

/** Runs step N's own tests against `dir` through the real runtime and collects the results. */
export async function checkFolder(step: Step, dir: string): Promise<CheckReport> {
  const fileHints = await checkFileNames(step, dir);
  try {
    await buildStepFolder(step, dir, { typeCheck: false });
  } catch (error) {
    if (!(error instanceof StepBuildError)) throw error;
    // "No Functions" says again what the file hints already name, file by file.
    const problem = fileHints.length > 0 && error.problems.length === 0 ? '' : error.message;
    return { tests: [], problem, fileHints, raw: '' };
  }
  const titles = await stageTitles();
  const scratch = await mkdtemp(join(tmpdir(), 'kit-check-'));
  const report = join(scratch, 'report.json');
  try {
    const output = await run(
      join(FUNCTIONS_PACKAGE_DIR, 'node_modules/.bin/vitest'),
      ['run', ...stepTestFiles(step), '--reporter=json', `--outputFile=${report}`],
      { ...process.env, STEP_DIR: dir, KIT_STEP_PREBUILT: '1', FORCE_COLOR: '0' },
    );
    const json = await readFile(report, 'utf8').then(
      (text) => JSON.parse(text) as VitestJson,
      () => null,
    );
    const tests = (json?.testResults ?? []).flatMap((file) =>
      (file.assertionResults ?? [])
        // A test the step does not run (step 04's extras on step 03) is neither passed nor failed.
        .filter((result) => result.status === 'passed' || result.status === 'failed')
        .map((result) => {
          const hint = hintFor(result.fullName);
          const stageId = hint.stages?.[step.number];
          return {
            name: result.fullName,
            passed: result.status === 'passed',
            detail: firstLine(result.failureMessages?.[0] ?? ''),
            hint: hint.hint,
            stage: stageId ? `${stageId} ${titles.get(stageId) ?? ''}`.trim() : null,
          };
        }),
    );
    const fileProblem = json?.testResults?.find((file) => file.message)?.message;
    const problem = tests.length === 0 ? firstLines(fileProblem ?? output, 6) : null;
    return { tests, problem, fileHints, raw: output };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: FUNCTIONS_PACKAGE_DIR, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', () => resolve(output));
  });
}

function firstLine(text: string): string {
  return firstLines(text, 1);
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
/** Lines of vitest's own chrome, not the learner's problem. */
const NOISE = /JSON report written|⎯|^\s*$/;

function firstLines(text: string, count: number): string {
  return text
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => !NOISE.test(line))
    .slice(0, count)
    .join('\n');
}

/** The Japanese summary `pnpm step:check` prints: the kit's words, the raw detail only with --verbose. */
export function formatReport(
  step: Step,
  report: CheckReport,
  { verbose = false }: { verbose?: boolean } = {},
): string {
  const lines: string[] = [];
  const page = `docs/${stepDocPath(step)}`;
  for (const hint of report.fileHints) lines.push(`✗ ${hint}`);
  if (report.problem !== null) {
    if (report.problem !== '') {
      lines.push(`✗ 手順${step.number} のコードを読み込めませんでした。次の場所を直してください:`);
      lines.push(...report.problem.split('\n').map((line) => `  ${line}`));
    }
    lines.push(`  (ページ: ${page})`);
    if (verbose && report.raw) lines.push(report.raw);
    return lines.join('\n');
  }
  const passed = report.tests.filter((test) => test.passed).length;
  const failures = report.tests.filter((test) => !test.passed);
  lines.push(
    `手順${step.number}(${step.title})のチェック: ${passed} 件成功 / ${failures.length} 件失敗`,
  );
  // One entry per concept: ten failing hostile inputs are one thing to fix.
  const byHint = new Map<string, CheckedTest[]>();
  for (const test of failures) byHint.set(test.hint, [...(byHint.get(test.hint) ?? []), test]);
  for (const [hint, tests] of byHint) {
    const stage = tests[0]?.stage;
    lines.push(`✗ ${stage ? `「${stage}」 ` : ''}${hint}`);
    for (const test of tests.slice(0, 3)) {
      lines.push(`  - ${test.name}${test.detail ? `\n    ${test.detail}` : ''}`);
    }
    if (tests.length > 3) lines.push(`  - ほか ${tests.length - 3} 件`);
  }
  if (failures.length > 0) lines.push(`  (「3-2」は ${page} の段階の番号です)`);
  if (failures.length === 0) lines.push('✓ すべて成功しました。次の手順に進めます。');
  if (verbose && report.raw) lines.push(report.raw);
  return lines.join('\n');
}

export function reportPassed(report: CheckReport): boolean {
  return (
    report.problem === null && report.tests.length > 0 && report.tests.every((test) => test.passed)
  );
}
