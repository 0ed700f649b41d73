/**
 * `npm run bench`: one run on the same data (10,000 contacts) measuring
 *  - p50/p99 of GET contact and of a list page through the local runtime, next to the raw DynamoDB Local
 *    GetItem/Query for the same items;
 *  - DynamoDB requests per API call (a counting proxy sits between the runtime and DynamoDB Local);
 *  - each function's minified bundle size and module init time next to a floor bundle holding only the
 *    DynamoDB document client.
 * Prints a Markdown report and writes bench/results/latest.json. Method and results: docs/performance.md.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { AddressInfo, createServer as netServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { build } from 'esbuild';
import { esbuildOptions } from '../bin/build-functions.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2_000);
const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 9);
const LEADS = Number(process.env.BENCH_LEADS ?? 500);

const freePort = () => new Promise<number>((res) => {
  const s = netServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as AddressInfo).port;
    s.close(() => res(port));
  });
});
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (x: number) => x.toFixed(2);

async function waitFor(url: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** Counts requests per DynamoDB operation on their way to DynamoDB Local. */
function countingProxy(target: number): Promise<{ server: Server; port: number; counts: Map<string, number>; reset(): void; total(): number }> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop()!;
    counts.set(op, (counts.get(op) ?? 0) + 1);
    const up = httpRequest({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 500, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    server, port: (server.address() as AddressInfo).port, counts,
    reset: () => counts.clear(),
    total: () => [...counts.entries()].filter(([k]) => !k.startsWith('GetRecords') && !k.startsWith('DescribeStream') && !k.startsWith('GetShardIterator')).reduce((a, [, v]) => a + v, 0),
  })));
}

async function main() {
  const startedAt = new Date();
  console.error('building function bundles…');
  execFileSync(process.execPath, ['--import', 'tsx', 'bin/build-functions.ts'], { cwd: ROOT, stdio: 'inherit' });

  // The runtime's DynamoDB Local gets a known port; the handlers reach it through a counting proxy.
  const ddbPort = await freePort();
  const proxy = await countingProxy(ddbPort);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cirrus-bench-'));
  const runtime = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env, PORT: String(port), DATA_DIR: dataDir, CIRRUS_DYNAMODB_IN_MEMORY: '1',
      CIRRUS_DYNAMODB_PORT: String(ddbPort), CIRRUS_HANDLER_DYNAMODB_ENDPOINT: `http://127.0.0.1:${proxy.port}`,
    },
  });
  const stop = () => { runtime.kill('SIGTERM'); proxy.server.close(); };
  process.on('exit', stop);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/api/health`, 90_000);
    const config = await (await fetch(`${base}/config.json`)).json() as { userPoolClientId: string; cognitoEndpoint: string };
    const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: config.cognitoEndpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const auth = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: config.userPoolClientId, AuthParameters: { USERNAME: 'rep1@demo.local', PASSWORD: 'Demo123!' } }));
    const headers = { authorization: `Bearer ${auth.AuthenticationResult!.IdToken}`, 'content-type': 'application/json' };

    // Seed through the API, a few at a time.
    console.error(`seeding ${CONTACTS} contacts…`);
    const ids: string[] = [];
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < CONTACTS) {
        const i = next++;
        const res = await fetch(`${base}/api/contacts`, {
          method: 'POST', headers,
          body: JSON.stringify({ firstName: `Bench${i}`, lastName: `Contact${String(i).padStart(5, '0')}`, email: `bench${i}@example.com`, phone: `+1512555${String(i).padStart(4, '0')}` }),
        });
        if (res.status !== 201) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
        ids.push(((await res.json()) as { id: string }).id);
      }
    }));
    const seedSeconds = (performance.now() - t0) / 1000;

    // The raw calls take the same path to DynamoDB Local as the handlers' (through the counting proxy).
    const raw = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${proxy.port}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    const table = process.env.BENCH_TABLE ?? 'cirrus-local';
    const me = await (await fetch(`${base}/api/me`, { headers })).json() as { tenantId: string };
    const pick = (i: number) => ids[(i * 7919) % ids.length]!;

    const time = async (fn: () => Promise<unknown>) => { const s = performance.now(); await fn(); return performance.now() - s; };
    const series = async (n: number, fn: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < 50; i++) await fn(i); // warm-up
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(await time(() => fn(i)));
      return out;
    };

    // GET one contact vs GetItem.
    const apiGet = await series(SAMPLES, async (i) => { const r = await fetch(`${base}/api/contacts/${pick(i)}`, { headers }); await r.arrayBuffer(); if (!r.ok) throw new Error(`GET ${r.status}`); });
    const rawGet = await series(SAMPLES, (i) => raw.send(new GetCommand({ TableName: table, Key: { pk: `T#${me.tenantId}#contact#${pick(i)}`, sk: '~record' } })));
    proxy.reset();
    for (let i = 0; i < 100; i++) await (await fetch(`${base}/api/contacts/${pick(i)}`, { headers })).arrayBuffer();
    const getRequests = proxy.total() / 100;

    // A list page (20, by name) vs the same Query on GSI1, walking the same pages.
    const cursors: (string | undefined)[] = [undefined];
    const rawKeys: (Record<string, unknown> | undefined)[] = [undefined];
    for (let p = 0; p < 40; p++) {
      const page = await (await fetch(`${base}/api/contacts?limit=20${cursors[p] ? `&cursor=${cursors[p]}` : ''}`, { headers })).json() as { nextCursor: string | null };
      if (!page.nextCursor) break;
      cursors.push(page.nextCursor);
      rawKeys.push(JSON.parse(Buffer.from(page.nextCursor, 'base64url').toString()));
    }
    const apiList = await series(SAMPLES / 2, async (i) => { const c = cursors[i % cursors.length]; const r = await fetch(`${base}/api/contacts?limit=20${c ? `&cursor=${c}` : ''}`, { headers }); await r.arrayBuffer(); });
    const rawList = await series(SAMPLES / 2, (i) => raw.send(new QueryCommand({
      TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `T#${me.tenantId}#contact` }, Limit: 20, ExclusiveStartKey: rawKeys[i % rawKeys.length],
    })));
    proxy.reset();
    for (let i = 0; i < 50; i++) await (await fetch(`${base}/api/contacts?limit=20`, { headers })).arrayBuffer();
    const listRequests = proxy.total() / 50;

    // Lead intake (issue 3): leads/s accepted by the webhook, and 202 → assigned latency.
    console.error(`posting ${LEADS} partner leads…`);
    const postLead = async (i: number) => {
      const body = JSON.stringify({ firstName: 'Bench', lastName: `Lead${i}`, email: `bench.lead${i}@example.com`, country: 'US', source: 'bench' });
      const t = Math.floor(Date.now() / 1000);
      const sig = createHmac('sha256', 'whsec_demo_secret').update(`${t}.${body}`).digest('hex');
      const res = await fetch(`${base}/api/webhooks/leads/demo-partner`, { method: 'POST', headers: { 'content-type': 'application/json', 'crm-signature': `t=${t},v1=${sig}` }, body });
      const at = Date.now();
      if (res.status !== 202) throw new Error(`webhook ${res.status} ${await res.text()}`);
      return { id: ((await res.json()) as { id: string }).id, at };
    };
    // The partner rate limit (120/min) would throttle a bench, so lift it for the bench's partner only.
    await raw.send(new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
      TableName: table, Key: { pk: `T#${me.tenantId}#partner`, sk: 'demo-partner' }, UpdateExpression: 'SET rateLimitPerMinute = :n', ExpressionAttributeValues: { ':n': 1_000_000 },
    }));
    const accepted: { id: string; at: number }[] = [];
    let nextLead = 0;
    const l0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (nextLead < LEADS) accepted.push(await postLead(nextLead++));
    }));
    const leadSeconds = (performance.now() - l0) / 1000;
    const assignLatency: number[] = [];
    for (const a of accepted) {
      for (let tries = 0; tries < 600; tries++) {
        const lead = await (await fetch(`${base}/api/leads/${a.id}`, { headers })).json() as { status: string; assignedAt?: string };
        if (lead.assignedAt) { assignLatency.push(Date.parse(lead.assignedAt) - a.at); break; }
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    // Bundles and init.
    console.error('measuring bundles and init…');
    const floorDir = mkdtempSync(join(tmpdir(), 'cirrus-floor-'));
    // The floor is bundled exactly like the functions (same esbuild options).
    const floorOptions = esbuildOptions([{ name: 'floor', entry: 'bench/floor-handler.ts', access: {} }], floorDir);
    await build({ ...floorOptions, sourcemap: false, metafile: true });
    const initOnce = (file: string) => Number(String(execFileSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now()-t)`], {
      env: { ...process.env, TABLE_NAME: 'cirrus', AWS_REGION: 'us-east-1', EVENT_BUS_NAME: 'cirrus' },
    })).trim());
    const floorFile = join(floorDir, 'floor', 'index.mjs');
    // Each function is timed alternately with the floor, so drifting machine load hits both alike.
    const floorRuns: number[] = [];
    const fnDir = join(ROOT, 'dist/functions');
    const functions = readdirSync(fnDir).sort().map((name) => {
      const file = join(fnDir, name, 'index.mjs');
      const own: number[] = [];
      const paired: number[] = [];
      for (let i = 0; i < INIT_RUNS; i++) {
        paired.push(initOnce(floorFile));
        own.push(initOnce(file));
      }
      floorRuns.push(...paired);
      const initMs = quantile(own, 0.5);
      return { name, bytes: statSync(file).size, initMs, ratio: initMs / quantile(paired, 0.5) };
    });
    const floor = { bytes: statSync(floorFile).size, initMs: quantile(floorRuns, 0.5) };

    const result = {
      date: startedAt.toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      contacts: CONTACTS, seedSeconds, samples: SAMPLES,
      get: { api: { p50: quantile(apiGet, 0.5), p99: quantile(apiGet, 0.99) }, raw: { p50: quantile(rawGet, 0.5), p99: quantile(rawGet, 0.99) }, dynamoRequestsPerCall: getRequests },
      list: { api: { p50: quantile(apiList, 0.5), p99: quantile(apiList, 0.99) }, raw: { p50: quantile(rawList, 0.5), p99: quantile(rawList, 0.99) }, dynamoRequestsPerCall: listRequests },
      leads: { posted: LEADS, seconds: leadSeconds, perSecond: LEADS / leadSeconds, assigned: assignLatency.length, toAssigned: { p50: quantile(assignLatency, 0.5), p99: quantile(assignLatency, 0.99) } },
      floor, functions,
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(result, null, 2)}\n`);

    const line = (label: string, m: typeof result.get) =>
      `| ${label} | ${ms(m.api.p50)} | ${ms(m.raw.p50)} | ${ms(m.api.p50 - m.raw.p50)} | ${ms(m.api.p99)} | ${ms(m.raw.p99)} | ${(m.api.p99 / m.raw.p99).toFixed(2)}× | ${m.dynamoRequestsPerCall} |`;
    console.log(`# Cirrus bench ${result.date}\n\n${result.machine.cpus}× ${result.machine.cpu}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}; ${CONTACTS} contacts seeded through the API in ${seedSeconds.toFixed(1)} s (${(CONTACTS / seedSeconds).toFixed(0)}/s).\n`);
    console.log('| call | API p50 ms | raw p50 ms | p50 gap ms | API p99 ms | raw p99 ms | p99 ratio | DynamoDB requests per call |\n|---|---|---|---|---|---|---|---|');
    console.log(line('GET /api/contacts/{id} vs GetItem', result.get));
    console.log(line('GET /api/contacts?limit=20 vs Query GSI1', result.list));
    console.log(`\n| lead intake | value |\n|---|---|\n| leads accepted by the webhook (8 concurrent partners' requests) | ${result.leads.perSecond.toFixed(0)} /s (${LEADS} in ${leadSeconds.toFixed(1)} s) |\n| 202 → assigned p50 | ${ms(result.leads.toAssigned.p50)} ms |\n| 202 → assigned p99 | ${ms(result.leads.toAssigned.p99)} ms |\n| leads assigned | ${assignLatency.length}/${LEADS} |`);
    console.log(`\n| bundle | KB | init ms (median) | init ÷ floor (paired medians) |\n|---|---|---|---|\n| floor (DynamoDB document client only) | ${(floor.bytes / 1024).toFixed(0)} | ${ms(floor.initMs)} | 1.00 |`);
    for (const f of functions) console.log(`| ${f.name} | ${(f.bytes / 1024).toFixed(0)} | ${ms(f.initMs)} | ${f.ratio.toFixed(2)} |`);
  } finally {
    stop();
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
