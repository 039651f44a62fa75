import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** The board runs only its own files and talks only to the room. */
export const BOARD_CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface BoardFile {
  body: Buffer;
  contentType: string;
}

/**
 * The board's built file for a URL path (`/`, `/board`, `/assets/…`), or null.
 * Only plain names under `assets/`: no `..`, no encoded slashes, no dot files,
 * and the real path must stay inside the board folder (symlinks included).
 */
export async function boardFile(boardDir: string, pathname: string): Promise<BoardFile | null> {
  let relative: string;
  if (pathname === '/' || pathname === '/board' || pathname === '/board/') relative = 'index.html';
  else if (pathname.startsWith('/assets/')) {
    const segments = pathname.slice(1).split('/');
    if (
      segments.some(
        (segment) => !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(segment) || segment.includes('..'),
      )
    )
      return null;
    relative = segments.join(sep);
  } else return null;
  const type = CONTENT_TYPES[extname(relative).toLowerCase()];
  if (!type) return null;
  try {
    const root = await realpath(boardDir);
    const real = await realpath(join(root, relative));
    if (!real.startsWith(root + sep)) return null;
    if (!(await stat(real)).isFile()) return null;
    return { body: await readFile(real), contentType: type };
  } catch {
    return null;
  }
}
