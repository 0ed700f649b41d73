/**
 * Shared by bench/lists.ts and bench/search.ts: seeding records straight into DynamoDB Local in the items the
 * record store writes, and replaying a request's recorded DynamoDB reads as its raw floor.
 *
 * Seeding: each record goes through the real record service (`createRecord`: validation, name, search tokens,
 * list-index entries, unique guards) into a store that keeps the ChangeSet, then through the real
 * `DynamoRecordStore.commit` with a client that keeps the TransactWriteItems it is sent. The Put items of
 * that transaction are written with BatchWriteItem (25 a request, a few requests at a time), so the table
 * holds byte for byte what creating the records through the API would have written — except the timeline,
 * audit and outbox-event items (in the record's own partition or the event partition: no list or search
 * reads them; the events would set the stream's downstream work going for every seeded record).
 */
import { BatchWriteItemCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetItemCommand, GetItemCommand, QueryCommand as RawQueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../functions/commons/auth.ts';
import { newId } from '../functions/commons/ids.ts';
import { keys } from '../functions/commons/keys.ts';
import { MetadataRegistry } from '../functions/metadata/custom-fields.ts';
import { metaFieldCodec, metaObjectCodec, metaVersionCodec, type StoredField, type StoredObject } from '../functions/metadata/items.ts';
import type { MetadataReader, TenantMetadata } from '../functions/metadata/store.ts';
import { DynamoRecordStore } from '../functions/records/dynamo-store.ts';
import type { EntityDefinition, StoredRecord } from '../functions/records/entity.ts';
import { objectEntity } from '../functions/records/objects.ts';
import { createRecord, type RecordDeps } from '../functions/records/service.ts';
import type { ChangeSet, DirectoryUser, RecordStore } from '../functions/records/store.ts';
import type { RecordedCall } from './proxy.ts';
import { wavesOf } from './webhook-floor.ts';

type Item = Record<string, unknown>;

/** BatchWriteItem requests in flight while seeding (DynamoDB Local serialises writes; more mostly queue). */
export const SEED_CONCURRENCY = Number(process.env.BENCH_SEED_CONCURRENCY ?? 2);

/** The tenant's metadata read with the bench's client (the same Query as functions/metadata/store.ts). */
export class BenchMetadataReader implements MetadataReader {
  constructor(private readonly client: DynamoDBDocumentClient, private readonly table: string) {}
  async load(tenantId: string): Promise<TenantMetadata> {
    const fields: StoredField[] = [];
    const objects: StoredObject[] = [];
    let version = 0;
    let start: Item | undefined;
    do {
      const res = await this.client.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.meta(tenantId) }, ConsistentRead: true, ExclusiveStartKey: start }));
      for (const item of res.Items ?? []) {
        if (item.sk === keys.metaVersionSk) version = metaVersionCodec.decode(item).version;
        else if (typeof item.sk === 'string' && item.sk.startsWith(keys.metaFieldPrefix)) fields.push(metaFieldCodec.decode(item));
        else if (typeof item.sk === 'string' && item.sk.startsWith(keys.metaObjectPrefix)) objects.push(metaObjectCodec.decode(item));
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return { version, fields, objects };
  }
  async version(tenantId: string): Promise<number> {
    return (await this.load(tenantId)).version;
  }
}

/** A record store that keeps what is committed and answers reads from it (records made earlier in the seed). */
class CaptureStore implements Partial<RecordStore> {
  readonly commits: ChangeSet[] = [];
  readonly records = new Map<string, StoredRecord>();
  constructor(private readonly users: readonly DirectoryUser[]) {}
  async get(_t: string, type: string, id: string) { return this.records.get(`${type}/${id}`); }
  async getUser(_t: string, id: string) { return this.users.find((u) => u.id === id); }
  async directory() { return [...this.users]; }
  async uniqueOwner() { return undefined; }
  async findByToken() { return []; }
  async commit(c: ChangeSet) {
    this.commits.push(c);
    this.records.set(`${c.type}/${c.record.id}`, c.record);
  }
}

/** Entity types of the Put items a seed keeps (see the file's comment). */
const SKIPPED = new Set(['timeline', 'audit', 'event']);

export interface Seeder {
  /** Creates a record through the record service; answers it and the items its creation writes. */
  create(def: EntityDefinition, body: Item, at: Date): Promise<{ record: StoredRecord; items: Item[]; aggregates: NonNullable<ChangeSet['aggregates']> }>;
  /** The entity of a custom object, as the records unit builds it from the tenant's metadata. */
  entity(apiName: string): Promise<EntityDefinition>;
}

export function seeder(opts: { actor: Principal; users: readonly DirectoryUser[]; tenantId: string; table: string; raw: DynamoDBDocumentClient }): Seeder {
  const store = new CaptureStore(opts.users);
  let now = new Date();
  const deps: RecordDeps = {
    store: store as unknown as RecordStore, clock: () => now, newId: (d) => newId(d),
    metadata: new MetadataRegistry(new BenchMetadataReader(opts.raw, opts.table), () => new Date(), 60_000),
  };
  let sent: { Put?: { Item: Item } }[] = [];
  const client = { send: async (command: { input: { TransactItems: typeof sent } }) => { sent = command.input.TransactItems; return {}; } };
  const dynamo = new DynamoRecordStore(client as never, opts.table);
  return {
    async create(def, body, at) {
      now = at;
      const before = store.commits.length;
      await createRecord(def, opts.actor, body, deps);
      const change = store.commits[before]!;
      await dynamo.commit(change);
      const items = sent.flatMap((t) => (t.Put && !SKIPPED.has(String(t.Put.Item.entityType)) ? [t.Put.Item] : []));
      // Aggregate ADDs (a forecast's sums) are Updates: the caller sums them and writes the totals.
      return { record: change.record, items, aggregates: change.aggregates ?? [] };
    },
    entity: (apiName) => objectEntity(opts.actor, apiName, deps),
  };
}

/** Writes items with BatchWriteItem, 25 a request, `concurrency` requests at a time; unprocessed items are sent again. */
export async function batchWrite(lowLevel: DynamoDBClient, table: string, items: readonly Item[], concurrency = 4): Promise<void> {
  const chunks: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25) as Item[]);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      let request: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> | undefined = {
        [table]: chunk.map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } })),
      };
      for (let attempt = 0; request && Object.keys(request).length && request[table]?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        if (attempt > 20) throw new Error('BatchWriteItem left items unprocessed after 20 retries');
        const res = await lowLevel.send(new BatchWriteItemCommand({ RequestItems: request }));
        request = res.UnprocessedItems as typeof request;
      }
    }
  }));
}

/** /_local/settle gives up after 30 s: ask again until the stream has really drained what the seed wrote. */
export async function settleFully(settle: () => Promise<void>): Promise<void> {
  for (let k = 0; k < 20; k++) {
    const t = performance.now();
    await settle();
    if (performance.now() - t < 25_000) return;
  }
}

// --- the raw floor of a request: its recorded reads, sent again --------------------------------------------

export const STREAM_OPS = new Set(['GetRecords', 'DescribeStream', 'GetShardIterator', 'ListStreams']);

/** A recorded read sent again as it was (DynamoDB JSON bodies are the low-level commands' inputs). */
export function rawCommand(call: Pick<RecordedCall, 'op' | 'body'>) {
  const input = call.body as never;
  switch (call.op) {
    case 'Query': return new RawQueryCommand(input);
    case 'BatchGetItem': return new BatchGetItemCommand(input);
    case 'GetItem': return new GetItemCommand(input);
    default: throw new Error(`the floor replays reads only, not ${call.op}`);
  }
}

/** Sends waves of calls: the calls of a wave in parallel, the waves one after the other. */
export async function replay(lowLevel: DynamoDBClient, waves: readonly (readonly Pick<RecordedCall, 'op' | 'body'>[])[]): Promise<void> {
  for (const wave of waves) await Promise.all(wave.map((c) => lowLevel.send(rawCommand(c) as never)));
}

/** The calls of one request, in waves (calls overlapping in time were sent in parallel). */
export const wavesOfCalls = (calls: readonly RecordedCall[]) => wavesOf(calls.filter((c) => !STREAM_OPS.has(c.op)));

/** `begins_with(sk, :q)` as `sk BETWEEN :q AND :q + U+10FFFF` (the same items; for the floor only). */
export function asBetween(call: Pick<RecordedCall, 'op' | 'body'>): Pick<RecordedCall, 'op' | 'body'> {
  const body = call.body as { KeyConditionExpression?: string; ExpressionAttributeValues?: Record<string, { S?: string }> };
  const m = body.KeyConditionExpression && /begins_with\((\w+), (:\w+)\)/.exec(body.KeyConditionExpression);
  if (call.op !== 'Query' || !m) return call;
  const v = body.ExpressionAttributeValues![m[2]!]!.S!;
  return {
    op: call.op,
    body: {
      ...body,
      KeyConditionExpression: body.KeyConditionExpression!.replace(m[0], `${m[1]} BETWEEN ${m[2]} AND :bench_hi`),
      ExpressionAttributeValues: { ...body.ExpressionAttributeValues, ':bench_hi': { S: `${v}\u{10FFFF}` } },
    },
  };
}

// --- timing ------------------------------------------------------------------------------------------------

export interface Stat { p50: number; p99: number; n: number }
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
export const stat = (xs: number[]): Stat => ({ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), n: xs.length });
const time = async (fn: () => Promise<unknown>) => { const s = performance.now(); await fn(); return performance.now() - s; };

/**
 * n rounds of (API call, each floor), the order rotating every round, after `warm` warm-up rounds; at least
 * 5 rounds, then stops early past `maxMs` (a slow list must not eat the run). Stat.n says how many rounds ran.
 */
export async function interleave(n: number, warm: number, calls: readonly (() => Promise<unknown>)[], maxMs = Infinity): Promise<Stat[]> {
  for (let i = 0; i < warm; i++) for (const c of calls) await c();
  const samples = calls.map(() => [] as number[]);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (i >= 5 && performance.now() - t0 > maxMs) break;
    for (let k = 0; k < calls.length; k++) {
      const j = (i + k) % calls.length;
      samples[j]!.push(await time(calls[j]!));
    }
  }
  return samples.map(stat);
}

/** DynamoDB work of a set of recorded calls: requests by operation, items returned and examined, answer bytes. */
export interface Reads { requests: number; byOp: Record<string, number>; items: number; scanned: number; bytes: number }
export function readsOf(calls: readonly RecordedCall[]): Reads {
  const byOp: Record<string, number> = {};
  let items = 0;
  let scanned = 0;
  let bytes = 0;
  for (const c of calls) {
    if (STREAM_OPS.has(c.op)) continue;
    byOp[c.op] = (byOp[c.op] ?? 0) + 1;
    items += c.response?.items ?? 0;
    scanned += c.response?.scanned ?? 0;
    bytes += c.response?.bytes ?? 0;
  }
  return { requests: Object.values(byOp).reduce((a, b) => a + b, 0), byOp, items, scanned, bytes };
}
/** One call as `Op pk` (and `/sk` of a GetItem), for reading what a request did besides its data reads. */
export function describeCall(c: Pick<RecordedCall, 'op' | 'body'>): string {
  const b = c.body as { Key?: Record<string, { S?: string }>; ExpressionAttributeValues?: Record<string, { S?: string }>; IndexName?: string };
  const pk = b.Key?.pk?.S ?? b.ExpressionAttributeValues?.[':pk']?.S ?? '?';
  return `${c.op}${b.IndexName ? ` ${b.IndexName}` : ''} ${pk}${b.Key?.sk?.S ? ` / ${b.Key.sk.S}` : ''}`;
}
export const opsText = (r: Reads) => Object.entries(r.byOp).map(([op, n]) => `${n} ${op}`).join(' + ');
