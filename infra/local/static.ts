import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** The built SPA (dist/web): content types, immutable caching for hashed assets, fallback to index.html. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.avif': 'image/avif', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2',
  '.ttf': 'font/ttf', '.txt': 'text/plain; charset=utf-8', '.webmanifest': 'application/manifest+json', '.wasm': 'application/wasm',
};
const HASHED = /[.-][A-Za-z0-9_-]{8,}\.(js|mjs|css|woff2?|ttf|svg|png|jpe?g|gif|webp|avif)$/;

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Cirrus CRM</title>
<body style="font-family:system-ui;margin:3rem"><h1>Cirrus CRM is running</h1>
<p>The web app has not been built yet. Run <code>npm run build</code> (or <code>npm run build:web</code>), then reload.</p>
<p>The API is live at <a href="/api/health">/api/health</a> and <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>`;

export function serveStatic(root: string, pathname: string, method: string, res: ServerResponse): void {
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
    return void res.end('Method Not Allowed');
  }
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    res.writeHead(pathname === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return void res.end(NOT_BUILT);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400);
    return void res.end();
  }
  const file = normalize(join(root, decoded));
  const inside = file === root || file.startsWith(root + sep);
  const isFile = inside && existsSync(file) && statSync(file).isFile();
  const ext = extname(decoded);
  if (!isFile) {
    // Paths that look like files (have an extension) and do not exist are 404s; everything else is a client route.
    if (ext && ext !== '.html') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('Not Found');
    }
    return send(index, 'text/html; charset=utf-8', 'no-cache', method, res);
  }
  const cache = file === index || ext === '.html' ? 'no-cache' : HASHED.test(file) && decoded.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
  send(file, TYPES[ext.toLowerCase()] ?? 'application/octet-stream', cache, method, res);
}

function send(file: string, type: string, cache: string, method: string, res: ServerResponse) {
  const { size } = statSync(file);
  res.writeHead(200, { 'content-type': type, 'content-length': size, 'cache-control': cache, 'x-content-type-options': 'nosniff' });
  if (method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}
