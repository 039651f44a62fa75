import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import type { Step } from '@kit/shared';
import { referenceStepDir } from '../steps-dir.js';
import { buildStep } from './build-step.js';

/**
 * Builds a step's reference snapshot (what `pnpm build` produces and the tests
 * serve). Steps that serve the phone get its build in their assets; Turborepo
 * builds the phone first (`^build`), so it is never copied stale or missing.
 */
export async function buildReferenceStep(step: Step): Promise<void> {
  await buildStep({
    stepDir: referenceStepDir(step),
    extraAssetDirs: step.servesPhone ? [PHONE_DIST_DIR] : [],
    requireExtraAssets: step.servesPhone,
  });
}
