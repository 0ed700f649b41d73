/**
 * Filtered and sorted lists over one big custom object (issue 7: "a filtered, sorted first page over 100,000
 * records of one object, next to the raw DynamoDB reads it needs").
 *
 *  1. An admin creates `c_bench_deals` through the API: a name, a stage picklist, a region picklist and an
 *     amount number (the picklists and the number have list-index items, functions/records/list-index.ts).
 *  2. BENCH_LIST_RECORDS records (default 100,000) are made by the record service and written straight into
 *     DynamoDB Local with BatchWriteItem in the store's own items (bench/records-seed.ts): record, list-index
 *     items, name tokens.
 *  3. For each list shape: one first page (`limit=20`) through the HTTP API is recorded at the proxy (every
 *     DynamoDB request, its body and what it returned); the requests that read the object's partitions (its
 *     index Query(s) and the BatchGetItem of the records) are the raw floor, sent again as they were with the
 *     SDK from the bench process. Then BENCH_LIST_SAMPLES rounds (default 50) of API page and floor,
 *     alternating, p50/p99 of each.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../functions/commons/auth.ts';
import type { DirectoryUser } from '../functions/records/store.ts';
import type { DynamoProxy, RecordedCall } from './proxy.ts';
import { SEED_CONCURRENCY, STREAM_OPS, batchWrite, describeCall, interleave, opsText, readsOf, replay, seeder, settleFully, wavesOfCalls, type Reads, type Stat } from './records-seed.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
export const LIST_RECORDS = env('BENCH_LIST_RECORDS', 100_000);
const SAMPLES = env('BENCH_LIST_SAMPLES', 50);
/** The seed stops here if it has not reached LIST_RECORDS (the report gives the count seeded). */
const SEED_SECONDS = env('BENCH_LIST_SEED_SECONDS', 600);
/** Sampling of one list shape stops past this (after 5 rounds at least). */
const SHAPE_SECONDS = env('BENCH_LIST_SHAPE_SECONDS', 60);
const OBJECT = 'c_bench_deals';
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });

/** Stage shares (per mille): `lost` is the selective value (1 %). */
const STAGES: [string, number][] = [['prospect', 300], ['qualify', 250], ['propose', 200], ['negotiate', 150], ['won', 90], ['lost', 10]];
const REGIONS = ['north', 'south', 'east', 'west', 'central', 'northeast', 'northwest', 'southwest'];
const WORDS = ['Alpha', 'Birch', 'Cedar', 'Delta', 'Ember', 'Fjord', 'Grove', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lumen', 'Maple', 'Nimbus', 'Onyx', 'Pioneer', 'Quartz', 'Ridge', 'Summit', 'Tundra'];

/** The list shapes measured (query strings of `GET /api/c_bench_deals`, each with `limit=20`). */
export const LIST_SHAPES: { label: string; query: string }[] = [
  { label: 'stage = propose (20 %), by amount descending', query: 'where[c_stage][eq]=propose&sort=-c_amount' },
  { label: 'stage = lost (1 %), by name', query: 'where[c_stage][eq]=lost' },
  { label: 'region in (north, east) (25 %), by name', query: 'where[c_region][in]=north,east&sort=name' },
  { label: 'amount > 990,000 (1 %), by amount', query: 'where[c_amount][gt]=990000&sort=c_amount' },
  { label: 'no filter, by name', query: 'sort=name' },
  { label: 'stage = lost (1 %), by amount descending', query: 'where[c_stage][eq]=lost&sort=-c_amount' },
];

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same records. */
export function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ListContext {
  base: string;
  admin: { headers: Record<string, string>; principal: Principal };
  users: DirectoryUser[];
  tenantId: string;
  table: string;
  raw: DynamoDBDocumentClient;
  lowLevel: DynamoDBClient;
  /** Straight to DynamoDB Local (not through the proxy): the seed's writes. */
  seedClient: DynamoDBClient;
  proxy: DynamoProxy;
  settle: () => Promise<void>;
  advanceClock: (seconds: number) => Promise<void>;
  log: (s: string) => void;
}

export interface ShapeResult {
  label: string;
  query: string;
  pageItems: number;
  more: boolean;
  api: Stat;
  floor: Stat;
  apiReads: Reads;
  /** The API's reads of the object's partitions (the floor's requests). */
  apiDataReads: Reads;
  floorReads: Reads;
  /** What the API's request did besides the floor's reads (metadata, sharing, directory …). */
  otherCalls: string;
}

export interface ListReport {
  records: number;
  /** BENCH_LIST_RECORDS: fewer were seeded if the seed's time ran out. */
  target: number;
  itemsWritten: number;
  seedSeconds: number;
  buildSeconds: number;
  samples: number;
  shapes: ShapeResult[];
}

/**
 * Calls that read the given partitions (a type's records, list-index, GSI and token partitions: `T#<t>#<type>`
 * and what follows), i.e. what the store's list plan or search reads; not metadata, sharing or the directory.
 */
export const touches = (types: readonly string[], tenantId: string) => (c: RecordedCall) => (c.op === 'Query' || c.op === 'BatchGetItem')
  && types.some((t) => new RegExp(`"T#${tenantId}#${t}(#|")`).test(JSON.stringify(c.body)));

/** Records one call through the API at the proxy: the calls made while it ran. */
export async function recordCall(proxy: DynamoProxy, settle: () => Promise<void>, call: () => Promise<unknown>): Promise<RecordedCall[]> {
  await settle();
  proxy.record();
  const t0 = performance.now();
  await call();
  const t1 = performance.now();
  return proxy.stopRecording().filter((r) => r.start >= t0 && r.end <= t1);
}

/**
 * One API read against its floor: warmed up three times, its own DynamoDB calls recorded at the proxy (stream
 * polling left out) and sent again as recorded, then `samples` rounds of both alternating (bench/forecast.ts,
 * bench/service.ts).
 */
export async function againstFloor(c: Pick<ListContext, 'proxy' | 'settle' | 'lowLevel'>, samples: number, call: () => Promise<unknown>): Promise<{ api: Stat; floor: Stat; apiReads: Reads; floorReads: Reads }> {
  for (let i = 0; i < 3; i++) await call();
  const calls = (await recordCall(c.proxy, c.settle, call)).filter((x) => !STREAM_OPS.has(x.op));
  const waves = wavesOfCalls(calls);
  const floorRecorded = await recordCall(c.proxy, c.settle, () => replay(c.lowLevel, waves));
  const [api, floor] = await interleave(samples, 5, [call, () => replay(c.lowLevel, waves)], 60_000);
  return { api: api!, floor: floor!, apiReads: readsOf(calls), floorReads: readsOf(floorRecorded) };
}

export async function measureLists(c: ListContext): Promise<ListReport> {
  const { base, admin, log } = c;
  const res = await fetch(`${base}/api/metadata/objects`, {
    method: 'POST', headers: admin.headers,
    body: JSON.stringify({
      apiName: OBJECT, label: l('Bench deal', '基准商机'), labelPlural: l('Bench deals', '基准商机'), searchable: false,
      fields: [
        { apiName: 'c_name', type: 'text', label: l('Name', '名称'), required: true },
        { apiName: 'c_stage', type: 'picklist', label: l('Stage', '阶段'), options: STAGES.map(([v]) => ({ value: v, label: l(v, v) })) },
        { apiName: 'c_region', type: 'picklist', label: l('Region', '区域'), options: REGIONS.map((v) => ({ value: v, label: l(v, v) })) },
        { apiName: 'c_amount', type: 'number', label: l('Amount', '金额') },
      ],
    }),
  });
  if (res.status !== 201) throw new Error(`creating ${OBJECT}: ${res.status} ${await res.text()}`);
  await c.advanceClock(6); // past METADATA_REFRESH_MS: the records unit sees the new object

  const seed = seeder({ actor: admin.principal, users: c.users, tenantId: c.tenantId, table: c.table, raw: c.raw });
  const def = await seed.entity(OBJECT);
  const rnd = random(7);
  const owners = c.users.filter((u) => u.role === 'rep' || u.role === 'manager').map((u) => u.id);
  const stageOf = (x: number) => { let acc = 0; for (const [s, share] of STAGES) { acc += share; if (x * 1000 < acc) return s; } return STAGES.at(-1)![0]; };
  log(`lists: seeding ${LIST_RECORDS} ${OBJECT} records with BatchWriteItem…`);
  const t0 = performance.now();
  let buildMs = 0;
  let written = 0;
  let pending: Promise<void> = Promise.resolve();
  const start = Date.parse('2026-01-01T00:00:00Z');
  const CHUNK = 1000;
  let seeded = 0;
  for (let i = 0; i < LIST_RECORDS; i += CHUNK) {
    if (performance.now() - t0 > SEED_SECONDS * 1000) { log(`lists: seed time (${SEED_SECONDS} s) up after ${seeded} records`); break; }
    const b0 = performance.now();
    const items: Record<string, unknown>[] = [];
    for (let k = i; k < Math.min(LIST_RECORDS, i + CHUNK); k++) {
      const body = {
        c_name: `${WORDS[Math.floor(rnd() * WORDS.length)]} ${WORDS[Math.floor(rnd() * WORDS.length)]} ${String(k).padStart(6, '0')}`,
        c_stage: stageOf(rnd()), c_region: REGIONS[Math.floor(rnd() * REGIONS.length)], c_amount: Math.floor(rnd() * 1_000_000),
        ownerId: owners[k % owners.length],
      };
      items.push(...(await seed.create(def, body, new Date(start + k * 60_000))).items);
      seeded++;
    }
    buildMs += performance.now() - b0;
    await pending;
    written += items.length;
    pending = batchWrite(c.seedClient, c.table, items, SEED_CONCURRENCY);
    if ((i / CHUNK) % 10 === 9) log(`  ${i + CHUNK} records (${written} items), ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  await pending;
  const seedSeconds = (performance.now() - t0) / 1000;
  log(`lists: ${seeded} records, ${written} items in ${seedSeconds.toFixed(1)} s (building them ${(buildMs / 1000).toFixed(1)} s); settling…`);
  await settleFully(c.settle);

  const shapes: ShapeResult[] = [];
  const mine = touches([OBJECT], c.tenantId);
  for (const shape of LIST_SHAPES) {
    const url = `${base}/api/${OBJECT}?limit=20&${shape.query}`;
    let page: { items: unknown[]; nextCursor: string | null } | undefined;
    const apiCall = async () => {
      const r = await fetch(url, { headers: admin.headers });
      if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${await r.text()}`);
      page = await r.json() as typeof page;
    };
    for (let i = 0; i < 3; i++) await apiCall(); // warm: metadata and sharing cached
    const calls = await recordCall(c.proxy, c.settle, apiCall);
    const floorCalls = calls.filter(mine);
    const waves = wavesOfCalls(floorCalls);
    // The floor's own reads, recorded the same way: the same requests, so the same items.
    const floorRecorded = await recordCall(c.proxy, c.settle, () => replay(c.lowLevel, waves));
    log(`  ${shape.query}: ${page!.items.length} items; API ${opsText(readsOf(calls))}; floor ${opsText(readsOf(floorRecorded))} in ${waves.length} waves`);
    const [api, floor] = await interleave(SAMPLES, 5, [apiCall, () => replay(c.lowLevel, waves)], SHAPE_SECONDS * 1000);
    const others = calls.filter((x) => !mine(x) && !STREAM_OPS.has(x.op));
    shapes.push({
      ...shape, pageItems: page!.items.length, more: Boolean(page!.nextCursor), api: api!, floor: floor!,
      apiReads: readsOf(calls), apiDataReads: readsOf(floorCalls), floorReads: readsOf(floorRecorded), otherCalls: others.map(describeCall).join('; '),
    });
  }
  return { records: seeded, target: LIST_RECORDS, itemsWritten: written, seedSeconds, buildSeconds: buildMs / 1000, samples: SAMPLES, shapes };
}

const ms = (x: number) => x.toFixed(2);
export function listsMarkdown(r: ListReport): string {
  const out = [
    `\n### Filtered and sorted first page over ${r.records.toLocaleString('en')} records of one custom object\n`,
    `${r.records.toLocaleString('en')} \`${OBJECT}\` records${r.records < r.target ? ` (of ${r.target.toLocaleString('en')} asked: the seed's time limit)` : ''} (${r.itemsWritten.toLocaleString('en')} items: record, 3 list-index items, name tokens) written with BatchWriteItem in ${r.seedSeconds.toFixed(0)} s (made by the record service in ${r.buildSeconds.toFixed(0)} s of that). First page, \`limit=20\`, signed in as the admin; ${r.samples} rounds of API page and raw floor, alternating. *Floor* = the page's reads of the object's partitions, sent again as recorded with the SDK. *Items* = items returned / examined by DynamoDB (ScannedCount) for one page.\n`,
    '| list (`GET /api/c_bench_deals?limit=20&…`) | page | API p50 ms | floor p50 ms | ratio p50 | API p99 ms | floor p99 ms | ratio p99 | API DynamoDB requests | floor requests | items (API = floor) | other requests of the API |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of r.shapes) {
    out.push(`| ${s.label}: \`${s.query}\`${s.api.n < r.samples ? ` (${s.api.n} rounds)` : ''} | ${s.pageItems}${s.more ? '+' : ''} | ${ms(s.api.p50)} | ${ms(s.floor.p50)} | ${(s.api.p50 / s.floor.p50).toFixed(2)}× | ${ms(s.api.p99)} | ${ms(s.floor.p99)} | ${(s.api.p99 / s.floor.p99).toFixed(2)}× | ${opsText(s.apiReads)} | ${opsText(s.floorReads)} | ${s.apiDataReads.items} / ${s.apiDataReads.scanned}${s.floorReads.items !== s.apiDataReads.items || s.floorReads.scanned !== s.apiDataReads.scanned ? ` (floor ${s.floorReads.items} / ${s.floorReads.scanned})` : ''} | ${s.otherCalls || '—'} |`);
  }
  return out.join('\n');
}
