import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkFolder, reportPassed } from '@kit/functions/learner';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '@kit/functions/steps-dir';
import { copySolution } from '@kit/functions/workspace';
import { findStep, type Step } from '@kit/shared';
import { type Figure, figure } from '../report.js';
import { median } from '../stats.js';

const SECTION = '6 learner';

/** Twilio's execution limit, which a Function without callback waits out (quoted from Twilio's docs). */
const EXECUTION_LIMIT_S = 10;

/**
 * What an attendee waits for after `pnpm step:check 3` (the check as code: the
 * folder's build, the step's tests in a child Vitest, the hints), on the
 * finished code and on the finished code without its last `callback`. The
 * baseline is the step's test file run bare on the reference, in the same run:
 * the part of the wait that is the tests themselves.
 */
export async function benchLearnerCheck(runs: number): Promise<Figure[]> {
  const step = findStep(3) as Step;
  const root = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
  await mkdir(root, { recursive: true });
  const scratch = await mkdtemp(join(root, 'bench-'));
  try {
    const passing = join(scratch, 'passing');
    const silent = join(scratch, 'silent');
    await copySolution(step, passing);
    await copySolution(step, silent);
    const file = join(silent, 'src/functions/voice-token.ts');
    const code = await readFile(file, 'utf8');
    const seeded = code.replace(/\n {2}callback\(null, response\);\n\};\s*$/, '\n};\n');
    if (seeded === code) throw new Error('could not remove the final callback of voice-token.ts');
    await writeFile(file, seeded);

    const bare: number[] = [];
    const checkPassing: number[] = [];
    const checkSilent: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      bare.push(await timed(() => bareTestRun(step)));
      checkPassing.push(await timed(() => expectCheck(step, passing, true)));
      checkSilent.push(await timed(() => expectCheck(step, silent, false)));
    }
    const baseline = {
      label: `bare vitest run of test/${step.tag}.test.ts on the reference`,
      value: median(bare),
    };
    const passingSeconds = median(checkPassing);
    const silentSeconds = median(checkSilent);
    const silentLimit = EXECUTION_LIMIT_S + passingSeconds + 2;
    return [
      figure({
        section: SECTION,
        metric: `step:check 3, finished code (median of ${runs})`,
        unit: 's',
        value: passingSeconds,
        baseline,
      }),
      figure({
        section: SECTION,
        metric: `step:check 3, finished code without its callback (median of ${runs})`,
        unit: 's',
        value: silentSeconds,
        baseline,
        target: {
          text: `≤ ${silentLimit.toFixed(1)} s (Twilio's 10 s + the passing check + 2 s)`,
          pass: silentSeconds <= silentLimit,
        },
      }),
    ];
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function expectCheck(step: Step, dir: string, passes: boolean): Promise<void> {
  const report = await checkFolder(step, dir);
  if (reportPassed(report) !== passes) {
    throw new Error(`step:check ${step.number} on ${dir} should ${passes ? 'pass' : 'fail'}`);
  }
}

/** The step's tests alone, as `pnpm test` runs them on the reference (already built). */
async function bareTestRun(step: Step): Promise<void> {
  const child = spawn(
    join(FUNCTIONS_PACKAGE_DIR, 'node_modules/.bin/vitest'),
    ['run', `test/${step.tag}.test.ts`, '--reporter=dot'],
    {
      cwd: FUNCTIONS_PACKAGE_DIR,
      env: { ...process.env, STEP_DIR: referenceStepDir(step), KIT_STEP_PREBUILT: '1' },
      stdio: 'ignore',
    },
  );
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`vitest run test/${step.tag}.test.ts exited ${code}`);
}
