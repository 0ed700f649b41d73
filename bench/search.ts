/**
 * Search over many contacts with Chinese names (issue 7: "search p50/p99 over 50,000 records with Chinese
 * names"), and the write cost of a contact (items and bytes per create / title change / rename).
 *
 *  1. BENCH_SEARCH_RECORDS contacts (default 50,000) with generated Chinese names (a common surname and one
 *     or two common given-name characters), each at one of BENCH_SEARCH_RECORDS / 10 accounts named like
 *     上海示例科技有限公司, with a mobile number and an email; made by the record service and written straight
 *     into DynamoDB Local in the store's own items (bench/records-seed.ts): records, search tokens, unique
 *     guards, the accounts' contact links.
 *  2. For each query (one character, a two-character name, a company word, a phone's last four digits):
 *     `GET /api/search?q=` and `GET /api/contacts?q=&limit=20`, signed in as a rep, each recorded once at the
 *     proxy; the requests that read record or token partitions (the token Query per object, the BatchGetItem of
 *     the records) are the raw floor, sent again as recorded; and the same floor with each token Query's
 *     `begins_with(sk, :q)` written as `sk BETWEEN :q AND :q+U+10FFFF` (the same items), to see what DynamoDB
 *     Local's begins_with costs. BENCH_SEARCH_SAMPLES rounds (default 50), API and floors alternating.
 *  3. Write cost: what test/unit/search-write-cost.test.ts measures (the same contact and changes through the
 *     real DynamoRecordStore with a client that keeps the transaction), next to its "before issue 7" numbers.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../functions/commons/auth.ts';
import { accountEntity } from '../functions/accounts/entity.ts';
import { contactEntity } from '../functions/contacts/entity.ts';
import { DynamoRecordStore } from '../functions/records/dynamo-store.ts';
import { createRecord, updateRecord, type RecordDeps } from '../functions/records/service.ts';
import type { ChangeSet, DirectoryUser } from '../functions/records/store.ts';
import { MemoryStore } from '../test/support/memory-store.ts';
import { random, recordCall, touches } from './lists.ts';
import type { DynamoProxy } from './proxy.ts';
import { SEED_CONCURRENCY, STREAM_OPS, asBetween, batchWrite, describeCall, interleave, opsText, readsOf, replay, seeder, settleFully, wavesOfCalls, type Reads, type Stat } from './records-seed.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
export const SEARCH_RECORDS = env('BENCH_SEARCH_RECORDS', 50_000);
const SAMPLES = env('BENCH_SEARCH_SAMPLES', 50);
/** The seed stops here if it has not reached SEARCH_RECORDS contacts (the report gives the count seeded). */
const SEED_SECONDS = env('BENCH_SEARCH_SEED_SECONDS', 600);

/** Common surnames, most common first (drawn with weight 1/(rank+2): 王, 李, 张 far more often than 曹). */
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹'];
const GIVEN = [...'伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚英华玉萍红飞鹏辉健俊帆宇浩婷雪琳欣晨阳佳博文斌凯鑫宁倩颖莉兰波昊然思雨子涵轩'];
const CITIES = ['上海', '北京', '深圳', '广州', '杭州', '成都', '南京', '武汉'];
const BRANDS = ['示例', '华信', '东方', '金桥', '远景', '中科', '星辰', '蓝海', '天成', '宏达', '鼎盛', '博远', '新锐', '恒通', '瑞丰', '泰和', '长风', '明德', '永信', '海纳'];
const TRADES = ['科技', '贸易', '实业', '信息技术', '电子', '物流'];

export interface SearchContext {
  base: string;
  admin: { principal: Principal };
  rep: { headers: Record<string, string> };
  users: DirectoryUser[];
  tenantId: string;
  table: string;
  raw: DynamoDBDocumentClient;
  lowLevel: DynamoDBClient;
  /** Straight to DynamoDB Local (not through the proxy): the seed's writes. */
  seedClient: DynamoDBClient;
  proxy: DynamoProxy;
  settle: () => Promise<void>;
  log: (s: string) => void;
}

export interface QueryResult {
  label: string;
  path: string;
  results: number;
  api: Stat;
  floor: Stat;
  between: Stat;
  apiReads: Reads;
  apiDataReads: Reads;
  otherCalls: string;
}
export interface WriteCost { items: number; tokenItems: number; bytes: number; tokenBytes: number }
export interface SearchReport {
  records: number;
  /** BENCH_SEARCH_RECORDS: fewer were seeded if the seed's time ran out. */
  target: number;
  accounts: number;
  itemsWritten: number;
  seedSeconds: number;
  buildSeconds: number;
  samples: number;
  queries: QueryResult[];
  writeCost?: Record<'create' | 'title' | 'rename', WriteCost>;
}

export async function measureSearch(c: SearchContext): Promise<SearchReport> {
  const { log } = c;
  const seed = seeder({ actor: c.admin.principal, users: c.users, tenantId: c.tenantId, table: c.table, raw: c.raw });
  const rnd = random(11);
  const weights = SURNAMES.map((_, i) => 1 / (i + 2));
  const total = weights.reduce((a, b) => a + b, 0);
  const surname = () => { let x = rnd() * total; for (let i = 0; i < SURNAMES.length; i++) { x -= weights[i]!; if (x <= 0) return SURNAMES[i]!; } return SURNAMES[0]!; };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const owners = c.users.filter((u) => u.role === 'rep' || u.role === 'manager').map((u) => u.id);
  const start = Date.parse('2026-01-01T00:00:00Z');
  const accountCount = Math.max(1, Math.floor(SEARCH_RECORDS / 10));
  log(`search: seeding ${accountCount} accounts and ${SEARCH_RECORDS} contacts with Chinese names…`);
  const t0 = performance.now();
  let buildMs = 0;
  let written = 0;
  const accountIds: string[] = [];
  const phones: string[] = [];
  let pending: Promise<void> = Promise.resolve();
  const flush = async (items: Record<string, unknown>[]) => {
    await pending;
    written += items.length;
    pending = batchWrite(c.seedClient, c.table, items, SEED_CONCURRENCY);
  };
  const CHUNK = 1000;
  for (let i = 0; i < accountCount; i += CHUNK) {
    const b0 = performance.now();
    const items: Record<string, unknown>[] = [];
    for (let k = i; k < Math.min(accountCount, i + CHUNK); k++) {
      const { record, items: its } = await seed.create(accountEntity, {
        name: `${pick(CITIES)}${pick(BRANDS)}${pick(TRADES)}有限公司`, domain: `co${k}.example.cn`, ownerId: owners[k % owners.length],
      }, new Date(start + k * 1000));
      accountIds.push(record.id);
      items.push(...its);
    }
    buildMs += performance.now() - b0;
    await flush(items);
  }
  for (let i = 0; i < SEARCH_RECORDS; i += CHUNK) {
    if (performance.now() - t0 > SEED_SECONDS * 1000) { log(`search: seed time (${SEED_SECONDS} s) up after ${phones.length} contacts`); break; }
    const b0 = performance.now();
    const items: Record<string, unknown>[] = [];
    for (let k = i; k < Math.min(SEARCH_RECORDS, i + CHUNK); k++) {
      const a = Math.floor(rnd() * accountCount);
      const mobile = `+861${3 + Math.floor(rnd() * 7)}${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`;
      phones.push(mobile);
      const given = rnd() < 0.5 ? pick(GIVEN) : `${pick(GIVEN)}${pick(GIVEN)}`;
      items.push(...(await seed.create(contactEntity, {
        lastName: surname(), firstName: given, email: `u${k}@co${a}.example.cn`, mobile, accountId: accountIds[a], ownerId: owners[k % owners.length],
      }, new Date(start + k * 1000))).items);
    }
    buildMs += performance.now() - b0;
    await flush(items);
    if ((i / CHUNK) % 10 === 9) log(`  ${i + CHUNK} contacts (${written} items), ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  await pending;
  const seedSeconds = (performance.now() - t0) / 1000;
  log(`search: ${accountCount} accounts and ${phones.length} contacts, ${written} items in ${seedSeconds.toFixed(1)} s (building them ${(buildMs / 1000).toFixed(1)} s); settling…`);
  await settleFully(c.settle);

  const last4 = phones[Math.floor(phones.length / 2)]!.slice(-4);
  const queries: [string, string][] = [['one character', '王'], ['two-character name', '王伟'], ['company word', '示例'], ['last 4 digits of a mobile', last4]];
  const data = touches(['account', 'contact', 'lead', 'opportunity'], c.tenantId);
  const out: QueryResult[] = [];
  for (const [label, q] of queries) {
    for (const path of [`/api/search?q=${encodeURIComponent(q)}`, `/api/contacts?limit=20&q=${encodeURIComponent(q)}`]) {
      let results = 0;
      const apiCall = async () => {
        const r = await fetch(`${c.base}${path}`, { headers: c.rep.headers });
        if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
        results = ((await r.json()) as { items: unknown[] }).items.length;
      };
      for (let i = 0; i < 3; i++) await apiCall();
      const calls = await recordCall(c.proxy, c.settle, apiCall);
      const floorCalls = calls.filter(data);
      const waves = wavesOfCalls(floorCalls);
      const betweenWaves = waves.map((w) => w.map(asBetween));
      log(`  ${decodeURIComponent(path)}: ${results} results; API ${opsText(readsOf(calls))}; floor ${opsText(readsOf(floorCalls))} in ${waves.length} waves`);
      const [api, floor, between] = await interleave(SAMPLES, 5, [apiCall, () => replay(c.lowLevel, waves), () => replay(c.lowLevel, betweenWaves)], 60_000);
      const others = calls.filter((x) => !data(x) && !STREAM_OPS.has(x.op));
      out.push({
        label: `${label} (${q})`, path: decodeURIComponent(path), results, api: api!, floor: floor!, between: between!,
        apiReads: readsOf(calls), apiDataReads: readsOf(floorCalls), otherCalls: others.map(describeCall).join('; '),
      });
    }
  }
  return { records: phones.length, target: SEARCH_RECORDS, accounts: accountCount, itemsWritten: written, seedSeconds, buildSeconds: buildMs / 1000, samples: SAMPLES, queries: out };
}

// --- write cost (test/unit/search-write-cost.test.ts, the same contact and changes) -------------------------

/** Measured on main before issue 7 (each token a full copy of the record); from the test's comment. */
export const WRITE_COST_BEFORE: Record<'create' | 'title' | 'rename', WriteCost> = {
  create: { items: 13, bytes: 10_791, tokenItems: 8, tokenBytes: 7_025 },
  title: { items: 12, bytes: 10_077, tokenItems: 8, tokenBytes: 7_025 },
  rename: { items: 13, bytes: 10_261, tokenItems: 9, tokenBytes: 7_190 },
};

type Sent = { Put?: { Item: Record<string, unknown> }; Delete?: unknown };
async function written(change: ChangeSet): Promise<WriteCost> {
  const sent: Sent[][] = [];
  const client = { send: async (command: { input: { TransactItems: Sent[] } }) => { sent.push(command.input.TransactItems); return {}; } };
  await new DynamoRecordStore(client as never, 'table').commit(change);
  const items = sent[0]!;
  const isToken = (t: Sent) => t.Put?.Item.entityType === 'search' || JSON.stringify(t.Delete ?? '').includes('#search');
  const size = (ts: Sent[]) => (ts.length ? Buffer.byteLength(JSON.stringify(ts)) : 0);
  return { items: items.length, tokenItems: items.filter(isToken).length, bytes: size(items), tokenBytes: size(items.filter(isToken)) };
}

export async function writeCost(): Promise<Record<'create' | 'title' | 'rename', WriteCost>> {
  const rep: Principal = { tenantId: 'demo', userId: 'rep-1', email: 'rep-1@demo.local', name: 'rep-1', role: 'rep', groups: ['rep'] };
  const store = new MemoryStore();
  let seq = 0;
  const deps: RecordDeps = { store, clock: () => new Date('2026-12-01T08:00:00.000Z'), newId: () => `01J0ABCDEFGHJKMNPQRS${String(++seq).padStart(6, '0')}` };
  const created = await createRecord(contactEntity, rep, {
    firstName: '伟', lastName: '王', email: 'wang.wei@shanghai-example.cn', phone: '138 0013 8000', mobile: '139 1111 2222', country: 'CN',
    title: '采购经理', department: '采购部', tags: ['vip', 'shanghai'], notes: '上海示例科技有限公司的采购负责人，偏好电话联系。'.repeat(4),
  }, deps);
  await updateRecord(contactEntity, rep, created.id, { title: '采购总监' }, undefined, deps);
  await updateRecord(contactEntity, rep, created.id, { firstName: '小伟' }, undefined, deps);
  const [create, title, rename] = store.commits;
  return { create: await written(create!), title: await written(title!), rename: await written(rename!) };
}

const ms = (x: number) => x.toFixed(2);
export function searchMarkdown(r: SearchReport): string {
  const out: string[] = [];
  if (r.queries.length) {
    out.push(
      `\n### Search over ${r.records.toLocaleString('en')} contacts with Chinese names\n`,
      `${r.records.toLocaleString('en')} contacts${r.records < r.target ? ` (of ${r.target.toLocaleString('en')} asked: the seed's time limit)` : ''} and ${r.accounts.toLocaleString('en')} accounts (${r.itemsWritten.toLocaleString('en')} items: records, search tokens, unique guards, contact links) written with BatchWriteItem in ${r.seedSeconds.toFixed(0)} s (made by the record service in ${r.buildSeconds.toFixed(0)} s of that). Signed in as a rep; ${r.samples} rounds of API, floor and BETWEEN floor, alternating. *Floor* = the request's reads of record and token partitions sent again as recorded; *BETWEEN floor* = the same with \`begins_with(sk, :q)\` as \`sk BETWEEN :q AND :q+U+10FFFF\`. *Items* = returned / examined by DynamoDB.\n`,
      '| query | request | results | API p50 ms | floor p50 ms | ratio p50 | API p99 ms | floor p99 ms | ratio p99 | BETWEEN floor p50 / p99 ms | floor requests | items | other requests of the API |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const q of r.queries) {
      out.push(`| ${q.label} | \`${q.path}\` | ${q.results} | ${ms(q.api.p50)} | ${ms(q.floor.p50)} | ${(q.api.p50 / q.floor.p50).toFixed(2)}× | ${ms(q.api.p99)} | ${ms(q.floor.p99)} | ${(q.api.p99 / q.floor.p99).toFixed(2)}× | ${ms(q.between.p50)} / ${ms(q.between.p99)} | ${opsText(q.apiDataReads)} | ${q.apiDataReads.items} / ${q.apiDataReads.scanned} | ${q.otherCalls || '—'} |`);
    }
  }
  if (r.writeCost) {
    const w = r.writeCost;
    const b = WRITE_COST_BEFORE;
    out.push(
      '\n### Write cost of a contact (items and bytes of its TransactWriteItems)\n',
      'The contact and changes of test/unit/search-write-cost.test.ts (王伟, two phones, an email, notes), through the real DynamoRecordStore; "before" is main before issue 7 (each token a full copy of the record), from that test.\n',
      '| change | before: items (tokens) | before: bytes (tokens) | now: items (tokens) | now: bytes (tokens) | bytes now ÷ before |',
      '|---|---|---|---|---|---|',
    );
    for (const k of ['create', 'title', 'rename'] as const) {
      out.push(`| ${{ create: 'create', title: 'title change', rename: 'rename (first name)' }[k]} | ${b[k].items} (${b[k].tokenItems}) | ${b[k].bytes.toLocaleString('en')} (${b[k].tokenBytes.toLocaleString('en')}) | ${w[k].items} (${w[k].tokenItems}) | ${w[k].bytes.toLocaleString('en')} (${w[k].tokenBytes.toLocaleString('en')}) | ${(w[k].bytes / b[k].bytes).toFixed(2)} |`);
    }
  }
  return out.join('\n');
}
