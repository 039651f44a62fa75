import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findStep, type Step } from '@kit/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackLesson } from '../src/learner/callback.js';
import { type CheckReport, checkFolder, formatReport, reportPassed } from '../src/learner/check.js';
import { copySolution } from '../src/learner/workspace.js';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '../src/steps-dir.js';

/**
 * Off the happy path, each hint names its own cause. The check is called as
 * code (it still runs the step's tests in a child Vitest, as `step:check`
 * does); one folder per step holds several seeded mistakes at once.
 */
let scratch: string;
beforeAll(async () => {
  const root = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
  await mkdir(root, { recursive: true });
  scratch = await mkdtemp(join(root, 'hints-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

function stepOf(stepNumber: number): Step {
  const step = findStep(stepNumber);
  if (!step) throw new Error(`no step ${stepNumber}`);
  return step;
}

/** The reference solution of `stepNumber` in a fresh folder, with `edits` applied to its files. */
async function seededFolder(
  stepNumber: number,
  edits: Record<string, (code: string) => string>,
): Promise<string> {
  const dir = join(scratch, `step-${stepNumber}`);
  await copySolution(stepOf(stepNumber), dir);
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    const before = await readFile(path, 'utf8').catch(() => '');
    const after = edit(before);
    expect(after, `the seed must change ${file}`).not.toBe(before);
    await writeFile(path, after);
  }
  return dir;
}

const failingHints = (report: CheckReport) =>
  report.tests.filter((test) => !test.passed).map((test) => `「${test.stage}」 ${test.hint}`);

describe('step 1: a Function that forgets callback, another that throws', {
  timeout: 120_000,
}, () => {
  let report: CheckReport;
  let output: string;
  beforeAll(async () => {
    const dir = await seededFolder(1, {
      'src/functions/hello-voice.ts': (code) => code.replace(/^\s*callback\(null, twiml\);$/m, ''),
      'src/functions/hello-json.ts': (code) =>
        code.replace(
          /^(\s*)callback\(null, \{/m,
          '$1const missing = (event as unknown as { a: { b: string } }).a.b;\n$1callback(null, { missing,',
        ),
    });
    report = await checkFolder(stepOf(1), dir);
    output = formatReport(stepOf(1), report);
  }, 120_000);

  it('names callback, the silent file and the stage that teaches callback, for every test it fails', () => {
    const lesson = callbackLesson();
    expect(lesson?.label).toMatch(/^1-\d+ /);
    const voice = report.tests.filter(
      (test) => /hello-voice|TwiML/.test(test.name) && !test.passed,
    );
    expect(voice.length).toBeGreaterThanOrEqual(2); // the handler test and the runtime's 504
    for (const test of voice) {
      expect(test.hintKind).toBe('callback');
      expect(test.hint).toContain('callback(null, 応答)');
      expect(test.hint).toContain('hello-voice.ts');
      expect(test.stage).toBe(lesson?.label);
    }
    expect(output).toContain(`(「${lesson?.stageId}」`);
    expect(output).toContain('docs/steps/01-function.md の段階の番号です');
    expect(output).not.toMatch(/STACK_TRACE_ERROR|Test timed out/);
  });

  it("names an exception by the learner's TypeScript file and line", async () => {
    const source = await readFile(join(scratch, 'step-1/src/functions/hello-json.ts'), 'utf8');
    const line = source.split('\n').findIndex((text) => text.includes('.a.b')) + 1;
    expect(failingHints(report).join('\n')).toContain(`src/functions/hello-json.ts:${line}:`);
    // What the room is told about it: the kind of hint, not the file or the line.
    expect(report.tests.some((test) => test.hintKind === 'exception')).toBe(true);
    expect(reportPassed(report)).toBe(false);
  });
});

describe('step 4 in a folder that still holds step 1, with a Voice URL and an identity check wrong', {
  timeout: 120_000,
}, () => {
  let report: CheckReport;
  let output: string;
  beforeAll(async () => {
    const dir = await seededFolder(4, {
      'twiml-app.json': (code) => code.replace('"/call"', '"/call.protected"'),
      'src/functions/voice-token.ts': (code) =>
        code.replace(
          "typeof identity !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(identity)",
          "typeof identity !== 'string'",
        ),
    });
    // Left over from step 1: `step:start 2` keeps the learner's files.
    for (const file of ['hello-voice.ts', 'hello-json.ts', 'hello-response.ts']) {
      await cp(
        join(referenceStepDir(stepOf(1)), 'src/functions', file),
        join(dir, 'src/functions', file),
      );
    }
    report = await checkFolder(stepOf(4), dir);
    output = formatReport(stepOf(4), report);
  }, 120_000);

  it('names leftover Functions as such, with the step they belong to, and no rename hint', () => {
    const leftovers = report.fileHints.filter((hint) => hint.text.includes('hello-'));
    expect(leftovers).toHaveLength(3);
    for (const hint of leftovers) {
      expect(hint.level).toBe('warning');
      expect(hint.text).toContain('手順1 の Function です(手順2 で使わなくなりました)');
    }
    expect(output).not.toContain('call.protected.ts にしてください');
    expect(output).not.toMatch(/名前を .* に変えてください/);
  });

  it('quotes a Voice URL no Function answers, with the path to write', () => {
    const hint = report.fileHints.find((candidate) => candidate.text.includes('voiceUrl'));
    expect(hint?.level).toBe('error');
    expect(hint?.text).toContain('"/call.protected"');
    expect(hint?.text).toContain('"/call" にしてください');
    expect(output).not.toContain('twiml-app.json を作り');
  });

  it("footnotes a step 3 stage with step 3's page, not step 4's", () => {
    expect(output).toContain('「3-4 identity の検査」');
    expect(output).toContain('(「3-4」は docs/steps/03-call-endpoint.md の段階の番号です)');
    expect(output).not.toContain('docs/steps/04-twiml-app.md の段階');
  });
});

describe('step 5 that still requires TWIML_APP_SID for every token', { timeout: 120_000 }, () => {
  it('fails the video-only case with the hint that names it', async () => {
    const dir = await seededFolder(5, {
      'src/functions/token.ts': (code) =>
        code.replace(
          "['ACCOUNT_SID', 'API_KEY', 'API_SECRET'] as const",
          "['ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'TWIML_APP_SID'] as const",
        ),
    });
    const report = await checkFolder(stepOf(5), dir);
    expect(reportPassed(report)).toBe(false);
    expect(failingHints(report).join('\n')).toContain(
      'video だけのトークンに要るのは ACCOUNT_SID、API_KEY、API_SECRET だけです',
    );
  });
});
