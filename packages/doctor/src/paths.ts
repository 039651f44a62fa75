import { join } from 'node:path';
import { FUNCTIONS_PACKAGE_DIR } from '@kit/functions/steps-dir';

/** The repository root (where `package.json`, `pnpm-lock.yaml` and `.env` live). */
export const REPO_ROOT = join(FUNCTIONS_PACKAGE_DIR, '../..');
