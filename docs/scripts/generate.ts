import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import { STEPS } from '@kit/shared';
import { generatedFiles } from './lib/generated.js';
import { DOWNLOADS_DIR, GENERATED_DIR } from './lib/paths.js';

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

// The phone page built for the Console, published as a download (the same bytes as
// packages/browser-phone/dist: the Console route needs no clone). docs/public/downloads
// is git-ignored; VitePress copies public/ into the site.
await rm(DOWNLOADS_DIR, { recursive: true, force: true });
for (const step of STEPS) {
  for (const asset of step.consoleAssets) {
    const target = join(DOWNLOADS_DIR, step.tag, asset.file);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(PHONE_DIST_DIR, asset.file), target);
  }
}

console.log(`docs: generated ${files.length} files in .generated/`);
