import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findStep, type Step } from '@kit/shared';
import { STEP_REPORT_FIELDS } from '@kit/shared/room';
import { type Membership, writeMembership } from '@kit/shared/room-client';
import { closedRoomUrl, type FakeRoom, startFakeRoom } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckedTest, CheckReport } from '../src/learner/check.js';
import { checkStep, type LearnerIo } from '../src/learner/commands.js';
import { hintIdOf, stepReportFrom, stepStageIds } from '../src/learner/room-report.js';
import { copySolution } from '../src/learner/workspace.js';
import { FUNCTIONS_PACKAGE_DIR } from '../src/steps-dir.js';

/**
 * What step:check tells the instructor's room: built from ids and booleans
 * only, sent after everything the check prints, never changing its outcome.
 */

function stepOf(number: number): Step {
  const step = findStep(number);
  if (!step) throw new Error(`no step ${number}`);
  return step;
}

const SECRET = 'SKdeadbeefdeadbeefdeadbeefdeadbeef';
// An attendee's absolute path, made here (no file of the kit names one).
const PATH = join(tmpdir(), 'hanako', 'workshop/workspace/src/functions/voice-token.ts');

function test(
  stageId: string | null,
  passed: boolean,
  extra: Partial<CheckedTest> = {},
): CheckedTest {
  return {
    name: `voice-token ${stageId ?? ''} test`,
    passed,
    detail: passed ? '' : `expected API_SECRET=${SECRET} at ${PATH}:12`,
    hint: `${PATH} を直してください(${SECRET})`,
    stage: stageId ? `${stageId} 何か` : null,
    stageId,
    ...extra,
  };
}

function report(tests: CheckedTest[], more: Partial<CheckReport> = {}): CheckReport {
  return { tests, problem: null, fileHints: [], raw: `STEP_DIR=${PATH} ${SECRET}`, ...more };
}

describe('stepReportFrom', () => {
  it('takes every stage of the step from the reference Functions, in page order', async () => {
    const ids = await stepStageIds(stepOf(3));
    expect(ids[0]).toBe('3-1');
    expect(ids).toEqual([...ids].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1])));
    expect(ids).toContain('3-8');
    expect(ids.every((id) => id.startsWith('3-'))).toBe(true);
  });

  it('says each stage, the first failing stage and the first hint, and nothing else', async () => {
    const checked = report([
      test('3-1', true),
      test('3-7', false),
      test('3-4', false),
      test('3-4', true),
    ]);
    const body = await stepReportFrom(stepOf(3), checked, 4321.6, '0.0.0', ['3-1', '3-4', '3-7']);
    expect(Object.keys(body)).toEqual([...STEP_REPORT_FIELDS]);
    expect(body).toEqual({
      step: 3,
      stages: [
        { id: '3-1', passed: true },
        { id: '3-4', passed: false },
        { id: '3-7', passed: false },
      ],
      failingStage: '3-4',
      hintId: 'stage:3-7',
      passed: false,
      durationMs: 4322,
      kitVersion: '0.0.0',
    });
    const json = JSON.stringify(body);
    for (const leak of [SECRET, PATH, 'voice-token', 'API_SECRET', '/home', '直して']) {
      expect(json).not.toContain(leak);
    }
  });

  it('names the kind of hint the check printed first', () => {
    expect(hintIdOf(report([test('3-2', true)]))).toBeNull();
    expect(hintIdOf(report([test('3-2', false, { hintKind: 'callback' })]))).toBe('callback');
    expect(hintIdOf(report([test('3-2', false, { hintKind: 'exception' })]))).toBe('exception');
    expect(hintIdOf(report([test(null, false)]))).toBeNull();
    expect(
      hintIdOf(report([test('3-2', false)], { fileHints: [{ level: 'warning', text: PATH }] })),
    ).toBe('stage:3-2');
    expect(
      hintIdOf(report([test('3-2', false)], { fileHints: [{ level: 'error', text: PATH }] })),
    ).toBe('file-name');
    expect(hintIdOf(report([], { problem: `${PATH}:3 SyntaxError` }))).toBe('build');
  });

  it('passes a passed check, and counts no stage as passed when nothing ran', async () => {
    const passed = await stepReportFrom(stepOf(2), report([test('2-1', true)]), 10, '1.2.3', [
      '2-1',
      '2-2',
    ]);
    expect(passed).toMatchObject({ passed: true, failingStage: null, hintId: null });
    expect(passed.stages.every((stage) => stage.passed)).toBe(true);
    const broken = await stepReportFrom(stepOf(2), report([], { problem: 'x' }), -5, '1', ['2-1']);
    expect(broken).toMatchObject({
      passed: false,
      stages: [{ id: '2-1', passed: false }],
      hintId: 'build',
      durationMs: 0,
    });
  });

  it('puts an earlier page’s stage a later step retests first', async () => {
    const body = await stepReportFrom(
      stepOf(4),
      report([test('4-2', false), test('3-3', false)]),
      1,
      '0',
      ['4-1', '4-2'],
    );
    expect(body.failingStage).toBe('3-3');
    expect(body.stages).toEqual([
      { id: '4-1', passed: true },
      { id: '4-2', passed: false },
    ]);
  });
});

describe('step:check with a room', { timeout: 60_000 }, () => {
  let room: FakeRoom;
  let scratch = '';
  let dir = '';
  const step = stepOf(1);
  beforeAll(async () => {
    room = await startFakeRoom();
    const root = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
    await mkdir(root, { recursive: true });
    scratch = await mkdtemp(join(root, 'room-'));
    dir = join(scratch, 'workspace');
    // A folder that does not build: the check stops before any test runs (no child Vitest).
    await copySolution(step, dir);
    await writeFile(
      join(dir, 'src/functions/hello-voice.ts'),
      `const secret = '${SECRET}';\nexport const = ;\n`,
    );
  });
  afterAll(async () => {
    await room.close();
    await rm(scratch, { recursive: true, force: true });
  });

  async function check(roomFile?: string) {
    const lines: string[] = [];
    const io: LearnerIo = { dir, print: (line) => lines.push(line), ...(roomFile && { roomFile }) };
    const started = Date.now();
    const code = await checkStep(io, step, false);
    return { code, lines, ms: Date.now() - started };
  }

  async function member(roomUrl: string, name: string): Promise<string> {
    const file = join(scratch, `${name}.json`);
    const membership: Membership = {
      ...room.addMember(name),
      roomUrl,
      joinedAt: new Date().toISOString(),
    };
    await writeMembership(file, membership);
    return file;
  }

  it('reports to the room after the output, which it leaves as it was', async () => {
    const alone = await check();
    const noFile = await check(join(scratch, 'no-room.json'));
    expect(noFile).toMatchObject({ code: alone.code, lines: alone.lines });
    expect(alone.code).toBe(1);

    const file = await member(room.url, 'hanako');
    const before = room.requests.length;
    const reported = await check(file);
    expect(reported.code).toBe(alone.code);
    expect(reported.lines.slice(0, -1)).toEqual(alone.lines);
    expect(reported.lines.at(-1)).toContain('教室に報告しました');
    const received = room.requests.slice(before);
    expect(received.map((request) => request.path)).toEqual(['/api/report']);
    const body = received[0]?.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([...STEP_REPORT_FIELDS]);
    expect(body).toMatchObject({ step: 1, passed: false, hintId: 'build', failingStage: null });
    const text = received[0]?.text ?? '';
    const source = await readFile(join(dir, 'src/functions/hello-voice.ts'), 'utf8');
    for (const leak of [SECRET, dir, scratch, 'hello-voice', source.trim()]) {
      expect(text).not.toContain(leak);
    }
  });

  it('says in one line that it could not report, keeping the exit code and the time bounded', async () => {
    const alone = await check();
    const gone = await check(await member(await closedRoomUrl(), 'gone'));
    expect(gone.code).toBe(alone.code);
    expect(gone.lines.slice(0, -1)).toEqual(alone.lines);
    expect(gone.lines.at(-1)).toMatch(
      /^⚠ 教室に報告できませんでした(.+)。チェックの結果は変わりません。\(could not report/,
    );
    expect(gone.lines.at(-1)).not.toContain('\n');
    const silent = await startFakeRoom({ delayMs: Number.POSITIVE_INFINITY });
    try {
      const result = await check(await member(silent.url, 'silent'));
      expect(result.code).toBe(alone.code);
      expect(result.lines.at(-1)).toContain('教室に報告できませんでした');
      expect(result.ms - alone.ms).toBeLessThan(2_500);
    } finally {
      await silent.close();
    }
  });
});
