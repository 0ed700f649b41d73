/**
 * Bundles, init and first-call latency of every deployed function (allFunctions(): the deploy units, then
 * the event consumers and schedule targets), each next to the floor: a bundle holding only the DynamoDB
 * document client, built with the same esbuild options.
 *
 * Each measurement is a fresh `node` process (a cold container) running PROBE below:
 *  - init: the import of the bundle, wall time and CPU time (process.cpuUsage, all threads);
 *  - for a deploy unit, then its router's first call: one cheap route (answering without DynamoDB: 401 for
 *    a JWT route called without claims, 413 for a public POST with an oversize body, 200 for GET /api/health)
 *    invoked twice; first-call cost = first − second;
 *  - in another fresh process, the router alone: a routeKey that no route has (the map lookup and the
 *    404), first and second call.
 * The handler's DynamoDB endpoint is a closed port, so a "cheap" route that did call DynamoDB would fail
 * (and the bench says so instead of reporting it).
 * Runs alternate floor, unit, router-only for each repetition, so drifting machine load hits all alike.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { eagerBytes, esbuildOptions, functionsDist } from '../bin/build-functions.ts';
import { allFunctions, routeKey, routes, units } from '../infra/declarations/index.ts';

const run = promisify(execFile);

export interface ProbeEvent {
  readonly routeKey: string;
  readonly path: string;
  readonly pathParameters?: Record<string, string>;
  /** Body of this many bytes ('x'), built in the probe. */
  readonly bodyBytes?: number;
  /** Statuses that prove the route answered without DynamoDB. */
  readonly expect: readonly number[];
}

/** Runs in a fresh node process: import the bundle, then optionally invoke its handler twice. */
const PROBE = `
const file = process.env.BENCH_PROBE_FILE;
const spec = process.env.BENCH_PROBE_EVENT ? JSON.parse(process.env.BENCH_PROBE_EVENT) : undefined;
const c0 = process.cpuUsage(); const t0 = performance.now();
const mod = await import(file);
const initMs = performance.now() - t0; const c = process.cpuUsage(c0);
const out = { initMs, initCpuMs: (c.user + c.system) / 1000 };
if (spec) {
  const event = () => {
    const [method, path] = spec.routeKey.split(' ');
    const now = Date.now();
    return {
      version: '2.0', routeKey: spec.routeKey, rawPath: spec.path, rawQueryString: '',
      headers: { host: 'bench.local', 'content-type': 'application/json' },
      ...(spec.pathParameters ? { pathParameters: spec.pathParameters } : {}),
      ...(spec.bodyBytes ? { body: 'x'.repeat(spec.bodyBytes) } : {}), isBase64Encoded: false,
      requestContext: { accountId: '000000000000', apiId: 'bench', domainName: 'bench.local', domainPrefix: 'bench', requestId: 'r' + now,
        routeKey: spec.routeKey, stage: '$default', time: new Date(now).toUTCString(), timeEpoch: now,
        http: { method, path: spec.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' } },
    };
  };
  const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30000, callbackWaitsForEmptyEventLoop: true };
  const e1 = event(); const a = performance.now(); const r1 = await mod.handler(e1, context); out.firstMs = performance.now() - a;
  const e2 = event(); const b = performance.now(); const r2 = await mod.handler(e2, context); out.secondMs = performance.now() - b;
  out.status = [r1 && r1.statusCode, r2 && r2.statusCode];
}
console.log(JSON.stringify(out));
`;

interface ProbeResult { initMs: number; initCpuMs: number; firstMs?: number; secondMs?: number; status?: number[] }

async function probe(file: string, event?: ProbeEvent): Promise<ProbeResult> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE], {
    env: {
      PATH: process.env.PATH, TABLE_NAME: 'cirrus', AWS_REGION: 'us-east-1', EVENT_BUS_NAME: 'cirrus',
      AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
      POWERTOOLS_LOG_LEVEL: 'WARN', BENCH_PROBE_FILE: pathToFileURL(file).href,
      ...(event ? { BENCH_PROBE_EVENT: JSON.stringify(event) } : {}),
    },
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult;
  if (event && !result.status!.every((s) => event.expect.includes(s))) {
    throw new Error(`${event.routeKey} in ${file} answered ${result.status!.join(', ')}, not ${event.expect.join('/')}: not a route that answers without DynamoDB`);
  }
  return result;
}

/** The cheap route of a unit: one that answers without touching DynamoDB. */
export function cheapRoute(unit: string): ProbeEvent {
  const own = routes.filter((r) => r.unit === unit);
  const health = own.find((r) => routeKey(r) === 'GET /api/health');
  if (health) return { routeKey: routeKey(health), path: health.path, expect: [200] };
  const params = (path: string) => {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    return names.length ? Object.fromEntries(names.map((n) => [n, 'bench'])) : undefined;
  };
  const fill = (path: string) => path.replace(/\{\w+\}/g, 'bench');
  const jwt = own.find((r) => r.auth === 'jwt');
  if (jwt) {
    const pathParameters = params(jwt.path);
    return { routeKey: routeKey(jwt), path: fill(jwt.path), ...(pathParameters ? { pathParameters } : {}), expect: [401] };
  }
  // Public intake: a body over the 64 KiB limit is refused (413) before any lookup.
  const post = own.find((r) => r.method === 'POST');
  if (!post) throw new Error(`unit ${unit} has no route the bench can call without DynamoDB`);
  const pathParameters = params(post.path);
  return { routeKey: routeKey(post), path: fill(post.path), ...(pathParameters ? { pathParameters } : {}), bodyBytes: 64 * 1024 + 1, expect: [413] };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export interface FunctionResult {
  readonly name: string;
  readonly kind: 'unit' | 'consumer';
  readonly routes: number;
  readonly bytes: number;
  readonly initMs: number;
  readonly initCpuMs: number;
  /** Medians of the paired ratios' parts: this function's median ÷ the floor's median over the same runs. */
  readonly ratio: number;
  readonly cpuRatio: number;
  readonly firstCall?: {
    readonly route: string;
    readonly status: number;
    readonly firstMs: number;
    readonly secondMs: number;
    readonly firstCostMs: number;
    readonly routerFirstMs: number;
    readonly routerSecondMs: number;
  };
}

export interface BundleReport {
  readonly floor: { bytes: number; initMs: number; initCpuMs: number };
  readonly functions: FunctionResult[];
  readonly runs: number;
}

export async function measureBundles(runs: number, log: (s: string) => void, deadline: number): Promise<BundleReport> {
  const floorDir = mkdtempSync(join(tmpdir(), 'cirrus-floor-'));
  const floorOptions = esbuildOptions([{ name: 'floor', entry: 'bench/floor-handler.ts', access: {} }], floorDir);
  await build({ ...floorOptions, sourcemap: false });
  const floorFile = join(floorDir, 'floor', 'index.mjs');
  const unitNames = new Set<string>(Object.values(units).map((u) => u.name));
  const floorRuns: ProbeResult[] = [];
  const functions: FunctionResult[] = [];
  for (const fn of allFunctions()) {
    const file = join(functionsDist, fn.name, 'index.mjs');
    const isUnit = unitNames.has(fn.name);
    const event = isUnit ? cheapRoute(fn.name) : undefined;
    const router: ProbeEvent = { routeKey: 'GET /__bench/no-such-route', path: '/__bench/no-such-route', expect: [404] };
    const floor: ProbeResult[] = [];
    const own: ProbeResult[] = [];
    const alone: ProbeResult[] = [];
    for (let i = 0; i < runs; i++) {
      if (Date.now() > deadline) throw new Error('time budget exhausted while measuring bundles');
      floor.push(await probe(floorFile));
      own.push(await probe(file, event));
      if (isUnit) alone.push(await probe(file, router));
    }
    floorRuns.push(...floor);
    const initMs = median(own.map((r) => r.initMs));
    const initCpuMs = median(own.map((r) => r.initCpuMs));
    const result: FunctionResult = {
      name: fn.name, kind: isUnit ? 'unit' : 'consumer', routes: routes.filter((r) => r.unit === fn.name).length,
      // What a cold start loads: index.mjs and the chunks it imports statically (lazy chunks are not read).
      bytes: loadedBytes(file), initMs, initCpuMs,
      ratio: initMs / median(floor.map((r) => r.initMs)), cpuRatio: initCpuMs / median(floor.map((r) => r.initCpuMs)),
      ...(event ? {
        firstCall: {
          route: event.routeKey, status: own[0]!.status![0]!,
          firstMs: median(own.map((r) => r.firstMs!)), secondMs: median(own.map((r) => r.secondMs!)),
          firstCostMs: median(own.map((r) => r.firstMs! - r.secondMs!)),
          routerFirstMs: median(alone.map((r) => r.firstMs!)), routerSecondMs: median(alone.map((r) => r.secondMs!)),
        },
      } : {}),
    };
    functions.push(result);
    log(`  ${fn.name}: ${(result.bytes / 1024).toFixed(0)} KB, init ${initMs.toFixed(1)} ms (${result.ratio.toFixed(2)}× floor)${result.firstCall ? `, first call ${result.firstCall.firstMs.toFixed(2)} ms` : ''}`);
  }
  const floorBytes = statSync(floorFile).size;
  rmSync(floorDir, { recursive: true, force: true });
  return {
    floor: { bytes: floorBytes, initMs: median(floorRuns.map((r) => r.initMs)), initCpuMs: median(floorRuns.map((r) => r.initCpuMs)) },
    functions, runs,
  };
}

/** index.mjs plus its statically imported chunks, from the bundle's metafile (meta.json next to it). */
function loadedBytes(indexFile: string): number {
  try {
    const meta = JSON.parse(readFileSync(join(dirname(indexFile), 'meta.json'), 'utf8'));
    const entry = Object.keys(meta.outputs).find((k: string) => k.endsWith('/index.mjs'));
    return entry ? eagerBytes(meta, entry) : statSync(indexFile).size;
  } catch {
    return statSync(indexFile).size;
  }
}
