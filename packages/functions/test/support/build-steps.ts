import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { STEPS } from '@kit/shared';
import { buildStep } from '../../src/build/build-step.js';
import { buildReferenceStep } from '../../src/build/reference.js';
import { referenceStepDir } from '../../src/steps-dir.js';

/**
 * The learner's folder (STEP_DIR) is built here, so its tests never run a stale
 * dist/. Reference steps are built by `turbo run build` before the tests; they
 * are built here only when missing (a bare `vitest` run), never rebuilt, since
 * other packages' tests may be serving them at the same time.
 */
export default async function buildStepsUnderTest(): Promise<void> {
  const override = process.env.STEP_DIR;
  if (override) {
    // pnpm step:check has just built it (and reported build errors in the learner's words).
    if (!process.env.KIT_STEP_PREBUILT) await buildStep({ stepDir: override, typeCheck: false });
    return;
  }
  for (const step of STEPS) {
    const built = await access(join(referenceStepDir(step), 'dist/functions')).then(
      () => true,
      () => false,
    );
    if (!built) await buildReferenceStep(step);
  }
}
