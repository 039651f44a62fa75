import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `vite build` puts the phone: the Functions copy it into step 04's assets. */
export const PHONE_DIST_DIR = join(dirname(fileURLToPath(import.meta.url)), '../dist');
