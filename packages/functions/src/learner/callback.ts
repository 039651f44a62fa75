import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findStep, functionFileName, STEPS, stepDocPath } from '@kit/shared';
import { parseStages } from '../stages.js';
import { referenceStepDir } from '../steps-dir.js';

/** Starts the message of a unit test whose Function never called back (see test/support/invoke.ts). */
export const CALLBACK_TIMEOUT_MARK = 'CALLBACK_TIMEOUT';

export interface Lesson {
  /** `1-2` */
  stageId: string;
  /** `1-2 callback` */
  label: string;
  /** `docs/steps/01-function.md` */
  page: string;
}

let cached: Lesson | null | undefined;

/**
 * The stage that first teaches `callback`: the first marked line, in step
 * order, of the finished Functions that calls it. Read from the code, so it
 * follows the pages when stages are renumbered.
 */
export function callbackLesson(): Lesson | null {
  if (cached !== undefined) return cached;
  cached = null;
  for (const step of STEPS) {
    for (const fn of step.functions) {
      const file = join(referenceStepDir(step), 'src/functions', functionFileName(fn));
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const staged = parseStages(text);
      const line = staged.lines.find(
        (candidate) => /\bcallback\(/.test(candidate.text) && candidate.stage,
      );
      if (!line?.stage) continue;
      const stageId = `${line.stage.step}-${line.stage.index}`;
      const title = staged.stages.find((stage) => stage.id === stageId)?.title ?? '';
      const page = findStep(line.stage.step);
      cached = {
        stageId,
        label: `${stageId} ${title}`.trim(),
        page: page ? `docs/${stepDocPath(page)}` : '',
      };
      return cached;
    }
  }
  return cached;
}

/** `docs/steps/01-function.md の「1-2 callback」` */
export function describeLesson(lesson: Lesson): string {
  return `${lesson.page} の「${lesson.label}」`;
}
