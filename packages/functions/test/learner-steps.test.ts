import { describe, expect, it } from 'vitest';
import { learnerLoop } from './support/learner-loop.js';

/**
 * Each step's loop end to end: the previous step's finished code fails the
 * step's check, the step's own finished code passes it. A file of its own (its
 * own scratch folder) so it runs beside learner.test.ts.
 */
const { step } = learnerLoop();

// Step 3's loop (step 2's code fails with its rename hint, the reference passes) is
// in learner.test.ts, which checks the same two folders with more assertions.
describe.each([2, 4])('the loop for step %i', { timeout: 180_000 }, (stepNumber) => {
  it('fails on the previous step’s code and passes with the reference', async () => {
    expect((await step('start', String(stepNumber), '--reference')).code).toBe(0);
    const unchanged = await step('check', String(stepNumber));
    expect(unchanged.code, unchanged.output).toBe(1);
    expect(unchanged.output).toMatch(/件失敗/);
    expect((await step('solution', String(stepNumber))).code).toBe(0);
    const solved = await step('check', String(stepNumber));
    expect(solved.code, solved.output).toBe(0);
  });
});
