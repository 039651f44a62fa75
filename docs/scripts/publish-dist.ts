import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DOCS_DIR } from './lib/paths.js';

// `vitepress build` empties its output folder first. The build writes into
// .vitepress/dist-next instead, and this swaps it in with two renames, so a
// preview server or a test reading .vitepress/dist never sees a half-built site.

const DIST = join(DOCS_DIR, '.vitepress/dist');
const NEXT = join(DOCS_DIR, '.vitepress/dist-next');
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
