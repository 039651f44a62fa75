import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import type { Step } from '@kit/shared';
import { referenceStepDir } from '../steps-dir.js';
import { buildStep } from './build-step.js';

/**
 * Builds a folder holding step `step`'s code (the reference snapshot or a
 * learner's own folder). Steps that serve the phone get its build in their
 * assets, and fail to build without it rather than deploy a step with no phone.
 */
export async function buildStepFolder(
  step: Step,
  stepDir: string,
  { typeCheck = true }: { typeCheck?: boolean } = {},
): Promise<void> {
  await buildStep({
    stepDir,
    extraAssetDirs: step.servesPhone ? [PHONE_DIST_DIR] : [],
    requireExtraAssets: step.servesPhone,
    typeCheck,
  });
}

/** Builds a step's reference snapshot (what `pnpm build` produces and the tests serve). */
export function buildReferenceStep(step: Step): Promise<void> {
  return buildStepFolder(step, referenceStepDir(step));
}
