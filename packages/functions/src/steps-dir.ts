import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Step } from '@kit/shared';

/** `packages/functions`, wherever the checkout is. */
export const FUNCTIONS_PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The reference snapshot of a step: `packages/functions/steps/step-NN`. */
export function referenceStepDir(step: Step): string {
  return join(FUNCTIONS_PACKAGE_DIR, 'steps', step.tag);
}
