import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findStep } from '@kit/shared';
import { afterAll, beforeAll } from 'vitest';
import {
  checkStep,
  diffStep,
  type LearnerIo,
  solveStep,
  startStep,
} from '../../src/learner/commands.js';
import { FUNCTIONS_PACKAGE_DIR } from '../../src/steps-dir.js';

/**
 * The learner's loop on a scratch folder of the test file's own, called as
 * code (src/learner/commands.ts: what the bin runs once its command line is
 * parsed). Scratch folders live inside the package so they resolve the same
 * packages as a real one. Call once per test file, at its top level.
 */
export function learnerLoop(): {
  /** The learner's folder (valid inside tests). */
  dir: () => string;
  scratch: () => string;
  step: (...args: string[]) => Promise<{ code: number; output: string }>;
} {
  const SCRATCH_ROOT = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
  let dir = '';
  let scratch = '';
  beforeAll(async () => {
    await mkdir(SCRATCH_ROOT, { recursive: true });
    scratch = await mkdtemp(join(SCRATCH_ROOT, 'run-'));
    dir = join(scratch, 'workspace');
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  /** `pnpm step:<command> N [--flag]`, as the bin runs it once its command line is parsed. */
  async function step(...args: string[]): Promise<{ code: number; output: string }> {
    const [command, stepNumber = '', ...flags] = args;
    const found = findStep(stepNumber);
    if (!found) throw new Error(`no step ${stepNumber}`);
    const lines: string[] = [];
    const io: LearnerIo = { dir, print: (line) => lines.push(line) };
    const run = {
      start: () => startStep(io, found, flags.includes('--reference')),
      check: () => checkStep(io, found, flags.includes('--verbose')),
      diff: () => diffStep(io, found),
      solution: () => solveStep(io, found),
    }[command as 'start' | 'check' | 'diff' | 'solution'];
    if (!run) throw new Error(`no command ${command}`);
    const code = await run();
    return { code, output: lines.join('\n') };
  }
  return { dir: () => dir, scratch: () => scratch, step };
}
