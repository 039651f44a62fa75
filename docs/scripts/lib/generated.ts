import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import { STEPS } from '@kit/shared';
import { docsBase, repositoryUrl } from '../../.vitepress/site-env.js';
import { cloneMarkdown } from './clone.js';
import { stepDiffMarkdown } from './diff.js';
import { learnerCheckMarkdown } from './learner-check.js';
import { STEPS_DIR } from './paths.js';
import { routesMarkdown } from './routes.js';
import { callFlowSvg } from './sequence.js';
import { stageBlocks, stageMarkdown } from './stages.js';
import {
  consoleAssetsTableMarkdown,
  type Downloads,
  envTableMarkdown,
  functionsTableMarkdown,
} from './tables.js';

/** The phone's files as this build publishes them (read when a table is written). */
const phoneDownloads = (): Downloads => ({
  base: docsBase(),
  sizeOf: (file) => statSync(join(PHONE_DIST_DIR, file)).size,
});

export interface GeneratedFile {
  /** Relative to docs/.generated, `/`-separated. */
  path: string;
  /** Made only when written: some take a while (a real `step:check` run). */
  content: () => string | Promise<string>;
}

/**
 * Everything the generator writes, by name first: the pages include these, and
 * the tests check the includes against this list without generating anything.
 */
export function generatedFiles(stepsDir = STEPS_DIR): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const [index, step] of STEPS.entries()) {
    const previous = STEPS[index - 1];
    files.push(
      { path: `env/${step.tag}.md`, content: () => envTableMarkdown(step) },
      { path: `functions/${step.tag}.md`, content: () => functionsTableMarkdown(step) },
      {
        path: `assets/${step.tag}.md`,
        content: () => consoleAssetsTableMarkdown(step, phoneDownloads()),
      },
      { path: `diff/${step.tag}.md`, content: () => stepDiffMarkdown(stepsDir, previous, step) },
    );
    for (const block of stageBlocks(stepsDir, step)) {
      files.push({ path: block.partial, content: () => stageMarkdown(block) });
    }
  }
  files.push({ path: 'call-flow.svg', content: callFlowSvg });
  // The clone command, with the repository's URL from the build (see .vitepress/site-env.ts).
  files.push({ path: 'clone.md', content: () => cloneMarkdown(repositoryUrl()) });
  // The box under every page's title: the Console route and what needs a clone.
  files.push({ path: 'routes.md', content: routesMarkdown });
  // Step 03's page shows the learner loop with a real run of step:check.
  const callEndpointStep = STEPS.find((step) => step.tag === 'step-03');
  if (callEndpointStep) {
    files.push({
      path: 'step-check-03.md',
      content: () => learnerCheckMarkdown(callEndpointStep),
    });
  }
  return files;
}
