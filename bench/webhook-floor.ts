/**
 * The raw floor of the partner webhook: exactly the DynamoDB calls `POST /api/webhooks/leads/{partnerId}` makes
 * for one new lead, issued directly with the DynamoDB document client — same operations, same order, the
 * same calls in parallel where the handler runs them in parallel, the same item sizes.
 *
 * The calls are not written down here: the bench records them (bench/proxy.ts) while the webhook takes a few
 * leads, and turns the recording into a template:
 *  - waves: calls that overlap in time ran in parallel (Promise.all in the handler); a call that starts after
 *    every call before it ended starts the next wave;
 *  - per-lead values: ULIDs and UUIDs that occur in one recorded lead's calls and in no other lead's (the lead
 *    id, timeline/audit/event ids), and the lead's marker (a fixed-length tag in its name and email). The floor
 *    gives each of its leads fresh values of the same length, so every key is new and every item the same size;
 *  - the table: a copy of the runtime's table (same keys, GSIs and stream), holding the items the webhook
 *    reads (the partner's routing item and the partner), so reads return what they return to the webhook, and
 *    the floor's writes start no stream → bus → assignment work in the runtime.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand, DescribeTableCommand, waitUntilTableExists,
  type AttributeValue, type CreateTableCommandInput, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand,
  TransactGetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { newId } from '../functions/commons/ids.ts';
import type { RecordedCall } from './proxy.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = new (input: any) => any;
const COMMANDS: Record<string, AnyCommand> = {
  GetItem: GetCommand, Query: QueryCommand, Scan: ScanCommand, PutItem: PutCommand, UpdateItem: UpdateCommand,
  DeleteItem: DeleteCommand, TransactWriteItems: TransactWriteCommand, TransactGetItems: TransactGetCommand,
  BatchGetItem: BatchGetCommand, BatchWriteItem: BatchWriteCommand,
};

const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

export interface TemplateCall {
  readonly op: string;
  /** Document-client input (native values), table renamed to the floor's. */
  readonly input: Record<string, unknown>;
  /** Request bytes as the webhook sent it. */
  readonly bytes: number;
  /** TransactItems count, for the description. */
  readonly items?: number;
}
export type Waves = TemplateCall[][];

/** Groups recorded calls into waves by time alone: a call that starts after every call before it ended starts the next wave. */
export function wavesOf(calls: readonly RecordedCall[]): RecordedCall[][] {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const waves: RecordedCall[][] = [];
  let waveEnd = -Infinity;
  for (const c of sorted) {
    if (!waves.length || c.start >= waveEnd) {
      waves.push([c]);
      waveEnd = c.end;
    } else {
      waves.at(-1)!.push(c);
      waveEnd = Math.max(waveEnd, c.end);
    }
  }
  return waves;
}

/** `GetItem#2`: the call's operation and how many calls of that operation came before it in its lead. */
function identities(calls: readonly RecordedCall[]): Map<RecordedCall, string> {
  const seen = new Map<string, number>();
  const out = new Map<RecordedCall, string>();
  for (const c of [...calls].sort((a, b) => a.start - b.start)) {
    const n = seen.get(c.op) ?? 0;
    seen.set(c.op, n + 1);
    out.set(c, `${c.op}#${n}`);
  }
  return out;
}

/**
 * Waves of `calls`, using what several recordings of the same request show: two calls that overlapped in
 * time in any recording were issued in parallel (a call that waits for another can never overlap it); on a
 * busy machine one recording alone may show parallel calls one after the other.
 */
export function wavesAcross(calls: readonly RecordedCall[], recordings: readonly (readonly RecordedCall[])[]): RecordedCall[][] {
  const parallel = new Set<string>();
  for (const rec of recordings) {
    const id = identities(rec);
    for (const a of rec) for (const b of rec) {
      if (a !== b && a.start < b.end && b.start < a.end) parallel.add(`${id.get(a)} ${id.get(b)}`);
    }
  }
  const id = identities(calls);
  const waves: RecordedCall[][] = [];
  for (const c of [...calls].sort((a, b) => a.start - b.start)) {
    const wave = waves.at(-1);
    if (wave && wave.some((w) => parallel.has(`${id.get(w)} ${id.get(c)}`) || (w.start < c.end && c.start < w.end))) wave.push(c);
    else waves.push([c]);
  }
  return waves;
}

/** The operations in start order (`GetItem GetItem UpdateItem ...`), for comparing recordings whatever their timing. */
export const opsOf = (calls: readonly RecordedCall[]) =>
  [...calls].sort((a, b) => a.start - b.start).map((c) => describeCall(c.op, c.body));

const describeCall = (op: string, body: Record<string, unknown>) => {
  const n = Array.isArray(body.TransactItems) ? body.TransactItems.length : undefined;
  return n === undefined ? op : `${op}(${n})`;
};

/** `GetItem → GetItem → UpdateItem → GetItem ∥ Query → TransactWriteItems(9)` */
export const shapeOf = (waves: readonly (readonly { op: string; body?: Record<string, unknown>; input?: Record<string, unknown> }[])[]) =>
  waves.map((w) => w.map((c) => describeCall(c.op, (c.body ?? c.input)!)).sort().join(' ∥ ')).join(' → ');

const idsIn = (text: string) => new Set([...text.matchAll(ULID), ...text.matchAll(UUID)].map((m) => m[0]));

/** DynamoDB JSON → document-client input: AttributeValue maps become native values. */
function toDocument(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return key === 'Keys' ? value.map((k) => unmarshall(k as Record<string, AttributeValue>)) : value.map((v) => toDocument(v));
  if (!value || typeof value !== 'object') return value;
  if (['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'].includes(key)) return unmarshall(value as Record<string, AttributeValue>);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toDocument(v, k)]));
}

function renameTable(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameTable(v, from, to));
  if (!value || typeof value !== 'object' || value instanceof Set || value instanceof Uint8Array) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [
    k === from ? to : k,
    k === 'TableName' && v === from ? to : renameTable(v, from, to),
  ]));
}

/** A deep copy with every string passed through `f` (keys too: RequestItems and the like never hold ids). */
function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value instanceof Set) return new Set([...value].map((v) => mapStrings(v, f)));
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
}

export interface WebhookTemplate {
  readonly waves: Waves;
  readonly shape: string;
  /** The ids that are this lead's own (replaced per floor lead). */
  readonly perLeadIds: ReadonlySet<string>;
  readonly marker: string;
  /** Every recorded lead had the same sequence of calls. */
  readonly consistent: boolean;
  readonly shapes: string[];
}

/**
 * The template from several leads' recordings (the last one is used; the others tell its own ids from shared
 * ones such as tenant or user ids, and show whether every lead makes the same calls).
 */
export function templateFrom(recordings: readonly { calls: RecordedCall[]; marker: string }[], table: string, floorTable: string): WebhookTemplate {
  const all = recordings.map((r) => r.calls);
  const shapes = recordings.map((r) => shapeOf(wavesAcross(r.calls, all)));
  const last = recordings.at(-1)!;
  const text = (calls: RecordedCall[]) => calls.map((c) => JSON.stringify(c.body)).join('\n');
  const others = new Set(recordings.slice(0, -1).flatMap((r) => [...idsIn(text(r.calls))]));
  const perLeadIds = new Set([...idsIn(text(last.calls))].filter((id) => !others.has(id)));
  const waves = wavesAcross(last.calls, all).map((w) => w.map((c): TemplateCall => {
    const { ClientRequestToken: _token, ...body } = c.body; // the SDK makes a fresh one for each transaction
    const items = Array.isArray(body.TransactItems) ? body.TransactItems.length : undefined;
    if (!COMMANDS[c.op]) throw new Error(`the webhook made a ${c.op} call, which the floor cannot issue`);
    return {
      op: c.op, input: renameTable(toDocument(body), table, floorTable) as Record<string, unknown>,
      bytes: Buffer.byteLength(JSON.stringify(c.body)), ...(items === undefined ? {} : { items }),
    };
  }));
  return { waves, shape: shapes.at(-1)!, perLeadIds, marker: last.marker, consistent: new Set(recordings.map((r) => opsOf(r.calls).sort().join())).size === 1 && shapes.every((x) => x === shapes[0]), shapes };
}

/** A copy of `table`'s definition under another name (keys, GSIs, projection, stream), created if missing. */
export async function createFloorTable(ddb: DynamoDBClient, table: string, floorTable: string): Promise<void> {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: table }));
  if (!Table) throw new Error(`no table ${table}`);
  const input: CreateTableCommandInput = {
    TableName: floorTable,
    KeySchema: Table.KeySchema, AttributeDefinitions: Table.AttributeDefinitions,
    BillingMode: 'PAY_PER_REQUEST',
    ...(Table.GlobalSecondaryIndexes?.length ? {
      GlobalSecondaryIndexes: Table.GlobalSecondaryIndexes.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })),
    } : {}),
    ...(Table.StreamSpecification ? { StreamSpecification: Table.StreamSpecification } : {}),
  };
  try {
    await ddb.send(new CreateTableCommand(input));
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  await waitUntilTableExists({ client: ddb, maxWaitTime: 60 }, { TableName: floorTable });
}

/** Copies into the floor table what the template's reads find in the real table (with the real keys). */
export async function copyReadItems(doc: DynamoDBDocumentClient, template: WebhookTemplate, table: string, floorTable: string): Promise<number> {
  let copied = 0;
  for (const call of template.waves.flat()) {
    const input = renameTable(call.input, floorTable, table) as Record<string, unknown>;
    const found: Record<string, unknown>[] = [];
    if (call.op === 'GetItem') {
      const { Item } = await doc.send(new GetCommand(input as never));
      if (Item) found.push(Item);
    } else if (call.op === 'Query') {
      const { Items } = await doc.send(new QueryCommand(input as never));
      found.push(...(Items ?? []));
    }
    for (const Item of found) await doc.send(new PutCommand({ TableName: floorTable, Item }));
    copied += found.length;
  }
  return copied;
}

/** The floor's `n`-th lead: the template with fresh per-lead ids and marker `nextMarker` (same length). */
export function leadCalls(template: WebhookTemplate, nextMarker: string): { op: string; input: Record<string, unknown> }[][] {
  if (nextMarker.length !== template.marker.length) throw new Error('a floor marker must be as long as the recorded one');
  const fresh = new Map<string, string>();
  const replace = (id: string) => {
    let v = fresh.get(id);
    if (!v) fresh.set(id, (v = id.includes('-') ? randomUUID() : newId()));
    return v;
  };
  const f = (s: string) => s.replace(ULID, (m) => (template.perLeadIds.has(m) ? replace(m) : m))
    .replace(UUID, (m) => (template.perLeadIds.has(m) ? replace(m) : m))
    .replaceAll(template.marker, nextMarker);
  return template.waves.map((w) => w.map((c) => ({ op: c.op, input: mapStrings(c.input, f) as Record<string, unknown> })));
}

/** Times the floor met DynamoDB Local's write-lock timeout and sent the call again. */
export const lockRetries = { count: 0 };

/**
 * One floor lead: each wave's calls in parallel, waves in order. DynamoDB Local answers InternalServerError
 * "too long waiting for a lock" when its JVM is starved (it says the request would succeed on DynamoDB); the
 * SDK has retried it three times by then; the floor sends it again, counted, as a handler's retry would.
 */
export async function floorLead(doc: DynamoDBDocumentClient, waves: { op: string; input: Record<string, unknown> }[][]): Promise<void> {
  const send = async (c: { op: string; input: Record<string, unknown> }): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await doc.send(new COMMANDS[c.op]!(c.input));
      } catch (error) {
        if ((error as Error).name !== 'InternalServerError' || !/waiting for a lock/.test((error as Error).message) || attempt >= 3) throw error;
        lockRetries.count++;
      }
    }
  };
  for (const wave of waves) await Promise.all(wave.map(send));
}
