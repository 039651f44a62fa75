import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOCS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const GENERATED_DIR = join(DOCS_DIR, '.generated');
export const STEPS_DIR = resolve(DOCS_DIR, '../packages/functions/steps');
/** docs/public/downloads: the files the Console route downloads (git-ignored, written by generate). */
export const DOWNLOADS_DIR = join(DOCS_DIR, 'public/downloads');
