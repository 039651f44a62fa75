import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FUNCTIONS_PACKAGE_DIR } from '@kit/functions/steps-dir';
import type { Step } from '@kit/shared';

/**
 * A real `pnpm step:check N` run, for the page that explains the learner loop:
 * a fresh workspace for step N (so, step N−1's code) checked with step N's
 * tests. Made at build time, so the page shows what the command prints today.
 */
export async function learnerCheckMarkdown(step: Step): Promise<string> {
  // Loaded when the page is made, not when the list of generated files is read (tests).
  const { checkFolder, createWorkspace, formatReport } = await import('@kit/functions/learner');
  // Inside the package, so the folder resolves the same packages as a real workspace.
  const scratchRoot = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
  await mkdir(scratchRoot, { recursive: true });
  const scratch = await mkdtemp(join(scratchRoot, 'docs-'));
  try {
    const dir = join(scratch, 'workspace');
    await createWorkspace(step, dir);
    const output = formatReport(step, await checkFolder(step, dir)).replaceAll(
      dir,
      'packages/functions/workspace',
    );
    return ['```text', `$ pnpm step:check ${step.number}`, output, '```', ''].join('\n');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
