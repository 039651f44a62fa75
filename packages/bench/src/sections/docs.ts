import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Figure, figure } from '../report.js';
import { BENCH_DIR } from '../servers/fixture-step.js';

const SECTION = '5 docs';
const DOCS_DIR = resolve(BENCH_DIR, '../../docs');

/**
 * The docs' own vitepress builds the docs (another copy, even of the same
 * version, cannot resolve the docs' imports in a fresh install); the bench's
 * copy, pinned to the same 1.6.4, builds the baseline site beside it.
 */
function vitepressBin(fromDir: string): string {
  const require = createRequire(join(fromDir, 'package.json'));
  return join(dirname(require.resolve('vitepress/package.json')), 'bin/vitepress.js');
}

async function vitepressBuild(bin: string, siteDir: string, outDir: string): Promise<number> {
  await rm(outDir, { recursive: true, force: true });
  const started = performance.now();
  // Run from the site's folder, as its own `vitepress build` does: with another
  // working directory, Vite cannot resolve vue/server-renderer in a fresh install.
  const child = spawn(process.execPath, [bin, 'build', '.', '--outDir', outDir], {
    cwd: siteDir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0)
    throw new Error(`vitepress build ${siteDir} failed (${code}): ${stderr.slice(-2000)}`);
  return (performance.now() - started) / 1000;
}

/** A one-page VitePress site with the default theme: what any VitePress build costs. */
async function baselineSite(): Promise<string> {
  const dir = join(BENCH_DIR, '.work/baseline-site');
  await mkdir(join(dir, '.vitepress'), { recursive: true });
  await writeFile(
    join(dir, '.vitepress/config.mts'),
    "export default { lang: 'ja', title: 'baseline' };\n",
  );
  await writeFile(join(dir, 'index.md'), '# ベースライン\n\n一ページだけのサイトです。\n');
  return dir;
}

async function listFiles(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The heaviest page: its HTML plus every JS/CSS file it loads or preloads (raw bytes). */
async function largestPage(outDir: string): Promise<{ page: string; bytes: number }> {
  let largest = { page: '', bytes: 0 };
  for (const htmlFile of await listFiles(outDir, '.html')) {
    const html = await readFile(htmlFile, 'utf8');
    const assets = new Set(
      [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((match) => match[1] as string),
    );
    let bytes = Buffer.byteLength(html);
    for (const asset of assets) {
      bytes += await sizeOfAsset(outDir, asset);
    }
    if (bytes > largest.bytes) largest = { page: relative(outDir, htmlFile), bytes };
  }
  return largest;
}

/** Site-absolute paths may carry a `base` prefix: try the path, then without its first segment. */
async function sizeOfAsset(outDir: string, asset: string): Promise<number> {
  if (/^https?:/.test(asset)) return 0;
  const path = asset.replace(/^\//, '');
  for (const candidate of [path, path.split('/').slice(1).join('/')]) {
    const info = await stat(join(outDir, candidate)).catch(() => null);
    if (info?.isFile()) return info.size;
  }
  return 0;
}

export async function benchDocs(): Promise<Figure[]> {
  const work = join(BENCH_DIR, '.work');
  const baselineDir = await baselineSite();
  const baselineOut = join(work, 'baseline-dist');
  const docsOut = join(work, 'docs-dist');
  // Baseline first and last, docs in between: the slower baseline is kept, to be fair to ours.
  const docsBin = vitepressBin(DOCS_DIR);
  const baselineBin = vitepressBin(BENCH_DIR);
  const baselineSeconds = [await vitepressBuild(baselineBin, baselineDir, baselineOut)];
  const docsSeconds = await vitepressBuild(docsBin, DOCS_DIR, docsOut);
  baselineSeconds.push(await vitepressBuild(baselineBin, baselineDir, baselineOut));
  const docsPage = await largestPage(docsOut);
  const baselinePage = await largestPage(baselineOut);
  const pages = (await listFiles(docsOut, '.html')).length;
  return [
    figure({
      section: SECTION,
      metric: `vitepress build time (${pages} pages)`,
      unit: 's',
      value: docsSeconds,
      baseline: { label: 'one-page VitePress site', value: Math.max(...baselineSeconds) },
      note: 'docs built into packages/bench/.work (not docs/.vitepress/dist); docs/.generated comes from the docs build that turbo runs first',
    }),
    figure({
      section: SECTION,
      metric: `largest page weight (${docsPage.page}, HTML+JS+CSS)`,
      unit: 'kB',
      value: docsPage.bytes / 1000,
      baseline: { label: `one-page site ${baselinePage.page}`, value: baselinePage.bytes / 1000 },
    }),
  ];
}
