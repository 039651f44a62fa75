import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Step } from '@kit/shared';
import { FUNCTIONS_PACKAGE_DIR } from '../steps-dir.js';
import { hintFor } from './hints.js';

export interface CheckedTest {
  name: string;
  passed: boolean;
  /** First line of the failure, for the curious. */
  detail: string;
  hint: string;
}

export interface CheckReport {
  tests: CheckedTest[];
  /** Set when the folder did not even build or load (syntax error, missing file). */
  problem: string | null;
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

/** Runs step N's own tests against `dir` through the real runtime and collects the results. */
export async function checkFolder(step: Step, dir: string): Promise<CheckReport> {
  const scratch = await mkdtemp(join(tmpdir(), 'kit-check-'));
  const report = join(scratch, 'report.json');
  try {
    const output = await run(
      join(FUNCTIONS_PACKAGE_DIR, 'node_modules/.bin/vitest'),
      ['run', ...stepTestFiles(step), '--reporter=json', `--outputFile=${report}`],
      { ...process.env, STEP_DIR: dir, FORCE_COLOR: '0' },
    );
    const json = await readFile(report, 'utf8').then(
      (text) => JSON.parse(text) as VitestJson,
      () => null,
    );
    const tests = (json?.testResults ?? []).flatMap((file) =>
      (file.assertionResults ?? []).map((result) => ({
        name: result.fullName,
        passed: result.status === 'passed',
        detail: firstLine(result.failureMessages?.[0] ?? ''),
        hint: hintFor(result.fullName),
      })),
    );
    const fileProblem = json?.testResults?.find((file) => file.message)?.message;
    const problem = tests.length === 0 ? firstLines(fileProblem ?? output, 6) : null;
    return { tests, problem };
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

/** The Japanese summary `pnpm step:check` prints. */
export function formatReport(step: Step, report: CheckReport): string {
  const lines: string[] = [];
  if (report.problem !== null) {
    lines.push(
      `✗ 手順${step.number} のコードを読み込めませんでした(ビルドや構文を確認してください):`,
    );
    lines.push(...report.problem.split('\n').map((line) => `  ${line}`));
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
    lines.push(`✗ ${hint}`);
    for (const test of tests.slice(0, 3)) {
      lines.push(`  - ${test.name}${test.detail ? `\n    ${test.detail}` : ''}`);
    }
    if (tests.length > 3) lines.push(`  - ほか ${tests.length - 3} 件`);
  }
  if (failures.length === 0) lines.push('✓ すべて成功しました。次の手順に進めます。');
  return lines.join('\n');
}

export function reportPassed(report: CheckReport): boolean {
  return (
    report.problem === null && report.tests.length > 0 && report.tests.every((test) => test.passed)
  );
}
