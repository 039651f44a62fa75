import { cp, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { ASSETS_OUT_DIR, FUNCTIONS_OUT_DIR } from '../server/routes.js';

export interface BuildStepOptions {
  /** The step folder: `src/functions/**.ts` and `src/assets/**` in, `dist/` out. */
  stepDir: string;
  /** Static files copied into the step's assets after its own (the phone's build). */
  extraAssetDirs?: readonly string[];
  /** Fail when an extra asset folder is missing, instead of deploying a step without its phone. */
  requireExtraAssets?: boolean;
}

/**
 * Compiles a step the way Twilio will run it: one CommonJS file per Function,
 * with what it imports from the workspace bundled in (the Functions service
 * installs only the step's package.json dependencies), and `twilio` left to the
 * runtime so there is one copy of it (TwiML is recognised by `instanceof`).
 */
export async function buildStep({
  stepDir,
  extraAssetDirs = [],
  requireExtraAssets = false,
}: BuildStepOptions): Promise<void> {
  if (requireExtraAssets) {
    for (const dir of extraAssetDirs) {
      if (!(await isDirectory(dir)))
        throw new Error(`${dir} is missing: build it first (pnpm build)`);
    }
  }
  const functionsSrc = join(stepDir, 'src/functions');
  const assetsSrc = join(stepDir, 'src/assets');
  const entryPoints = (await listFiles(functionsSrc)).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.d.ts'),
  );
  if (entryPoints.length === 0)
    throw new Error(`no Functions in ${relative(process.cwd(), functionsSrc)}`);

  // Build beside dist/, then move each file into place: a reader (a test, the
  // docs build) never finds a half-written or missing file while we rebuild.
  const staging = await mkdtemp(join(stepDir, '.dist-'));
  try {
    await build({
      entryPoints,
      outbase: functionsSrc,
      outdir: join(staging, FUNCTIONS_OUT_DIR.replace(/^dist\//, '')),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['twilio', '@twilio/runtime-handler'],
      charset: 'utf8',
      legalComments: 'none',
      logLevel: 'warning',
    });
    const assetsOut = join(staging, ASSETS_OUT_DIR.replace(/^dist\//, ''));
    await mkdir(assetsOut, { recursive: true });
    for (const dir of [assetsSrc, ...extraAssetDirs]) {
      if (await isDirectory(dir)) await cp(dir, assetsOut, { recursive: true });
    }
    await replaceContents(join(stepDir, 'dist'), staging);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Makes `target` hold exactly the files of `source`, renaming each file into place. */
async function replaceContents(target: string, source: string): Promise<void> {
  const fresh = (await listFiles(source)).map((file) => relative(source, file));
  for (const file of fresh) {
    await mkdir(dirname(join(target, file)), { recursive: true });
    await rename(join(source, file), join(target, file));
  }
  const keep = new Set(fresh);
  for (const file of await listFiles(target)) {
    if (!keep.has(relative(target, file))) await rm(file, { force: true });
  }
}

async function listFiles(dir: string): Promise<string[]> {
  if (!(await isDirectory(dir))) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}
