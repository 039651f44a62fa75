import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `vite build` puts the board (index.html and assets/): the room server serves this folder. */
export const BOARD_DIST_DIR = join(dirname(fileURLToPath(import.meta.url)), '../dist/board');
