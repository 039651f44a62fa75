import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * A built VitePress site served the way a static host does, on 127.0.0.1 and a
 * free port: only under `base` (GitHub Pages serves a project at /<repository>/),
 * `page` for `page.html`, a folder's index.html, and the site's 404.html for
 * anything else (including a path that climbs out of the site).
 */
export function serveStaticSite(dist: string, base = '/'): Promise<Server> {
  const notFound = join(dist, '404.html');
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (`${path}/` === base) {
      response.writeHead(301, { Location: base }).end();
      return;
    }
    let file = notFound;
    if (path.startsWith(base)) {
      file = normalize(join(dist, path.slice(base.length)));
      if (file !== dist && !file.startsWith(`${dist}${sep}`)) file = notFound;
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    }
    const found = file !== notFound && existsSync(file);
    if (!found) file = notFound;
    response.writeHead(found ? 200 : 404, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    });
    response.end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}
