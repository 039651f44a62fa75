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
    return [
      '```text',
      `$ pnpm step:check ${step.number}`,
      japaneseLines(output),
      '```',
      '',
      '実際の出力では、✗ の行の下に、失敗したテストの名前とその詳細が英語で続きます(ここでは省いています)。',
      '',
    ].join('\n');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The report without the failing tests' names and assertion messages, which are
 * English (`  - step-03 on the real runtime …` and the indented lines under it):
 * the page shows the Japanese hints and says that the rest is left out.
 */
export function japaneseLines(report: string): string {
  return report
    .split('\n')
    .filter((line) => !/^ {2}- /.test(line) && !/^ {4}\S/.test(line))
    .join('\n');
}
