import type { Step } from '@kit/shared';
import { referenceStepDir } from '../steps-dir.js';
import { buildStep } from './build-step.js';

/** Builds a step's reference snapshot (what `pnpm build` produces and the tests serve). */
export async function buildReferenceStep(step: Step): Promise<void> {
  await buildStep({ stepDir: referenceStepDir(step) });
}
