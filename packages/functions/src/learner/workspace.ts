import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { findStep, type Step } from '@kit/shared';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '../steps-dir.js';

/**
 * The learner's folder: a Twilio Serverless project beside the reference steps
 * (so it resolves the same packages), git-ignored. KIT_WORKSPACE_DIR moves it
 * (the tests use scratch folders).
 */
export function workspaceDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return env.KIT_WORKSPACE_DIR ?? join(FUNCTIONS_PACKAGE_DIR, 'workspace');
}

const MANIFEST = '.kit-workspace.json';
/** Never copied or compared: build output and the manifest itself. */
const IGNORED = new Set(['dist', 'node_modules', MANIFEST]);

export interface WorkspaceManifest {
  /** The step the learner is working on. */
  step: number;
  /** What the folder started from: a reference tag, or `skeleton` for step 1. */
  startedFrom: string;
  /** sha256 of each file as it was handed over, to tell what the learner changed. */
  files: Record<string, string>;
  /** The last step whose checks this folder passed, and its files then (set by step:check). */
  passed?: { step: number; files: Record<string, string> };
}

export async function readManifest(
  dir: string = workspaceDir(),
): Promise<WorkspaceManifest | null> {
  try {
    return JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as WorkspaceManifest;
  } catch {
    return null;
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Files below `dir`, relative and sorted, without build output. */
export async function listProjectFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((file) => !file.split(/[\\/]/).some((part) => IGNORED.has(part)))
    .sort();
}

export async function hashFiles(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const file of await listProjectFiles(dir)) {
    hashes[file] = createHash('sha256')
      .update(await readFile(join(dir, file)))
      .digest('hex');
  }
  return hashes;
}

/** Files the learner added, changed or deleted since the folder was handed over. */
export async function changedFiles(dir: string = workspaceDir()): Promise<string[]> {
  const manifest = await readManifest(dir);
  const now = await hashFiles(dir);
  if (!manifest) return Object.keys(now);
  const names = new Set([...Object.keys(now), ...Object.keys(manifest.files)]);
  return [...names].filter((name) => now[name] !== manifest.files[name]).sort();
}

/** Moves the folder aside (never deletes a learner's work) and says where. */
export async function backUp(dir: string = workspaceDir()): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const backup = `${dir}.backup-${stamp}`;
  await rename(dir, backup);
  return backup;
}

/** Step N starts from step N−1's finished code; step 1 from an empty project. */
export function startingPoint(step: Step): Step | null {
  return step.number > 1 ? (findStep(step.number - 1) ?? null) : null;
}

async function copyProject(
  from: string,
  to: string,
  skip: (file: string) => boolean,
): Promise<void> {
  for (const file of await listProjectFiles(from)) {
    if (skip(file)) continue;
    await mkdir(join(to, file, '..'), { recursive: true });
    await cp(join(from, file), join(to, file));
  }
}

/**
 * Fills an empty folder with the starting point of `step`, the step's own
 * `.env.example` (so the new variables are listed), and a manifest.
 */
export async function createWorkspace(
  step: Step,
  dir: string = workspaceDir(),
): Promise<WorkspaceManifest> {
  const previous = startingPoint(step);
  await mkdir(dir, { recursive: true });
  if (previous) {
    await copyProject(referenceStepDir(previous), dir, () => false);
  } else {
    // Step 1 starts from the project skeleton: everything but the code to write.
    await copyProject(referenceStepDir(step), dir, (file) => file.startsWith('src/functions/'));
    await mkdir(join(dir, 'src/functions'), { recursive: true });
  }
  return writeNewManifest(step, dir, previous?.tag ?? 'skeleton');
}

/**
 * Carries the learner's own folder on to `step`: their code stays as it is
 * (what the step adds is theirs to write); only `.env.example` is the step's.
 */
export async function continueWorkspace(
  step: Step,
  dir: string = workspaceDir(),
): Promise<WorkspaceManifest> {
  return writeNewManifest(step, dir, 'yours');
}

/** Whether the folder passed the step before `step` and has not changed since. */
export async function passedPreviousStep(
  step: Step,
  dir: string = workspaceDir(),
): Promise<boolean> {
  const manifest = await readManifest(dir);
  if (!manifest?.passed || manifest.passed.step !== step.number - 1) return false;
  const now = await hashFiles(dir);
  const then = manifest.passed.files;
  const names = new Set([...Object.keys(now), ...Object.keys(then)]);
  return [...names].every((name) => name === '.env.example' || now[name] === then[name]);
}

/** Records that the folder passed `step` as it is now (so step:start N+1 can continue from it). */
export async function recordPass(step: Step, dir: string = workspaceDir()): Promise<void> {
  const manifest = (await readManifest(dir)) ?? {
    step: step.number,
    startedFrom: 'yours',
    files: {},
  };
  manifest.passed = { step: step.number, files: await hashFiles(dir) };
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function writeNewManifest(
  step: Step,
  dir: string,
  startedFrom: string,
): Promise<WorkspaceManifest> {
  await cp(join(referenceStepDir(step), '.env.example'), join(dir, '.env.example'));
  const manifest: WorkspaceManifest = {
    step: step.number,
    startedFrom,
    files: await hashFiles(dir),
  };
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Replaces the folder's code with the reference solution of `step` (after a backup by the caller). */
export async function copySolution(step: Step, dir: string = workspaceDir()): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await copyProject(referenceStepDir(step), dir, () => false);
  const manifest: WorkspaceManifest = {
    step: step.number,
    startedFrom: step.tag,
    files: await hashFiles(dir),
  };
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}
