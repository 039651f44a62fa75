import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generatedFiles } from './lib/generated.js';
import { GENERATED_DIR } from './lib/paths.js';

// Writes what the pages include but nobody writes by hand, into docs/.generated/
// (git-ignored): step-to-step diffs from the step folders, the env var, Function
// and Console asset tables from the step catalog, each Function's stages (the
// TypeScript and the Console's JavaScript, stage by stage), the call-flow
// diagram as SVG, and a real `pnpm step:check` output.

await rm(GENERATED_DIR, { recursive: true, force: true });
const files = generatedFiles();
for (const file of files) {
  const target = join(GENERATED_DIR, file.path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, await file.content(), 'utf8');
}

console.log(`docs: generated ${files.length} files in .generated/`);
