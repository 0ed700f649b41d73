/**
 * First load of the web app (issue 7): the bytes a browser fetches, gzipped as a CDN serves them, before
 * the sign-in page and the signed-in contacts list are usable. Uses the built files in dist/web
 * (`npm run build:web` first), the local runtime on a spare port with its own data directory, and headless
 * Chromium. Every asset the page fetched is looked up in dist/web and gzipped (level 9, as CloudFront's
 * compression roughly does); JS, CSS and fonts are counted, the HTML and API answers are not.
 *
 * Two cold loads, each in a fresh browser context (empty cache):
 *  - sign-in page: `/sign-in` until the form is shown (then signing in, redirected to the contacts list);
 *  - list page: `/contacts` with a session already in localStorage, until the table has rows.
 * Plus what signing in adds on top of the sign-in page (same context, warm cache).
 *
 * `npm run bench:first-load` prints the report; `measureFirstLoad()` returns it for `npm run bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/e2e/support/browser.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WEB = join(ROOT, 'dist/web');

export type AssetKind = 'js' | 'css' | 'font';
export interface Asset { path: string; kind: AssetKind; bytes: number; gzip: number }
export interface PageLoad { page: string; assets: Asset[]; total: { bytes: number; gzip: number }; byKind: Record<AssetKind, number> }
export interface FirstLoadReport {
  signIn: PageLoad;
  list: PageLoad;
  /** What the browser fetches on signing in, after the sign-in page (warm cache). */
  signInToList: PageLoad;
  targets: { signInGzip: number; listGzip: number };
}

const KINDS: Record<string, AssetKind> = { '.js': 'js', '.mjs': 'js', '.css': 'css', '.woff': 'font', '.woff2': 'font', '.ttf': 'font', '.otf': 'font' };
const gzipCache = new Map<string, Asset>();

function assetOf(urlPath: string): Asset | undefined {
  const kind = KINDS[extname(urlPath)];
  if (!kind) return undefined;
  const cached = gzipCache.get(urlPath);
  if (cached) return cached;
  const file = join(WEB, urlPath);
  if (!file.startsWith(WEB) || !existsSync(file)) throw new Error(`fetched ${urlPath}, which is not in dist/web (rebuild with npm run build:web)`);
  const raw = readFileSync(file);
  const asset = { path: urlPath, kind, bytes: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
  gzipCache.set(urlPath, asset);
  return asset;
}

function summarise(page: string, paths: Iterable<string>): PageLoad {
  const assets = [...new Set(paths)].map(assetOf).filter((a): a is Asset => !!a).sort((a, b) => b.gzip - a.gzip);
  const byKind: Record<AssetKind, number> = { js: 0, css: 0, font: 0 };
  for (const a of assets) byKind[a.kind] += a.gzip;
  return {
    page,
    assets,
    total: { bytes: assets.reduce((s, a) => s + a.bytes, 0), gzip: assets.reduce((s, a) => s + a.gzip, 0) },
    byKind,
  };
}

/** Paths (same origin) of every request the page makes from now on. */
function recorder(page: Page, origin: string): { paths: string[]; reset(): void } {
  const rec = { paths: [] as string[], reset() { rec.paths = []; } };
  page.on('pageerror', (e) => console.error(`[first-load] page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.error(`[first-load] console: ${m.text()}`); });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.origin === origin) rec.paths.push(u.pathname);
  });
  return rec;
}

const freePort = () => new Promise<number>((res, rej) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as AddressInfo).port;
    s.close(() => res(port));
  }).on('error', rej);
});

async function startRuntime(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), SMTP_PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`local runtime not ready after 120 s:\n${out.slice(-2000)}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/is ready at/.test(out)) { clearTimeout(timer); res(); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); rej(new Error(`local runtime exited (${code}):\n${out.slice(-2000)}`)); });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

async function stopRuntime(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

export async function measureFirstLoad(opts: { baseUrl?: string; email?: string; password?: string } = {}): Promise<FirstLoadReport> {
  if (!existsSync(join(WEB, 'index.html'))) throw new Error('dist/web is missing: run npm run build:web first');
  const email = opts.email ?? 'rep1@demo.local';
  const password = opts.password ?? 'Demo123!';
  let runtime: ChildProcess | undefined;
  let dataDir: string | undefined;
  let baseUrl = opts.baseUrl?.replace(/\/$/, '');
  if (!baseUrl) {
    const port = Number(process.env.FIRST_LOAD_PORT) || await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'cirrus-first-load-'));
    runtime = await startRuntime(port, dataDir);
    baseUrl = `http://127.0.0.1:${port}`;
  }
  const origin = new URL(baseUrl).origin;
  const browser = await launchChromium();
  try {
    const contextOpts = { viewport: { width: 1440, height: 900 }, locale: 'en-US' };
    // 1. The sign-in page, cold.
    const ctx1 = await browser.newContext(contextOpts);
    const p1 = await ctx1.newPage();
    p1.setDefaultTimeout(30_000);
    const rec1 = recorder(p1, origin);
    await p1.goto(`${baseUrl}/sign-in?redirect=/contacts`, { waitUntil: 'networkidle' });
    await p1.waitForSelector('[data-test=signin-submit]');
    const signIn = summarise('sign-in', rec1.paths);

    // 2. Signing in from there (warm cache): what the list page adds.
    rec1.reset();
    await p1.fill('[data-test=signin-email]', email);
    await p1.fill('[data-test=signin-password]', password);
    await p1.click('[data-test=signin-submit]');
    await p1.waitForURL(/\/contacts/);
    await p1.waitForSelector('.el-table__row');
    await p1.waitForLoadState('networkidle');
    const signInToList = summarise('sign-in → contacts', rec1.paths.filter((p) => !signIn.assets.some((a) => a.path === p)));
    const state = await ctx1.storageState();
    await ctx1.close();

    // 3. The contacts list, cold, already signed in.
    const ctx2 = await browser.newContext({ ...contextOpts, storageState: state });
    const p2 = await ctx2.newPage();
    p2.setDefaultTimeout(30_000);
    const rec2 = recorder(p2, origin);
    await p2.goto(`${baseUrl}/contacts`, { waitUntil: 'networkidle' });
    await p2.waitForSelector('.el-table__row');
    await p2.waitForLoadState('networkidle');
    const list = summarise('contacts list', rec2.paths);
    await ctx2.close();
    return { signIn, list, signInToList, targets: { signInGzip: 120_000, listGzip: 250_000 } };
  } finally {
    await browser.close();
    if (runtime) await stopRuntime(runtime);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** kB = 1000 bytes, as Vite's build report and the issue's figures. */
const kb = (n: number) => (n / 1000).toFixed(1);

export function firstLoadMarkdown(r: FirstLoadReport): string {
  const lines = [
    '| page | JS | CSS | fonts | total gzip | raw | target | files |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const row = (l: PageLoad, target?: number) =>
    `| ${l.page} | ${kb(l.byKind.js)} kB | ${kb(l.byKind.css)} kB | ${kb(l.byKind.font)} kB | **${kb(l.total.gzip)} kB** | ${kb(l.total.bytes)} kB | ${target ? `≤ ${kb(target)} kB ${l.total.gzip <= target ? 'met' : '**not met**'}` : ''} | ${l.assets.length} |`;
  lines.push(row(r.signIn, r.targets.signInGzip), row(r.list, r.targets.listGzip), row(r.signInToList));
  lines.push('', 'Largest files (gzip):');
  for (const l of [r.signIn, r.list]) {
    lines.push(`- ${l.page}: ${l.assets.slice(0, 6).map((a) => `${a.path.replace('/assets/', '')} ${kb(a.gzip)} kB`).join(', ')}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/first-load.ts')) {
  const report = await measureFirstLoad({ baseUrl: process.env.FIRST_LOAD_BASE_URL });
  console.log(firstLoadMarkdown(report));
  if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
}
