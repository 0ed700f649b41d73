import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../infra/local/static.ts';

let dir: string;
let server: Server;
let url: string;
let root: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cirrus-web-'));
  root = join(dir, 'web');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets/index-AbCd1234.js'), 'console.log(1)');
  writeFileSync(join(root, 'favicon.svg'), '<svg/>');
  server = createServer((req, res) => serveStatic(req.headers['x-root'] === 'missing' ? join(dir, 'none') : root, new URL(req.url!, 'http://x').pathname, req.method!, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SPA serving (local runtime)', () => {
  it('serves hashed assets immutable, other files briefly cached, index.html no-cache', async () => {
    const js = await fetch(`${url}/assets/index-AbCd1234.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${url}/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    const index = await fetch(`${url}/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<title>app</title>');
  });

  it('falls back to index.html for client routes, 404s missing files and stays inside the root', async () => {
    const route = await fetch(`${url}/contacts/01ABC`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>app</title>');
    expect((await fetch(`${url}/assets/missing-12345678.js`)).status).toBe(404);
    const escape = await fetch(`${url}/..%2F..%2Fetc%2Fpasswd`);
    expect(await escape.text()).not.toContain('root:');
  });

  it('says to run the build when dist/web is missing', async () => {
    const res = await fetch(`${url}/`, { headers: { 'x-root': 'missing' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run build');
  });
});
