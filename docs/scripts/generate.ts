import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STEPS } from '@kit/shared';
import { stepDiffMarkdown } from './lib/diff.js';
import { learnerCheckMarkdown } from './lib/learner-check.js';
import { GENERATED_DIR, STEPS_DIR } from './lib/paths.js';
import { callFlowSvg } from './lib/sequence.js';
import { envTableMarkdown, functionsTableMarkdown } from './lib/tables.js';

// Writes what the pages include but nobody writes by hand, into docs/.generated/
// (git-ignored): step-to-step diffs from the step folders, the env var and
// Function tables from the step catalog, the call-flow diagram as SVG, and a
// real `pnpm step:check` output.

await rm(GENERATED_DIR, { recursive: true, force: true });
for (const dir of ['diff', 'env', 'functions']) {
  await mkdir(join(GENERATED_DIR, dir), { recursive: true });
}

let written = 0;
async function write(relativePath: string, content: string): Promise<void> {
  await writeFile(join(GENERATED_DIR, relativePath), content, 'utf8');
  written++;
}

for (const [index, step] of STEPS.entries()) {
  const previous = STEPS[index - 1];
  await write(`env/${step.tag}.md`, envTableMarkdown(step));
  await write(`functions/${step.tag}.md`, functionsTableMarkdown(step));
  await write(`diff/${step.tag}.md`, await stepDiffMarkdown(STEPS_DIR, previous, step));
}
await write('call-flow.svg', callFlowSvg());
// Step 03's page shows the learner loop with a real run of step:check.
const callEndpointStep = STEPS.find((step) => step.tag === 'step-03');
if (callEndpointStep) await write('step-check-03.md', await learnerCheckMarkdown(callEndpointStep));

console.log(`docs: generated ${written} files in .generated/`);
