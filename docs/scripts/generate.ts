import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import { STEPS } from '@kit/shared';
import { generatedFiles } from './lib/generated.js';
import { DOWNLOADS_DIR, GENERATED_DIR } from './lib/paths.js';

// Writes what the pages include but nobody writes by hand, into docs/.generated/
// (git-ignored): step-to-step diffs from the step folders, the env var, Function
// and Console asset tables from the step catalog, each Function's stages (the
// TypeScript and the Console's JavaScript, stage by stage), the call-flow
// diagram as SVG, and a real `pnpm step:check` output.

/**
 * Makes `dir` hold exactly `files`, each written beside its place and renamed
 * into it: the repo tests read these files while an e2e spec may be generating
 * them again (the sub-path build), and must never find one missing or half-written.
 */
async function replaceTree(dir: string, files: Map<string, string | Buffer>): Promise<void> {
  for (const [path, content] of files) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, content);
    await rename(temporary, target);
  }
  const present = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of present) {
    if (!entry.isFile()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (!files.has(path) && !path.endsWith('.tmp')) await rm(join(dir, path), { force: true });
  }
}

const files = generatedFiles();
const contents = new Map<string, string>();
for (const file of files) contents.set(file.path, await file.content());
await replaceTree(GENERATED_DIR, contents);

// The phone page built for the Console, published as a download (the same bytes as
// packages/browser-phone/dist: the Console route needs no clone). docs/public/downloads
// is git-ignored; VitePress copies public/ into the site.
const downloads = new Map<string, Buffer>();
for (const step of STEPS) {
  for (const asset of step.consoleAssets) {
    downloads.set(join(step.tag, asset.file), await readFile(join(PHONE_DIST_DIR, asset.file)));
  }
}
await replaceTree(DOWNLOADS_DIR, downloads);

console.log(`docs: generated ${files.length} files in .generated/`);
