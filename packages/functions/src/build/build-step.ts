import { cp, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { ASSETS_OUT_DIR, FUNCTIONS_OUT_DIR } from '../server/routes.js';
// Types only: the compiler (TypeScript, a quarter of a second to load) is imported
// when a step is built, not by every process that imports this module (pnpm dev on
// a prebuilt step, doctor, the tests).
import type { readSource, SourceProblem } from './compile-functions.js';

export interface BuildStepOptions {
  /** The step folder: `src/functions/**.ts` and `src/assets/**` in, `dist/` out. */
  stepDir: string;
  /** Static files copied into the step's assets after its own (the phone's build). */
  extraAssetDirs?: readonly string[];
  /** Fail when an extra asset folder is missing, instead of deploying a step without its phone. */
  requireExtraAssets?: boolean;
  /**
   * Type-check before emitting (default). A learner's folder is built without it:
   * loading Twilio's type files (about 600) costs seconds per process, the
   * learner's editor type-checks with steps/tsconfig.json, and step:check runs
   * the code itself. Syntax errors are reported either way.
   */
  typeCheck?: boolean;
}

/** A step that does not compile: what is wrong, where, in the learner's own files. */
export class StepBuildError extends Error {
  constructor(
    readonly japanese: string,
    readonly problems: readonly SourceProblem[] = [],
  ) {
    super(
      problems.length > 0 ? `${japanese}\n${problems.map(formatProblem).join('\n')}` : japanese,
    );
    this.name = 'StepBuildError';
  }
}

function formatProblem(problem: SourceProblem): string {
  const where =
    problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${where}: ${problem.japanese ?? problem.message}`;
}

/**
 * Compiles a step the way Twilio will run it: each `src/functions/*.ts` is
 * type-checked, then emitted by the TypeScript compiler as one plain CommonJS
 * file (comments kept, no bundler), the file that is deployed and shown in the
 * docs. Function files import nothing at run time: `Twilio` and `Runtime` are
 * the runtime's globals, and `twilio` stays the one copy the runtime resolves.
 */
export async function buildStep({
  stepDir,
  extraAssetDirs = [],
  requireExtraAssets = false,
  typeCheck = true,
}: BuildStepOptions): Promise<void> {
  if (requireExtraAssets) {
    for (const dir of extraAssetDirs) {
      if (!(await isDirectory(dir)))
        throw new Error(`${dir} is missing: build it first (pnpm build)`);
    }
  }
  const functionsSrc = join(stepDir, 'src/functions');
  const assetsSrc = join(stepDir, 'src/assets');
  const files = await listFiles(functionsSrc);
  const sources = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
  const shown = (file: string) => relative(stepDir, file);
  if (sources.length === 0) {
    const strays = files.filter((file) => file.endsWith('.js')).map(shown);
    throw new StepBuildError(
      strays.length > 0
        ? `${shown(functionsSrc)} に .ts の Function がありません(${strays.join(', ')} は .js です)。ファイル名を .ts にしてください。`
        : `${shown(functionsSrc)} に Function がありません。src/functions/<名前>.ts を作ってください。`,
    );
  }
  const compiler = await import('./compile-functions.js');
  const compiled = compileFunctions(compiler, sources.map(compiler.readSource), typeCheck);
  const problems = compiled.problems.map((problem) => ({ ...problem, file: shown(problem.file) }));
  if (problems.length > 0)
    throw new StepBuildError('TypeScript のコンパイルに失敗しました。', problems);

  // Build beside dist/, then move each file into place: a reader (a test, the
  // docs build) never finds a half-written or missing file while we rebuild.
  const staging = await mkdtemp(join(stepDir, '.dist-'));
  try {
    const functionsOut = join(staging, FUNCTIONS_OUT_DIR.replace(/^dist\//, ''));
    for (const { fileName, js } of compiled.outputs) {
      const target = join(functionsOut, relative(functionsSrc, fileName).replace(/\.ts$/, '.js'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, js);
    }
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

/** Type-checks the Functions together, then emits each one alone. */
function compileFunctions(
  { checkFunctionSources, emitFunction }: typeof import('./compile-functions.js'),
  sources: ReturnType<typeof readSource>[],
  typeCheck: boolean,
): {
  outputs: { fileName: string; js: string }[];
  problems: SourceProblem[];
} {
  const problems = typeCheck ? checkFunctionSources(sources) : [];
  const outputs = sources.map((source) => {
    const emitted = emitFunction(source);
    problems.push(...emitted.problems);
    return { fileName: source.fileName, js: emitted.js };
  });
  return { outputs, problems };
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
