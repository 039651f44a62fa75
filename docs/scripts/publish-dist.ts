import { rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DOCS_DIR } from './lib/paths.js';

// `vitepress build` empties its output folder first. The build writes into its
// own .vitepress/dist-next-<pid> instead (the argument), and this swaps it in with
// two renames, so a preview server or a test reading .vitepress/dist never sees a
// half-built site, even while someone else builds in the same checkout.

const DIST = join(DOCS_DIR, '.vitepress/dist');
const NEXT = resolve(DOCS_DIR, process.argv[2] ?? '.vitepress/dist-next');
const OLD = join(DOCS_DIR, `.vitepress/dist-old-${process.pid}`);

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

if (!(await exists(join(NEXT, 'index.html')))) {
  console.error(`docs: ${NEXT} has no index.html; did vitepress build fail?`);
  process.exit(1);
}
if (await exists(DIST)) await rename(DIST, OLD);
await rename(NEXT, DIST);
await rm(OLD, { recursive: true, force: true });
console.log('docs: site ready in .vitepress/dist');
