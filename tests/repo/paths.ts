import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const STEPS_DIR = join(REPO_ROOT, 'packages/functions/steps');
export const DOCS_DIR = join(REPO_ROOT, 'docs');
