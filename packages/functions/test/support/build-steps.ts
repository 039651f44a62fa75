import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { STEPS } from '@kit/shared';
import { referenceStepDir } from '../../src/steps-dir.js';

/**
 * (The builders are imported only when something is to be built: they load the
 * TypeScript compiler, about 0.7 s of CPU that every step:check's child Vitest
 * would otherwise pay for a folder step:check has just built.)
 *
 * The learner's folder (STEP_DIR) is built here, so its tests never run a stale
 * dist/. Reference steps are built by `turbo run build` before the tests; they
 * are built here only when missing (a bare `vitest` run), never rebuilt, since
 * other packages' tests may be serving them at the same time.
 */
export default async function buildStepsUnderTest(): Promise<void> {
  const override = process.env.STEP_DIR;
  if (override) {
    // pnpm step:check has just built it (and reported build errors in the learner's words).
    if (!process.env.KIT_STEP_PREBUILT) {
      const { buildStep } = await import('../../src/build/build-step.js');
      await buildStep({ stepDir: override, typeCheck: false });
    }
    return;
  }
  for (const step of STEPS) {
    const built = await access(join(referenceStepDir(step), 'dist/functions')).then(
      () => true,
      () => false,
    );
    if (!built) {
      const { buildReferenceStep } = await import('../../src/build/reference.js');
      await buildReferenceStep(step);
    }
  }
}
