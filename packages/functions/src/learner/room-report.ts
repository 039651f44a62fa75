import type { Step } from '@kit/shared';
import { compareStageIds, REPORT_MAX_STAGES, type StepReport } from '@kit/shared/room';
import { readKitVersion, readMembership, sendReport } from '@kit/shared/room-client';
import { readStageCatalog } from '../stage-catalog.js';
import { type CheckReport, reportPassed } from './check.js';

/**
 * What `pnpm step:check` tells the instructor's room after a check, when the
 * attendee has joined one (`pnpm room:join`): the step, each stage's outcome,
 * the first failing stage, the id of the first hint shown, how long the check
 * took and the kit's version. Never the code, a path, a file's content, an
 * `.env` value or a secret: the report is built from ids and booleans only.
 */

/** The stage ids of step N's page, in order (`3-1` … `3-8`), from the reference Functions' markers. */
export async function stepStageIds(step: Step): Promise<string[]> {
  return (await readStageCatalog()).byStep[step.number] ?? [];
}

/**
 * The id of the first thing the check printed that needs fixing (formatReport's
 * order): a file to add or rename (`file-name`), code that did not build
 * (`build`), then the first failing test's hint: `callback`, `exception` or
 * `stage:3-4`. Warnings are not counted; null when nothing failed (or a failing
 * test's hint has no stage).
 */
export function hintIdOf(report: CheckReport): string | null {
  if (report.fileHints.some((hint) => hint.level === 'error')) return 'file-name';
  if (report.problem !== null) return 'build';
  const first = report.tests.find((test) => !test.passed);
  if (!first) return null;
  if (first.hintKind === 'callback') return 'callback';
  if (first.hintKind === 'exception') return 'exception';
  return first.stageId === null ? null : `stage:${first.stageId}`;
}

/**
 * The report for the room. A stage failed when a failing test maps to it;
 * when no test ran (the code did not build), no stage is counted as passed.
 * `failingStage` is the first failing stage in page order (an earlier page's
 * stage a later step retests, `3-3` in step 4, comes first).
 */
export async function stepReportFrom(
  step: Step,
  report: CheckReport,
  durationMs: number,
  kitVersion: string,
  stageIds?: readonly string[],
): Promise<StepReport> {
  const ids = stageIds ?? (await stepStageIds(step));
  const failing = new Set(
    report.tests.flatMap((test) => (!test.passed && test.stageId !== null ? [test.stageId] : [])),
  );
  const ran = report.tests.length > 0 && report.problem === null;
  return {
    step: step.number,
    stages: ids.slice(0, REPORT_MAX_STAGES).map((id) => ({ id, passed: ran && !failing.has(id) })),
    failingStage: [...failing].sort(compareStageIds)[0] ?? null,
    hintId: hintIdOf(report),
    passed: reportPassed(report),
    durationMs: Math.min(3_600_000, Math.max(0, Math.round(durationMs))),
    kitVersion,
  };
}

/** How long step:check waits for the room: a report never holds up the learner. */
export const ROOM_REPORT_TIMEOUT_MS = 1_000;

/**
 * Sends the check's report to the room named in `roomFile`, if there is one:
 * no membership, nothing happens and nothing is printed. Otherwise one line:
 * reported, or why not (the check's outcome and exit code never change).
 */
export async function reportToRoom(
  roomFile: string,
  step: Step,
  report: CheckReport,
  durationMs: number,
  print: (line: string) => void,
): Promise<void> {
  const notReported = (japanese: string, english: string) =>
    print(
      `⚠ 教室に報告できませんでした(${japanese.replace(/。$/, '')})。チェックの結果は変わりません。(could not report to the room: ${english}; the check's result stands)`,
    );
  try {
    const read = await readMembership(roomFile);
    if (read.kind === 'none') return;
    if (read.kind === 'invalid') {
      notReported(
        '参加情報が読めません。pnpm room:leave のあと pnpm room:join URL',
        'unreadable membership file',
      );
      return;
    }
    const body = await stepReportFrom(step, report, durationMs, await readKitVersion());
    const sent = await sendReport(read.membership, body, { timeoutMs: ROOM_REPORT_TIMEOUT_MS });
    if (sent.ok) print('ℹ 教室に報告しました。(reported to the room)');
    else notReported(sent.message, sent.english);
  } catch (error) {
    // The room is a convenience: whatever goes wrong here, the check stands.
    notReported('予期しないエラー', error instanceof Error ? error.message : String(error));
  }
}
