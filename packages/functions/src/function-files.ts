import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  functionFileName,
  STEPS,
  type Step,
  type StepFunction,
  type Visibility,
} from '@kit/shared';

/**
 * A step folder's Functions as files (`src/functions/*.ts`) against what the
 * step expects (the catalog in @kit/shared): what is missing, misnamed, or
 * extra, e.g. step 1's `hello-*.ts` still there at step 3. The doctor's
 * `--workspace` uses it; a hint can use the same answer.
 */

export const FUNCTIONS_SOURCE_DIR = 'src/functions';

export interface FunctionFile {
  /** Relative to `src/functions`, with `/`: `call.protected.ts`. */
  file: string;
  /** The URL path the runtime gives it: the file's path without extension or visibility (`/call`). */
  path: `/${string}`;
  visibility: Visibility;
}

/** How twilio-run routes a Function file: `call.protected.ts` → `/call`, Protected. */
export function routeOfFile(file: string): Omit<FunctionFile, 'file'> | null {
  const match = /^(.+?)(?:\.(protected|private))?\.(?:ts|js)$/.exec(file);
  if (!match || file.endsWith('.d.ts')) return null;
  return {
    path: `/${match[1]}`,
    visibility: (match[2] as Visibility | undefined) ?? 'public',
  };
}

/** The Function files below `stepDir/src/functions`, sorted; `[]` when the folder is missing. */
export async function listFunctionFiles(stepDir: string): Promise<FunctionFile[]> {
  const root = join(stepDir, FUNCTIONS_SOURCE_DIR);
  let entries: Dirent[];
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  const files: FunctionFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = relative(root, join(entry.parentPath, entry.name)).split(sep).join('/');
    const route = routeOfFile(file);
    if (route) files.push({ file, ...route });
  }
  return files.sort((a, b) => a.file.localeCompare(b.file));
}

export interface ExtraFunction extends FunctionFile {
  /** The last earlier step that had a Function at this path, if any (step 1 for `hello-voice.ts`). */
  from: Step | null;
  /** The step that no longer has it (`from`'s next step without the path). */
  removedIn: Step | null;
}

export interface FunctionFileReport {
  /** Expected Functions whose file is there, named exactly. */
  present: { fn: StepFunction; file: FunctionFile }[];
  /** A file at the right path with the wrong visibility (`call.ts` where `call.protected.ts` is expected). */
  misnamed: { fn: StepFunction; file: FunctionFile }[];
  missing: StepFunction[];
  extra: ExtraFunction[];
}

export function compareFunctionFiles(
  step: Step,
  files: readonly FunctionFile[],
): FunctionFileReport {
  const report: FunctionFileReport = { present: [], misnamed: [], missing: [], extra: [] };
  const used = new Set<FunctionFile>();
  for (const fn of step.functions) {
    const exact = files.find((file) => file.file === functionFileName(fn));
    const samePath = files.find((file) => file.path === fn.path && !used.has(file));
    if (exact) {
      used.add(exact);
      report.present.push({ fn, file: exact });
    } else if (samePath) {
      used.add(samePath);
      report.misnamed.push({ fn, file: samePath });
    } else {
      report.missing.push(fn);
    }
  }
  for (const file of files.filter((candidate) => !used.has(candidate))) {
    const from =
      STEPS.filter(
        (earlier) =>
          earlier.number < step.number && earlier.functions.some((fn) => fn.path === file.path),
      ).at(-1) ?? null;
    const removedIn = from
      ? (STEPS.find(
          (later) =>
            later.number > from.number && !later.functions.some((fn) => fn.path === file.path),
        ) ?? null)
      : null;
    report.extra.push({ ...file, from, removedIn });
  }
  return report;
}

/**
 * The extra file that most likely is `fn` under an old name: the earlier
 * step's Function the catalog says it grows from (`token.ts` at step 3), else a
 * lone file of no step beside a lone missing public Function (a typo of its
 * name). A leftover of an earlier step is never renamed into another Function.
 */
export function renameSourceFor(
  fn: StepFunction,
  report: FunctionFileReport,
): ExtraFunction | undefined {
  const grown = fn.renamedFrom
    ? report.extra.find((extra) => extra.path === fn.renamedFrom && extra.from)
    : undefined;
  if (grown) return grown;
  const unknown = report.extra.filter((extra) => !extra.from);
  return report.missing.length === 1 && fn.visibility === 'public' && unknown.length === 1
    ? unknown[0]
    : undefined;
}
