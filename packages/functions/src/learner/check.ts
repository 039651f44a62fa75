import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findStep, functionFileName, type Step, stepDocPath } from '@kit/shared';
import { StepBuildError } from '../build/build-step.js';
import { buildStepFolder } from '../build/reference.js';
import {
  compareFunctionFiles,
  type FunctionFile,
  listFunctionFiles,
  renameSourceFor,
} from '../function-files.js';
import { formatLocation, locateInStep, type SourceLocation } from '../server/source-location.js';
import { readStageCatalog } from '../stage-catalog.js';
import { FUNCTIONS_PACKAGE_DIR } from '../steps-dir.js';
import { readTwimlApp, voiceUrlProblem } from '../twiml-app.js';
import { CALLBACK_TIMEOUT_MARK, callbackLesson } from './callback.js';
import { type Hint, hintFor } from './hints.js';

export interface CheckedTest {
  name: string;
  passed: boolean;
  /** First line of the failure, for the curious. */
  detail: string;
  hint: string;
  /** `3-2 Voice グラント`: the stage of the page that teaches it, when there is one. */
  stage: string | null;
  /** `3-2`, with `stage`. */
  stageId: string | null;
  /**
   * What kind of hint `hint` is: a missing callback, an exception in the
   * learner's code, or the concept the test checks (the default when absent).
   */
  hintKind?: 'callback' | 'exception' | 'concept';
}

/** A finding about the folder's files, before any test runs: an error fails the check, a warning does not. */
export interface FileHint {
  level: 'error' | 'warning';
  text: string;
}

export interface CheckReport {
  tests: CheckedTest[];
  /** Set when the folder did not even build or load (syntax error, missing file). */
  problem: string | null;
  /** Files the step needs under another name, files it no longer has, files the runtime would ignore. */
  fileHints: FileHint[];
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
 * The step's Functions the folder lacks or holds under another name, Functions
 * of an earlier step it still holds, and files the runtime never loads: each
 * named with what to do about it.
 */
export async function checkFileNames(step: Step, dir: string): Promise<FileHint[]> {
  const files = await listFunctionFiles(dir);
  const report = compareFunctionFiles(
    step,
    files.filter((file) => file.file.endsWith('.ts')),
  );
  const renamedFiles = new Set<string>();
  const hints: FileHint[] = report.misnamed.map(({ fn, file }) => ({
    level: 'error',
    text: `src/functions/${file.file} の名前を ${functionFileName(fn)} にしてください(公開範囲はファイル名で決まります)。`,
  }));
  for (const fn of report.missing) {
    const file = functionFileName(fn);
    const rename = renameSourceFor(fn, report)?.file;
    if (rename) renamedFiles.add(rename);
    hints.push({
      level: 'error',
      text: rename
        ? `src/functions/${file} がありません。手順${step.number} では ${rename} の名前を ${file} に変えてください(ファイル名が URL のパスと公開範囲になります)。`
        : `src/functions/${file} がありません。作成してください(ファイル名が URL のパスと公開範囲になります)。`,
    });
  }
  for (const extra of report.extra.filter((candidate) => !renamedFiles.has(candidate.file))) {
    hints.push({
      level: 'warning',
      text: extra.from
        ? `src/functions/${extra.file} は手順${extra.from.number} の Function です(手順${extra.removedIn?.number ?? extra.from.number + 1} で使わなくなりました)。手順${step.number} にはないので、削除してください。`
        : `src/functions/${extra.file} は手順${step.number} にない Function です(${extra.path} として公開されます)。不要なら削除してください。`,
    });
  }
  for (const { file } of files.filter((candidate) => candidate.file.endsWith('.js'))) {
    hints.push({
      level: 'warning',
      text: `src/functions/${file} は読み込まれません。作業フォルダーでは TypeScript で書きます: ${file.replace(/\.js$/, '.ts')} にしてください。`,
    });
  }
  if (step.configuresTwimlApp) hints.push(...(await checkTwimlApp(dir, files)));
  return hints;
}

/**
 * A `twiml-app.json` that is there but points the Voice URL at a path no
 * Function of the folder answers (`/call.protected` instead of `/call`): quote
 * the value and give the path to write. A missing file has its test's own hint.
 */
async function checkTwimlApp(dir: string, files: readonly FunctionFile[]): Promise<FileHint[]> {
  const read = await readTwimlApp(dir);
  if (read === null) return [];
  if (!read.ok) return [{ level: 'error', text: read.problem }];
  const served = files.filter((file) => file.file.endsWith('.ts'));
  const problem = voiceUrlProblem(read.config.voiceUrl, served);
  return problem ? [{ level: 'error', text: problem }] : [];
}

/** Runs step N's own tests against `dir` through the real runtime and collects the results. */
export async function checkFolder(step: Step, dir: string): Promise<CheckReport> {
  const fileHints = await checkFileNames(step, dir);
  try {
    await buildStepFolder(step, dir, { typeCheck: false });
  } catch (error) {
    if (!(error instanceof StepBuildError)) throw error;
    // "No Functions" says again what the file hints already name, file by file.
    const named = fileHints.some((hint) => hint.level === 'error');
    const problem = named && error.problems.length === 0 ? '' : error.message;
    return { tests: [], problem, fileHints, raw: '' };
  }
  const { titles } = await readStageCatalog();
  const scratch = await mkdtemp(join(tmpdir(), 'kit-check-'));
  const report = join(scratch, 'report.json');
  try {
    const output = await run(
      join(FUNCTIONS_PACKAGE_DIR, 'node_modules/.bin/vitest'),
      [
        'run',
        ...stepTestFiles(step),
        // Every test at once: a Function that never calls back costs its 10 s
        // (Twilio's limit) once, not once per test.
        '--sequence.concurrent',
        '--maxConcurrency=100',
        // One file: a worker thread instead of a second process (a quarter of a second each check).
        '--pool=threads',
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      { ...process.env, STEP_DIR: dir, KIT_STEP_PREBUILT: '1', FORCE_COLOR: '0' },
    );
    const json = await readFile(report, 'utf8').then(
      (text) => JSON.parse(text) as VitestJson,
      () => null,
    );
    const results = (json?.testResults ?? []).flatMap((file) =>
      // A test the step does not run (step 04's extras on step 03) is neither passed nor failed.
      (file.assertionResults ?? []).filter(
        (result) => result.status === 'passed' || result.status === 'failed',
      ),
    );
    const failureOf = (result: (typeof results)[number]) => result.failureMessages?.[0] ?? '';
    const timedOut = (failure: string) =>
      failure.includes(CALLBACK_TIMEOUT_MARK) || /\b504\b/.test(firstLine(failure));
    // One hint for every test a missing callback fails, naming the files the unit tests caught.
    const silentFiles = new Set(
      results.flatMap((result) => {
        const file = new RegExp(`${CALLBACK_TIMEOUT_MARK}: (\\S+\\.ts)`).exec(
          failureOf(result),
        )?.[1];
        return file ? [file] : [];
      }),
    );
    const tests = await Promise.all(
      results.map(async (result): Promise<CheckedTest> => {
        const failure = failureOf(result);
        const silent = timedOut(failure);
        // Where an exception was thrown in the learner's code: found once, for the hint and the detail.
        const thrownAt = silent || failure === '' ? null : await locateInStep(dir, failure);
        const hint = silent
          ? callbackHint([...silentFiles])
          : thrownAt
            ? { ...hintFor(result.fullName), hint: thrownHint(firstLine(failure), thrownAt) }
            : hintFor(result.fullName);
        const stageId = silent
          ? (callbackLesson()?.stageId ?? null)
          : (hint.stages?.[step.number] ?? null);
        return {
          name: result.fullName,
          passed: result.status === 'passed',
          detail: describeFailure(failure, thrownAt),
          hint: hint.hint,
          stage: stageId ? `${stageId} ${titles[stageId] ?? ''}`.trim() : null,
          stageId,
          hintKind: silent ? 'callback' : thrownAt ? 'exception' : 'concept',
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

/** A Function that never called back: Twilio stops it at 10 s, and so do the kit's tests. */
function callbackHint(files: readonly string[]): Hint {
  return {
    match: /$^/,
    hint: `callback が呼ばれていません(Twilio と同じく 10 秒で打ち切り、504)。${files.length > 0 ? files.join('、') : 'Function'} のどの分岐でも、最後に callback(null, 応答) を呼んでください。`,
  };
}

/** An exception in the learner's code: where it happened comes before what the stage teaches. */
function thrownHint(first: string, location: SourceLocation): string {
  const what = /^(\w*Error)\b/.exec(first)?.[1] ?? '例外';
  return `${formatLocation(location)} で ${what} が発生しています。その行を直してください。`;
}

/**
 * The failure's first line, and for an exception thrown in the learner's code,
 * where: their TypeScript file and line, not the runner's stack.
 */
function describeFailure(failure: string, thrownAt: SourceLocation | null): string {
  const first = firstLine(failure);
  if (first.includes(CALLBACK_TIMEOUT_MARK)) return first.replace(`${CALLBACK_TIMEOUT_MARK}: `, '');
  return thrownAt ? `${first} (${formatLocation(thrownAt)})` : first;
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
  for (const hint of report.fileHints)
    lines.push(`${hint.level === 'error' ? '✗' : '⚠'} ${hint.text}`);
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
  lines.push(...stageFootnotes([...byHint.values()].flatMap((tests) => tests.slice(0, 1))));
  if (reportPassed(report)) lines.push('✓ すべて成功しました。次の手順に進めます。');
  if (verbose && report.raw) lines.push(report.raw);
  return lines.join('\n');
}

/** `(「3-2」「3-4」は docs/steps/03-call-endpoint.md の段階の番号です)`: one line per page of the stages shown. */
function stageFootnotes(shown: readonly CheckedTest[]): string[] {
  const byPage = new Map<string, string[]>();
  for (const test of shown) {
    const id = test.stageId;
    const stepOfStage = id ? findStep(Number(id.split('-')[0])) : undefined;
    if (!id || !stepOfStage) continue;
    const page = `docs/${stepDocPath(stepOfStage)}`;
    const ids = byPage.get(page) ?? [];
    if (!ids.includes(id)) ids.push(id);
    byPage.set(page, ids);
  }
  return [...byPage].map(
    ([page, ids]) => `  (${ids.map((id) => `「${id}」`).join('')}は ${page} の段階の番号です)`,
  );
}

export function reportPassed(report: CheckReport): boolean {
  return (
    report.problem === null &&
    report.fileHints.every((hint) => hint.level !== 'error') &&
    report.tests.length > 0 &&
    report.tests.every((test) => test.passed)
  );
}
