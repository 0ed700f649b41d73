/**
 * `npm run bench`: one run, every number next to a floor measured in the same run, alternating with it (the
 * machine is shared, so absolute numbers drift; ratios to a floor taken at the same moment do not).
 *  1. Bundles, init and first-call latency of every deployed function (bench/units.ts), against a bundle
 *     holding only the DynamoDB document client.
 *  2. The local runtime on DynamoDB Local (in memory), its handlers' DynamoDB calls through a counting proxy
 *     (bench/proxy.ts); contacts seeded through the API; GET contact and a list page interleaved call by call
 *     with the raw GetItem / Query for the same items; DynamoDB requests per call.
 *  3. The partner webhook against its raw floor (bench/webhook-floor.ts): the DynamoDB calls it makes for one
 *     lead are recorded and issued directly at the same concurrency, in alternating rounds; leads/s of both,
 *     CPU per lead of each process, and a stage breakdown of single leads; then 202 → assigned.
 *  4. Lists (bench/lists.ts): a filtered, sorted first page over BENCH_LIST_RECORDS (100,000) records of one
 *     custom object, seeded straight into DynamoDB Local, next to its raw reads.
 *  5. Search (bench/search.ts): /api/search and /api/contacts?q= over BENCH_SEARCH_RECORDS (50,000) contacts
 *     with Chinese names, next to the token Query + BatchGet made directly; and a contact's write cost.
 *  5b. Forecast and board (bench/forecast.ts): the forecast read at 1,000 and 10,000 deals, the board's first
 *     screen over 200 deals, and a stage move to the updated figure, each next to its raw reads.
 *  5c. Service desk (bench/service.ts): email-to-ticket latency through the local SMTP listener, the queue view with
 *     5,000 open tickets and the service dashboard at 1,000 and 50,000 tickets, each next to its floor.
 *  6. First load (bench/first-load.ts): the gzipped bytes of the sign-in page and the signed-in list, from a
 *     fresh `vite build` (BENCH_SKIP_WEB_BUILD=1: use dist/web as it is), before the runtime starts.
 * Self-stopping: a hard time budget (BENCH_BUDGET_SECONDS, default 900) stops the runtime and exits 2.
 * Prints a Markdown report and writes bench/results/latest.json. Method and results: docs/performance.md.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer as netServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { keys } from '../functions/commons/keys.ts';
import type { DirectoryUser } from '../functions/records/store.ts';
import { dynamoProxy, type RecordedCall } from './proxy.ts';
import { measureBundles, type BundleReport } from './units.ts';
import { firstLoadMarkdown, measureFirstLoad, type FirstLoadReport } from './first-load.ts';
import { listsMarkdown, measureLists, type ListReport } from './lists.ts';
import { measureSearch, searchMarkdown, writeCost, type SearchReport } from './search.ts';
import { forecastMarkdown, measureForecast, type ForecastReport } from './forecast.ts';
import { measureService, serviceMarkdown, type ServiceReport } from './service.ts';
import { marketingMarkdown, measureMarketing, type MarketingReport } from './marketing.ts';
import { copyReadItems, createFloorTable, floorLead, leadCalls, lockRetries, opsOf, templateFrom, wavesOf } from './webhook-floor.ts';

const ROOT = resolve(import.meta.dirname, '..');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/**
 * BENCH_ONLY=webhook skips bundles, seeding and GET/list (for profiling the webhook: BENCH_CPU_PROF=<dir>);
 * BENCH_ONLY=units measures only bundles, init and first calls; BENCH_ONLY=lists, =search, =forecast, =service, =marketing, =first-load and
 * =write-cost only those (comma-separated to combine: BENCH_ONLY=lists,search). Without it: everything.
 */
const ONLY = process.env.BENCH_ONLY;
const MODES = new Set((ONLY ?? '').split(',').map((m) => m.trim()).filter(Boolean));
const runs = (mode: string) => !ONLY || MODES.has(mode);
const NEEDS_RUNTIME = !ONLY || ['webhook', 'lists', 'search', 'forecast', 'service', 'marketing'].some((m) => MODES.has(m));
// Seeding 100,000 + 50,000 records takes minutes: a run with lists or search gets a longer default budget.
const BUDGET_SECONDS = env('BENCH_BUDGET_SECONDS', runs('lists') || runs('search') ? 2700 : 900);
const CONTACTS = env('BENCH_CONTACTS', 10_000);
const SEED_SECONDS = env('BENCH_SEED_SECONDS', 120);
const SAMPLES = env('BENCH_SAMPLES', 2_000);
const INIT_RUNS = env('BENCH_INIT_RUNS', 9);
const LEADS = env('BENCH_LEADS', 500);
const ROUNDS = env('BENCH_LEAD_ROUNDS', 4);
const STAGE_LEADS = env('BENCH_STAGE_LEADS', 30);
const CONCURRENCY = 8;
const CPU_PROF = process.env.BENCH_CPU_PROF;
const DEADLINE = Date.now() + BUDGET_SECONDS * 1000;

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
const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (x: number) => x.toFixed(2);
const T0 = Date.now();
const log = (s: string) => console.error(`[${((Date.now() - T0) / 1000).toFixed(0).padStart(4)} s] ${s}`);
const checkBudget = (what: string) => {
  if (Date.now() > DEADLINE) throw new Error(`time budget (${BUDGET_SECONDS} s) exhausted before ${what}`);
};

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

/** CPU ms (user + system) of one process, from /proc (Linux; 0 elsewhere). */
const TICK_MS = 1000 / 100;
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}
function descendants(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      return children ? children.split(' ').map(Number).flatMap((c) => [c, ...descendants(c)]) : [];
    });
  } catch {
    return [];
  }
}
/** CPU ms of the runtime's Node process and of its children (DynamoDB Local's JVM). */
const runtimeCpu = (pid: number) => ({ node: processCpuMs(pid), dynamo: descendants(pid).reduce((a, c) => a + processCpuMs(c), 0) });
const ownCpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };

async function main() {
  const startedAt = new Date();
  // What is measured so far: on the time budget, this much is written and printed before the bench stops.
  const partial: Partial<Result> & { incomplete?: string } = { date: startedAt.toISOString(), machine: machine() };
  const finish = (incomplete?: string) => {
    const result = { ...partial, seconds: (Date.now() - startedAt.getTime()) / 1000, ...(incomplete ? { incomplete } : {}) } as Result;
    result.machine = machine();
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(report(result));
  };
  const watchdog = setTimeout(() => {
    console.error(`bench: time budget of ${BUDGET_SECONDS} s exceeded; stopping with what is measured`);
    finish(`stopped by the time budget (${BUDGET_SECONDS} s)`);
    stopAll();
    process.exit(2);
  }, BUDGET_SECONDS * 1000);
  let runtime: ChildProcess | undefined;
  let proxyClose: (() => Promise<void>) | undefined;
  const stopAll = () => {
    runtime?.kill('SIGTERM');
    void proxyClose?.();
  };
  process.on('exit', () => runtime?.kill('SIGTERM'));

  // The bundles are measured in step 1 only (the local runtime runs the sources with tsx).
  if (runs('units')) {
    log('building function bundles…');
    execFileSync(process.execPath, ['--import', 'tsx', 'bin/build-functions.ts'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }

  // 1. Bundles, init and first call, before the runtime starts (nothing of ours competes for the CPU).
  let bundles: BundleReport | undefined;
  if (runs('units')) {
    log(`measuring bundles, init and first calls (${INIT_RUNS} runs each, alternating with the floor)…`);
    bundles = await measureBundles(INIT_RUNS, log, DEADLINE);
    partial.bundles = bundles;
  }
  // Write cost: in-process, no runtime (the record service and the store with a recording client).
  if (runs('write-cost') || runs('search')) partial.writeCost = await writeCost();
  // First load, before the runtime starts (its own runtime and Chromium; nothing else of ours runs).
  if (runs('first-load')) {
    if (!process.env.BENCH_SKIP_WEB_BUILD) {
      log('building the web app (vite build)…');
      execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'frontend/vite.config.ts'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    log('measuring first load (sign-in page, signed-in list) in Chromium…');
    partial.firstLoad = await measureFirstLoad();
  }
  if (!NEEDS_RUNTIME) {
    // E.g. BENCH_ONLY=units: bundles, init and first calls only (a quick check after a bundling change).
    clearTimeout(watchdog);
    finish();
    return;
  }

  // 2. The runtime: DynamoDB Local on a known port, the handlers reaching it through the counting proxy.
  const ddbPort = await freePort();
  const proxy = await dynamoProxy(ddbPort);
  proxyClose = proxy.close;
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cirrus-bench-'));
  runtime = spawn(process.execPath, [...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []), '--import', 'tsx', 'infra/local/main.ts'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env, PORT: String(port), SMTP_PORT: '0', DATA_DIR: dataDir, CIRRUS_DYNAMODB_IN_MEMORY: '1',
      CIRRUS_DYNAMODB_PORT: String(ddbPort), CIRRUS_HANDLER_DYNAMODB_ENDPOINT: `http://127.0.0.1:${proxy.port}`,
    },
  });
  const runtimePid = runtime.pid!;
  const base = `http://127.0.0.1:${port}`;
  try {
    log('starting the local runtime…');
    await waitFor(`${base}/api/health`, env('BENCH_START_SECONDS', 240) * 1000);
    const config = await (await fetch(`${base}/config.json`)).json() as { userPoolClientId: string; cognitoEndpoint: string };
    const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: config.cognitoEndpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const signIn = async (email: string) => {
      const auth = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: config.userPoolClientId, AuthParameters: { USERNAME: email, PASSWORD: 'Demo123!' } }));
      return { authorization: `Bearer ${auth.AuthenticationResult!.IdToken}`, 'content-type': 'application/json' };
    };
    const headers = await signIn('rep1@demo.local');
    const me = await (await fetch(`${base}/api/me`, { headers })).json() as { tenantId: string };
    const table = process.env.BENCH_TABLE ?? 'cirrus-local';
    // The raw calls take the same path to DynamoDB Local as the handlers' (through the proxy), with the
    // handlers' client options.
    const lowLevel = new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${proxy.port}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const raw = DynamoDBDocumentClient.from(lowLevel, { marshallOptions: { removeUndefinedValues: true } });
    const settle = async () => { await (await fetch(`${base}/_local/settle`, { method: 'POST' })).arrayBuffer(); };

    // Seed through the API, 8 at a time, within SEED_SECONDS.
    let seeded = 0;
    let seedSeconds = 0;
    const ids: string[] = [];
    let latency: { get: Pair; list: Pair } | undefined;
    if (!ONLY) {
      log(`seeding up to ${CONTACTS} contacts (at most ${SEED_SECONDS} s)…`);
      const t0 = performance.now();
      const seedUntil = t0 + SEED_SECONDS * 1000;
      let next = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next < CONTACTS && performance.now() < seedUntil) {
          const i = next++;
          const res = await fetch(`${base}/api/contacts`, {
            method: 'POST', headers,
            body: JSON.stringify({ firstName: `Bench${i}`, lastName: `Contact${String(i).padStart(5, '0')}`, email: `bench${i}@example.com`, phone: `+1512555${String(i).padStart(4, '0')}` }),
          });
          if (res.status !== 201) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
          ids.push(((await res.json()) as { id: string }).id);
        }
      }));
      seeded = ids.length;
      seedSeconds = (performance.now() - t0) / 1000;
      Object.assign(partial, { contacts: seeded, seedSeconds });
      await settle();
      checkBudget('GET and list');
      latency = await measureLatency(base, headers, raw, table, me.tenantId, ids, proxy);
      partial.latency = latency;
    }

    // 3. The webhook and its floor.
    if (runs('webhook')) {
      checkBudget('the webhook');
      partial.leads = await measureWebhook({ base, raw, lowLevel, table, tenantId: me.tenantId, proxy, settle, runtimePid, headers });
    }

    // 4–5. Lists and search over seeded records (signed in as the admin to create the object and seed).
    if (runs('lists') || runs('search') || runs('forecast') || runs('service')) {
      const adminHeaders = await signIn('admin@demo.local');
      const adminMe = await (await fetch(`${base}/api/me`, { headers: adminHeaders })).json() as { id: string; email: string; name: string; role: string };
      const principal = { tenantId: me.tenantId, userId: adminMe.id, email: adminMe.email, name: adminMe.name, role: 'admin', groups: ['admin'] } as never;
      const users = ((await (await fetch(`${base}/api/users`, { headers: adminHeaders })).json()) as { items: DirectoryUser[] }).items;
      const advanceClock = async (seconds: number) => {
        const r = await fetch(`${base}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });
        if (!r.ok) throw new Error(`/_local/clock: ${r.status}`);
      };
      const seedClient = new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${ddbPort}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      if (runs('lists')) {
        checkBudget('lists');
        partial.lists = await measureLists({ base, admin: { headers: adminHeaders, principal }, users, tenantId: me.tenantId, table, raw, lowLevel, seedClient, proxy, settle, advanceClock, log });
      }
      if (runs('search')) {
        checkBudget('search');
        const search = await measureSearch({ base, admin: { principal }, rep: { headers }, users, tenantId: me.tenantId, table, raw, lowLevel, seedClient, proxy, settle, log });
        partial.search = { ...search, writeCost: partial.writeCost };
      }
      if (runs('forecast')) {
        checkBudget('forecast');
        partial.forecast = await measureForecast({ base, admin: { headers: adminHeaders, principal }, users, tenantId: me.tenantId, table, raw, lowLevel, seedClient, proxy, settle, advanceClock, log });
      }
      if (runs('service')) {
        checkBudget('service');
        partial.service = await measureService({ base, admin: { headers: adminHeaders, principal }, users, tenantId: me.tenantId, table, raw, lowLevel, seedClient, proxy, settle, advanceClock, log });
      }
      if (runs('marketing')) {
        checkBudget('marketing');
        partial.marketing = await measureMarketing({ base, admin: { headers: adminHeaders, principal }, users, tenantId: me.tenantId, table, raw, lowLevel, seedClient, proxy, settle, advanceClock, log });
      }
    }
    log('done');
    finish();
  } finally {
    clearTimeout(watchdog);
    runtime.kill('SIGTERM');
    await new Promise((r) => (runtime!.exitCode !== null ? r(null) : runtime!.once('exit', r)));
    await proxy.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

interface Stat { p50: number; p99: number }
interface Pair { api: Stat; raw: Stat; dynamoRequestsPerCall: number }
const stat = (xs: number[]): Stat => ({ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) });
const time = async (fn: () => Promise<unknown>) => { const s = performance.now(); await fn(); return performance.now() - s; };

/** n pairs of (API call, raw call), the order flipping every pair, after 50 warm-up calls of each. */
async function interleaved(n: number, api: (i: number) => Promise<unknown>, rawCall: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 50; i++) {
    await api(i);
    await rawCall(i);
  }
  const a: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2) {
      a.push(await time(() => api(i)));
      r.push(await time(() => rawCall(i)));
    } else {
      r.push(await time(() => rawCall(i)));
      a.push(await time(() => api(i)));
    }
  }
  return { api: stat(a), raw: stat(r) };
}

async function measureLatency(base: string, headers: Record<string, string>, raw: DynamoDBDocumentClient, table: string, tenantId: string, ids: string[], proxy: Awaited<ReturnType<typeof dynamoProxy>>) {
  const pick = (i: number) => ids[(i * 7919) % ids.length]!;
  log(`GET contact vs GetItem, ${SAMPLES} pairs…`);
  const get = await interleaved(SAMPLES,
    async (i) => { const r = await fetch(`${base}/api/contacts/${pick(i)}`, { headers }); await r.arrayBuffer(); if (!r.ok) throw new Error(`GET ${r.status}`); },
    (i) => raw.send(new GetCommand({ TableName: table, Key: { pk: keys.record(tenantId, 'contact', pick(i)), sk: keys.recordSk } })));
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
    rawKeys.push((JSON.parse(Buffer.from(page.nextCursor, 'base64url').toString()) as { k: Record<string, unknown> }).k);
  }
  log(`list page vs Query, ${SAMPLES / 2} pairs…`);
  const list = await interleaved(SAMPLES / 2,
    async (i) => { const c = cursors[i % cursors.length]; const r = await fetch(`${base}/api/contacts?limit=20${c ? `&cursor=${c}` : ''}`, { headers }); await r.arrayBuffer(); if (!r.ok) throw new Error(`list ${r.status}`); },
    (i) => raw.send(new QueryCommand({
      TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.list(tenantId, 'contact') }, Limit: 20, ExclusiveStartKey: rawKeys[i % rawKeys.length],
    })));
  proxy.reset();
  for (let i = 0; i < 50; i++) await (await fetch(`${base}/api/contacts?limit=20`, { headers })).arrayBuffer();
  const listRequests = proxy.total() / 50;
  return { get: { ...get, dynamoRequestsPerCall: getRequests }, list: { ...list, dynamoRequestsPerCall: listRequests } };
}

interface WebhookContext {
  base: string;
  raw: DynamoDBDocumentClient;
  lowLevel: DynamoDBClient;
  table: string;
  tenantId: string;
  proxy: Awaited<ReturnType<typeof dynamoProxy>>;
  settle: () => Promise<void>;
  runtimePid: number;
  headers: Record<string, string>;
}

/** Webhook first in even rounds, floor first in odd ones. */
const order = (i: number): ('webhook' | 'floor')[] => (i % 2 ? ['floor', 'webhook'] : ['webhook', 'floor']);

/** Lead bodies differ only in a 7-character tag (`w000123`, `c000001`, floor `f000123`): same sizes. */
const tag = (kind: string, i: number) => `${kind}${String(i).padStart(6, '0')}`;

async function measureWebhook(c: WebhookContext) {
  const { base, raw, proxy, table, tenantId } = c;
  const postLead = async (t: string) => {
    const body = JSON.stringify({ firstName: 'Bench', lastName: `Lead${t}`, email: `bench.lead${t}@example.com`, country: 'US', source: 'bench' });
    const ts = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', 'whsec_demo_secret').update(`${ts}.${body}`).digest('hex');
    const res = await fetch(`${base}/api/webhooks/leads/demo-partner`, { method: 'POST', headers: { 'content-type': 'application/json', 'crm-signature': `t=${ts},v1=${sig}` }, body });
    const at = Date.now();
    if (res.status !== 202) throw new Error(`webhook ${res.status} ${await res.text()}`);
    return { id: ((await res.json()) as { id: string }).id, at };
  };
  // The partner rate limit (120/min) would throttle a bench, so lift it for the bench's partner only.
  await raw.send(new UpdateCommand({
    TableName: table, Key: { pk: keys.partners(tenantId), sk: keys.partnerSk('demo-partner') }, UpdateExpression: 'SET rateLimitPerMinute = :n', ExpressionAttributeValues: { ':n': 1_000_000 },
  }));

  // Record what the webhook sends DynamoDB for three leads, one at a time, with nothing else running.
  log('recording the webhook\'s DynamoDB calls for one lead…');
  for (let i = 0; i < 3; i++) await postLead(tag('c', 900_000 + i)); // warm the handler
  await c.settle();
  const recordings: { calls: RecordedCall[]; marker: string }[] = [];
  for (let i = 0; i < 6; i++) {
    const marker = tag('c', i);
    await c.settle();
    proxy.record();
    const t0 = performance.now();
    await postLead(marker);
    const t1 = performance.now();
    recordings.push({ calls: proxy.stopRecording().filter((r) => r.start >= t0 && r.end <= t1), marker });
  }
  // Same length as the table's name, so every request is byte for byte as large as the webhook's.
  const floorTable = `${table.slice(0, Math.max(1, table.length - 6))}-floor`;
  const template = templateFrom(recordings, table, floorTable);
  if (!template.consistent) log(`  the recorded leads made different calls: ${template.shapes.join(' | ')}`);
  log(`  ${template.shape}`);
  await createFloorTable(c.lowLevel, table, floorTable);
  const copied = await copyReadItems(raw, template, table, floorTable);

  // Check the floor against the recording: one floor lead through the proxy, same calls (in order) and sizes.
  await c.settle();
  proxy.record();
  await floorLead(raw, leadCalls(template, tag('f', 999_999)));
  const floorCheck = proxy.stopRecording();
  const webhookOps = template.waves.flat().map((x) => x.op + (x.items ? `(${x.items})` : '')).join(' ');
  const sortedOps = (calls: RecordedCall[]) => opsOf(calls).sort().join(' ');
  if (sortedOps(floorCheck) !== sortedOps(recordings.at(-1)!.calls)) {
    throw new Error(`the floor's calls (${opsOf(floorCheck).join(' ')}) are not the webhook's (${webhookOps})`);
  }
  // What was recorded, for reading (git-ignored): the webhook's calls for one lead and the floor's.
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/webhook-calls.json'), `${JSON.stringify({
    webhook: [...recordings.at(-1)!.calls].sort((a, b) => a.start - b.start).map((x) => ({ op: x.op, ms: x.end - x.start, body: x.body })),
    floor: [...floorCheck].sort((a, b) => a.start - b.start).map((x) => ({ op: x.op, ms: x.end - x.start, body: x.body })),
  }, null, 2)}\n`);
  const bytes = {
    webhook: template.waves.flat().reduce((a, x) => a + x.bytes, 0),
    floor: floorCheck.reduce((a, x) => a + Buffer.byteLength(JSON.stringify(x.body)), 0),
  };

  // Alternating rounds at the same concurrency: webhook then floor, floor then webhook, ...
  const perRound = Math.max(1, Math.floor(LEADS / ROUNDS));
  const accepted: { id: string; at: number }[] = [];
  let webhookIndex = 0;
  let floorIndex = 0;
  const cpu0 = () => ({ node: 0, dynamo: 0, bench: 0 });
  const totals = {
    webhook: { leads: 0, seconds: 0, cpu: cpu0(), settleSeconds: 0, settleCpu: cpu0() },
    floor: { leads: 0, seconds: 0, cpu: cpu0() },
  };
  const cpuNow = () => ({ ...runtimeCpu(c.runtimePid), bench: ownCpuMs() });
  const addCpu = (to: ReturnType<typeof cpu0>, from: ReturnType<typeof cpu0>) => {
    const now = cpuNow();
    to.node += now.node - from.node;
    to.dynamo += now.dynamo - from.dynamo;
    to.bench += now.bench - from.bench;
  };
  const rounds: { kind: string; perSecond: number }[] = [];
  const windows: { kind: string; fromUs: number; toUs: number }[] = [];
  const batch = async (kind: 'webhook' | 'floor') => {
    // The floor's inputs are built before the clock starts: it measures the DynamoDB calls only.
    const prepared = kind === 'floor' ? Array.from({ length: perRound }, () => leadCalls(template, tag('f', floorIndex++))) : [];
    let next = 0;
    const before = cpuNow();
    const h0 = process.hrtime.bigint();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < perRound) {
        const i = next++;
        if (kind === 'webhook') accepted.push(await postLead(tag('w', webhookIndex++)));
        else await floorLead(raw, prepared[i]!);
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    const t = totals[kind];
    t.leads += perRound;
    t.seconds += seconds;
    addCpu(t.cpu, before);
    // CLOCK_MONOTONIC µs, the clock of V8's .cpuprofile timestamps: bench/profile-summary.ts cuts these windows out.
    windows.push({ kind, fromUs: Number(h0 / 1000n), toUs: Number(process.hrtime.bigint() / 1000n) });
    rounds.push({ kind, perSecond: perRound / seconds });
    log(`  ${kind}: ${perRound} leads in ${seconds.toFixed(1)} s (${(perRound / seconds).toFixed(1)}/s)`);
    if (kind === 'webhook') {
      // What the leads started downstream (stream → bus → assignment → follow-up) finishes before the next batch.
      const s0 = performance.now();
      const settleBefore = cpuNow();
      // /_local/settle gives up after 30 s: ask again until the downstream work has really finished.
      for (let k = 0; k < 6; k++) {
        const t = performance.now();
        await c.settle();
        if (performance.now() - t < 25_000) break;
      }
      totals.webhook.settleSeconds += (performance.now() - s0) / 1000;
      addCpu(totals.webhook.settleCpu, settleBefore);
    }
  };
  log(`${ROUNDS} alternating rounds of ${perRound} leads, webhook and floor, ${CONCURRENCY} at a time…`);
  for (let r = 0; r < ROUNDS; r++) {
    checkBudget(`lead round ${r + 1}`);
    for (const kind of order(r)) await batch(kind);
  }

  // Single leads, one at a time, webhook and floor alternating: where a lead's time goes.
  log(`stage breakdown: ${STAGE_LEADS} single leads each…`);
  type Stages = { total: number; beforeFirstCall: number; dynamo: number; between: number; afterLastCall: number };
  const stagesOf = (calls: RecordedCall[], t0: number, t1: number): Stages => {
    const waves = wavesOf(calls.filter((x) => x.start >= t0 && x.end <= t1));
    const spans = waves.map((w) => ({ start: Math.min(...w.map((x) => x.start)), end: Math.max(...w.map((x) => x.end)) }));
    return {
      total: t1 - t0,
      beforeFirstCall: spans[0]!.start - t0,
      dynamo: spans.reduce((a, s) => a + s.end - s.start, 0),
      between: spans.slice(1).reduce((a, s, i) => a + s.start - spans[i]!.end, 0),
      afterLastCall: t1 - spans.at(-1)!.end,
    };
  };
  const stage = { webhook: [] as Stages[], floor: [] as Stages[] };
  // CPU of single leads: during the request (the intake path alone: its downstream starts after the 202, at
  // the next stream poll) and, for the webhook, during the settle that follows (the lead's downstream work).
  const singleCpu = { webhook: cpu0(), floor: cpu0(), downstream: cpu0() };
  await c.settle();
  for (let i = 0; i < STAGE_LEADS; i++) {
    checkBudget('the stage breakdown');
    const prepared = leadCalls(template, tag('f', floorIndex++));
    for (const kind of order(i)) {
      proxy.record();
      const before = cpuNow();
      const t0 = performance.now();
      if (kind === 'webhook') accepted.push(await postLead(tag('w', webhookIndex++)));
      else await floorLead(raw, prepared);
      const t1 = performance.now();
      addCpu(singleCpu[kind], before);
      stage[kind].push(stagesOf(proxy.stopRecording(), t0, t1));
      const settleBefore = cpuNow();
      await c.settle();
      if (kind === 'webhook') addCpu(singleCpu.downstream, settleBefore);
    }
  }
  const medianStages = (xs: Stages[]) => Object.fromEntries(Object.keys(xs[0]!).map((k) => [k, median(xs.map((x) => x[k as keyof Stages]))])) as Stages;

  // 202 → assigned for every accepted lead.
  await c.settle();
  checkBudget('202 → assigned');
  const assignLatency: number[] = [];
  for (const a of accepted) {
    for (let tries = 0; tries < 100; tries++) {
      const lead = await (await fetch(`${base}/api/leads/${a.id}`, { headers: c.headers })).json() as { assignedAt?: string };
      if (lead.assignedAt) { assignLatency.push(Date.parse(lead.assignedAt) - a.at); break; }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const perLead = (x: ReturnType<typeof cpu0>, n: number) => ({ node: x.node / n, dynamo: x.dynamo / n, bench: x.bench / n });
  const webhookPerSecond = totals.webhook.leads / totals.webhook.seconds;
  const floorPerSecond = totals.floor.leads / totals.floor.seconds;
  return {
    concurrency: CONCURRENCY, rounds: ROUNDS, perRound, roundRates: rounds, windows,
    calls: { shape: template.shape, consistent: template.consistent, shapes: template.shapes, perCall: template.waves.map((w) => w.map((x) => ({ op: x.op, bytes: x.bytes, ...(x.items ? { items: x.items } : {}) }))), requestBytes: bytes, copiedItems: copied },
    webhook: {
      leads: totals.webhook.leads, seconds: totals.webhook.seconds, perSecond: webhookPerSecond,
      cpuMsPerLead: perLead(totals.webhook.cpu, totals.webhook.leads),
      settleSeconds: totals.webhook.settleSeconds, settleCpuMsPerLead: perLead(totals.webhook.settleCpu, totals.webhook.leads),
    },
    floor: {
      leads: totals.floor.leads, seconds: totals.floor.seconds, perSecond: floorPerSecond,
      cpuMsPerLead: perLead(totals.floor.cpu, totals.floor.leads),
    },
    fraction: webhookPerSecond / floorPerSecond,
    floorLockRetries: lockRetries.count,
    stages: {
      webhook: medianStages(stage.webhook), floor: medianStages(stage.floor), leads: STAGE_LEADS,
      cpuMsPerLead: { webhook: perLead(singleCpu.webhook, STAGE_LEADS), floor: perLead(singleCpu.floor, STAGE_LEADS), downstream: perLead(singleCpu.downstream, STAGE_LEADS) },
    },
    assigned: assignLatency.length, accepted: accepted.length, toAssigned: assignLatency.length ? stat(assignLatency) : undefined,
  };
}

const machine = () => ({ cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage: loadavg() });
type Result = {
  date: string; machine: ReturnType<typeof machine>; incomplete?: string;
  contacts: number; seedSeconds: number; seconds: number;
  latency?: { get: Pair; list: Pair }; leads?: Awaited<ReturnType<typeof measureWebhook>>; bundles?: BundleReport;
  lists?: ListReport; search?: SearchReport; forecast?: ForecastReport; service?: ServiceReport; marketing?: MarketingReport; writeCost?: SearchReport['writeCost']; firstLoad?: FirstLoadReport;
};

function report(r: Result): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`# Cirrus bench ${r.date}\n\n${m.cpus}× ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}; load average at the end ${m.loadAverage.map((x) => x.toFixed(1)).join(' ')}; bench took ${r.seconds.toFixed(0)} s.${r.incomplete ? ` **Incomplete: ${r.incomplete}.**` : ''}`);
  if (r.latency) {
    const line = (label: string, p: Pair) =>
      `| ${label} | ${ms(p.api.p50)} | ${ms(p.raw.p50)} | ${ms(p.api.p50 - p.raw.p50)} | ${ms(p.api.p99)} | ${ms(p.raw.p99)} | ${(p.api.p99 / p.raw.p99).toFixed(2)}× | ${p.dynamoRequestsPerCall} |`;
    out.push(`\n${r.contacts} contacts seeded through the API in ${r.seedSeconds.toFixed(1)} s (${(r.contacts / r.seedSeconds).toFixed(0)}/s).\n`);
    out.push('| call (interleaved with its raw call) | API p50 ms | raw p50 ms | p50 gap ms | API p99 ms | raw p99 ms | p99 ratio | DynamoDB requests per call |\n|---|---|---|---|---|---|---|---|');
    out.push(line('GET /api/contacts/{id} vs GetItem', r.latency.get));
    out.push(line('GET /api/contacts?limit=20 vs Query GSI1', r.latency.list));
  }
  const l = r.leads;
  if (l) {
  out.push(`\nWebhook calls per new lead (recorded): ${l.calls.shape}${l.calls.consistent ? '' : ' (recorded leads differed!)'}; request bytes webhook ${l.calls.requestBytes.webhook}, floor ${l.calls.requestBytes.floor}.\n`);
  out.push(`| lead intake, ${l.concurrency} at a time, ${l.rounds} alternating rounds of ${l.perRound} | webhook | raw floor |\n|---|---|---|`);
  out.push(`| leads/s | ${l.webhook.perSecond.toFixed(1)} | ${l.floor.perSecond.toFixed(1)} |`);
  out.push(`| webhook ÷ floor (target ≥ 0.8) | **${l.fraction.toFixed(2)}** | 1${l.floorLockRetries ? ` (${l.floorLockRetries} calls re-sent after DynamoDB Local's lock timeout)` : ''} |`);
  out.push(`| per round (leads/s) | ${l.roundRates.filter((x) => x.kind === 'webhook').map((x) => x.perSecond.toFixed(0)).join(', ')} | ${l.roundRates.filter((x) => x.kind === 'floor').map((x) => x.perSecond.toFixed(0)).join(', ')} |`);
  const w = l.webhook.cpuMsPerLead;
  const after = l.webhook.settleCpuMsPerLead;
  const f = l.floor.cpuMsPerLead;
  out.push(`| CPU ms per lead during the batch: runtime (Node) | ${w.node.toFixed(1)} | ${f.node.toFixed(1)} |`);
  out.push(`| … DynamoDB Local (JVM) | ${w.dynamo.toFixed(1)} | ${f.dynamo.toFixed(1)} |`);
  out.push(`| … bench process (HTTP client or SDK, and the proxy) | ${w.bench.toFixed(1)} | ${f.bench.toFixed(1)} |`);
  out.push(`| CPU ms per lead after the batch (downstream finishing): runtime, DynamoDB Local | ${after.node.toFixed(1)}, ${after.dynamo.toFixed(1)} (${l.webhook.settleSeconds.toFixed(1)} s in all) | — |`);
  const s = l.stages;
  out.push(`\n| one lead at a time (median of ${s.leads}), ms | webhook | raw floor |\n|---|---|---|`);
  for (const k of ['total', 'beforeFirstCall', 'dynamo', 'between', 'afterLastCall'] as const) {
    out.push(`| ${{ total: 'total', beforeFirstCall: 'request → first DynamoDB call', dynamo: 'in DynamoDB calls', between: 'between calls', afterLastCall: 'last call → answer' }[k]} | ${ms(s.webhook[k])} | ${ms(s.floor[k])} |`);
  }
  const sc = s.cpuMsPerLead;
  const cpuCell = (x: { node: number; dynamo: number; bench: number }) => `${x.node.toFixed(1)} / ${x.dynamo.toFixed(1)} / ${x.bench.toFixed(1)}`;
  out.push(`| CPU ms per lead, runtime / DynamoDB Local / bench, during the request (mean) | ${cpuCell(sc.webhook)} | ${cpuCell(sc.floor)} |`);
  out.push(`| CPU ms per lead of its downstream work (stream → bus → assignment → follow-up), after the 202 | ${cpuCell(sc.downstream)} | — |`);
  if (l.toAssigned) out.push(`\n202 → assigned: p50 ${l.toAssigned.p50.toFixed(0)} ms, p99 ${l.toAssigned.p99.toFixed(0)} ms; ${l.assigned}/${l.accepted} assigned.`);
  }
  if (r.bundles) {
    const b = r.bundles;
    out.push(`\n| bundle | routes | KB | init ms (median of ${b.runs}) | init ÷ floor | init CPU ms | CPU ÷ floor | first call ms (route) | second call ms | router alone, first call ms |\n|---|---|---|---|---|---|---|---|---|---|`);
    out.push(`| floor (DynamoDB document client only) | | ${(b.floor.bytes / 1024).toFixed(0)} | ${ms(b.floor.initMs)} | 1.00 | ${ms(b.floor.initCpuMs)} | 1.00 | | | |`);
    for (const f of b.functions) {
      const fc = f.firstCall;
      out.push(`| ${f.name}${f.kind === 'consumer' ? ' (consumer)' : ''} | ${f.routes || ''} | ${(f.bytes / 1024).toFixed(0)} | ${ms(f.initMs)} | ${f.ratio.toFixed(2)} | ${ms(f.initCpuMs)} | ${f.cpuRatio.toFixed(2)} | ${fc ? `${ms(fc.firstMs)} (\`${fc.route}\` → ${fc.status})` : ''} | ${fc ? ms(fc.secondMs) : ''} | ${fc ? ms(fc.routerFirstMs) : ''} |`);
    }
  }
  if (r.lists) out.push(listsMarkdown(r.lists));
  if (r.forecast) out.push(forecastMarkdown(r.forecast));
  if (r.service) out.push(serviceMarkdown(r.service));
  if (r.marketing) out.push(marketingMarkdown(r.marketing));
  if (r.search) out.push(searchMarkdown(r.search));
  else if (r.writeCost) out.push(searchMarkdown({ records: 0, target: 0, accounts: 0, itemsWritten: 0, seedSeconds: 0, buildSeconds: 0, samples: 0, queries: [], writeCost: r.writeCost }));
  if (r.firstLoad) out.push(`\n### First load (gzip, built files, Chromium)\n\n${firstLoadMarkdown(r.firstLoad)}`);
  return out.join('\n');
}

main().catch((e) => {
  console.error(`bench failed: ${e instanceof Error ? e.stack ?? e.message : e}`);
  process.exit(1);
});
