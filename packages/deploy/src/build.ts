import { buildReferenceStep, buildStepFolder } from '@kit/functions/build';
import { referenceStepDir } from '@kit/functions/steps-dir';
import type { Step } from '@kit/shared';

export interface BuiltStep {
  stepDir: string;
  reference: boolean;
}

/**
 * Builds the step's reference snapshot, or a learner's own folder given with
 * `--dir`. Either way a step that serves the phone gets the phone's build in
 * its assets, and the build fails if the phone has not been built.
 */
export async function buildForDeploy(step: Step, stepDir?: string): Promise<BuiltStep> {
  if (stepDir === undefined) {
    await buildReferenceStep(step);
    return { stepDir: referenceStepDir(step), reference: true };
  }
  await buildStepFolder(step, stepDir);
  return { stepDir, reference: false };
}
