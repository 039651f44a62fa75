import { resolve } from 'node:path';
import { findStep, type Step } from '@kit/shared';
import { referenceStepDir } from '../../src/steps-dir.js';

export interface StepUnderTest {
  step: Step;
  /** The folder the tests check: `STEP_DIR` (a learner's folder) or the reference snapshot. */
  dir: string;
}

/**
 * Each step's tests take the folder under test as a parameter, so the same
 * tests check the reference snapshot (default) or a learner's own folder.
 */
export function stepUnderTest(tag: string): StepUnderTest {
  const step = findStep(tag);
  if (!step) throw new Error(`unknown step ${tag}`);
  const override = process.env.STEP_DIR;
  return { step, dir: override ? resolve(override) : referenceStepDir(step) };
}
