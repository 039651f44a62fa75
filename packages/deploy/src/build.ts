import { buildReferenceStep } from '@kit/functions/build';
import { referenceStepDir } from '@kit/functions/steps-dir';
import type { Step } from '@kit/shared';
// @kit/functions exports only the reference build; a learner's folder needs the
// generic one. Imported by path until @kit/functions exports it (see README).
import { buildStep } from '../../functions/src/build/build-step.js';

export interface BuiltStep {
  stepDir: string;
  reference: boolean;
}

/** Builds the step's reference snapshot, or a learner's own folder given with `--dir`. */
export async function buildForDeploy(step: Step, stepDir?: string): Promise<BuiltStep> {
  if (stepDir === undefined) {
    await buildReferenceStep(step);
    return { stepDir: referenceStepDir(step), reference: true };
  }
  await buildStep({ stepDir });
  return { stepDir, reference: false };
}
