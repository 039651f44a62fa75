import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const STEPS_DIR = join(REPO_ROOT, 'packages/functions/steps');
export const DOCS_DIR = join(REPO_ROOT, 'docs');

/** Files git tracks, plus new ones it does not ignore (so the repo tests also guard uncommitted work). */
export function repositoryFiles(): string[] {
  const listing = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  return [...new Set(listing.split('\0'))].filter((file) => file !== '');
}
