import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { BatchGetCommand, BatchWriteCommand, GetCommand, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys, tenantPrefix } from '#commons/keys.ts';
import { searchEntry, type SearchEntry } from './search/entry.ts';
import { planMatches, searchPlan } from './search/tokenizer.ts';
import { listIndexCodec, recordCodec, savedViewCodec, searchTokenCodec, userCodec } from './storage/codecs.ts';
import type { SavedView } from '#schemas/view.ts';
import { clauseRange, matchesAll } from './list-index.ts';
import type { StoredRecord } from './entity.ts';
import {
  ChangeTooLarge, CounterConflict, IdempotencyConflict, InvalidCursor, SequenceTaken, MailRefTaken, UniqueConflict, VersionConflict,
  type AuditEntry, type ChangeSet, type DirectoryUser, type HistoryEntry, type ListSpec, type Page, type RecordStore, type TimelineEntry, type WhereClause,
} from './store.ts';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const INTERNAL = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entityType', 'token', 'expiresAt']);
const EVENT_TTL_SECONDS = 7 * 24 * 3600;

function strip<T>(item: Item): T {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!INTERNAL.has(k)) out[k] = v;
  return out as T;
}

/** Index attributes of a record: live records are listed by name, creation and owner; deleted ones sit in the trash. */
export function recordItem(tenantId: string, type: string, record: StoredRecord): Item {
  const base: Item = { ...record, pk: keys.record(tenantId, type, record.id), sk: keys.recordSk, entityType: type };
  const nk = keys.byNameSk(record.name, record.id);
  if (record.deletedAt) {
    return { ...base, gsi1pk: keys.trash(tenantId, type), gsi1sk: keys.trashSk(record.deletedAt, record.id) };
  }
  return {
    ...base,
    gsi1pk: keys.list(tenantId, type), gsi1sk: nk,
    gsi2pk: keys.list(tenantId, type), gsi2sk: keys.byCreatedSk(record.createdAt, record.id),
    gsi3pk: keys.byOwner(tenantId, type, record.ownerId), gsi3sk: nk,
  };
}

const INDEX_KEYS: Record<string, string[]> = {
  table: ['pk', 'sk'],
  GSI1: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
  GSI2: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
  GSI3: ['pk', 'sk', 'gsi3pk', 'gsi3sk'],
};

/** The list a Query reads: its index, key condition, filters and direction (not its page size). */
export interface ListIdentity {
  readonly index: string;
  readonly input: Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues' | 'ExpressionAttributeNames' | 'FilterExpression' | 'ScanIndexForward'>;
}

const INDEX_PARTITION: Record<string, string> = { table: 'pk', GSI1: 'gsi1pk', GSI2: 'gsi2pk', GSI3: 'gsi3pk' };

function listId(list: ListIdentity): string {
  const { KeyConditionExpression, ExpressionAttributeValues, ExpressionAttributeNames, FilterExpression, ScanIndexForward } = list.input;
  return createHash('sha256')
    .update(JSON.stringify([list.index, KeyConditionExpression, ExpressionAttributeValues, ExpressionAttributeNames ?? null, FilterExpression ?? null, ScanIndexForward ?? true]))
    .digest('base64url')
    .slice(0, 16);
}

/**
 * Cursors are the opaque base64url of `{k: last key, l: list id}`. A cursor is good only for the list that
 * gave it out: another tenant's, another record type's, another owner's or another record's timeline is
 * refused as InvalidCursor (400), never handed to DynamoDB as a start key outside the query.
 */
export function encodeCursor(key: Item | undefined, list: ListIdentity): string | null {
  return key ? Buffer.from(JSON.stringify({ k: key, l: listId(list) })).toString('base64url') : null;
}

/** A cursor's JSON, or InvalidCursor when it is not base64url JSON (both cursor kinds below start here). */
function cursorJson(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
}

export function decodeCursor(tenantId: string, cursor: string | undefined, list: ListIdentity): Item | undefined {
  if (!cursor) return undefined;
  const parsed = cursorJson(cursor);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidCursor();
  const { k: key, l } = parsed as { k?: unknown; l?: unknown };
  if (l !== listId(list) || !key || typeof key !== 'object' || Array.isArray(key)) throw new InvalidCursor();
  const expected = INDEX_KEYS[list.index]!;
  const entries = Object.entries(key as Item);
  if (entries.length !== expected.length || !expected.every((k) => typeof (key as Item)[k] === 'string' && (key as Item)[k] !== '')) throw new InvalidCursor();
  for (const [k, v] of entries) if (k.endsWith('pk') && !(v as string).startsWith(tenantPrefix(tenantId))) throw new InvalidCursor();
  // Even a forged list id cannot start the Query outside its key condition.
  const values = list.input.ExpressionAttributeValues ?? {};
  if ((key as Item)[INDEX_PARTITION[list.index]!] !== values[':pk']) throw new InvalidCursor();
  for (const prefix of [values[':prefix'], values[':q']]) {
    if (typeof prefix === 'string' && !String((key as Item).sk).startsWith(prefix)) throw new InvalidCursor();
  }
  return key as Item;
}

/** DynamoDB's key limits: a key over them cannot name an item, so it is not sent (it would be refused). */
const MAX_PK_BYTES = 2048;
const MAX_SK_BYTES = 1024;
const keyFits = (pk: string, sk: string) => Buffer.byteLength(pk) <= MAX_PK_BYTES && Buffer.byteLength(sk) <= MAX_SK_BYTES && pk !== '' && sk !== '';

/** DynamoDB's transaction limits. */
const MAX_TRANSACTION_ITEMS = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

function keyOf(item: Item, index: string): Item {
  return Object.fromEntries(INDEX_KEYS[index]!.map((k) => [k, item[k]]));
}

// --- filtered and sorted lists (docs/data-model.md "Filtered and sorted lists") -------------------------

/** Candidates one list request looks at, at most: past it a page may be short, and its cursor goes on exactly. */
export const MAX_EXAMINED = 1000;
/** Candidates a segment count reads when its clauses are not all key conditions. */
export const MAX_COUNT_EXAMINED = 20_000;
/** Above every character a sort key holds (an inclusive upper bound for "begins with"). */
const MAX_CHAR = '\u{10FFFF}';

/** One Query range: an index partition between inclusive bounds; `prefix` is cut off a sort key to give its position. */
export interface StreamDef {
  readonly index: 'table' | 'GSI1' | 'GSI2' | 'GSI3';
  readonly pk: string;
  readonly lo?: string;
  readonly hi?: string;
  readonly prefix: string;
  /** Record items (the GSIs) or list-index items (the record is read by id). */
  readonly kind: 'record' | 'ix';
}
/** Streams merged in the list's order; phases are read one after the other. */
export interface ListPhase { readonly streams: readonly StreamDef[]; readonly desc: boolean; readonly extra?: readonly WhereClause[] }
export interface ListPlan {
  readonly phases: readonly ListPhase[];
  /** The key conditions select exactly the records the clauses do (no clause left to check). */
  readonly exact: boolean;
}

const SK_ATTR: Record<StreamDef['index'], string> = { table: 'sk', GSI1: 'gsi1sk', GSI2: 'gsi2sk', GSI3: 'gsi3sk' };
const PK_ATTR: Record<StreamDef['index'], string> = { table: 'pk', GSI1: 'gsi1pk', GSI2: 'gsi2pk', GSI3: 'gsi3pk' };

/** DynamoDB orders string keys by their UTF-8 bytes (not JavaScript's UTF-16 units). */
export const compareBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The clause ops that can hold only for a non-empty value. */
const NEEDS_VALUE = new Set(['eq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith']);

/**
 * Which index a list reads, in which order: by name (GSI1; GSI3 per owner for `ownerId` eq/in; the index
 * partitions of an eq/in clause on an indexed field, merged by name), by creation (GSI2), or by an indexed
 * field (its index partition, narrowed by a clause on it; then the records without a value, by name).
 */
export function listPlan(tenantId: string, type: string, spec: ListSpec): ListPlan {
  const where = spec.where ?? [];
  const types = spec.fieldTypes ?? {};
  const indexed = new Set(spec.indexed ?? []);
  const order = spec.orderBy ?? { field: spec.sort.replace(/^-/, ''), desc: spec.sort.startsWith('-') };
  const others = (used?: WhereClause) => where.some((c) => c !== used) || Boolean(spec.filters && Object.keys(spec.filters).length) || spec.tag !== undefined;
  const single = (s: StreamDef, desc: boolean, extra?: WhereClause[]): ListPhase => ({ streams: [s], desc, ...(extra ? { extra } : {}) });
  const gsi = (index: 'GSI1' | 'GSI2', pk = keys.list(tenantId, type)): StreamDef => ({ index, pk, prefix: '', kind: 'record' });
  if (spec.deleted) return { phases: [single(gsi('GSI1', keys.trash(tenantId, type)), true)], exact: false };
  if (order.field === 'createdAt') return { phases: [single(gsi('GSI2'), order.desc)], exact: !others() && !spec.ownerId };
  if (order.field === 'name') {
    const owner = where.find((c) => c.field === 'ownerId' && (c.op === 'eq' || c.op === 'in'));
    const owners = owner ? [...new Set(owner.op === 'in' ? owner.value as readonly string[] : [String(owner.value)])]
      : spec.ownerId ? [spec.ownerId] : undefined;
    if (owners) {
      const streams = owners.map((o): StreamDef => ({ index: 'GSI3', pk: keys.byOwner(tenantId, type, o), prefix: '', kind: 'record' }));
      return { phases: [{ streams, desc: order.desc }], exact: !others(owner) };
    }
    const ix = where.find((c) => indexed.has(c.field) && (c.op === 'eq' || c.op === 'in'));
    if (ix) {
      const prefixes = clauseRange(ix, types[ix.field])!.prefixes!;
      const pk = keys.listIndex(tenantId, type, ix.field);
      const streams = prefixes.map((p): StreamDef => ({ index: 'table', pk, lo: p, hi: `${p}${MAX_CHAR}`, prefix: p, kind: 'ix' }));
      return { phases: [{ streams, desc: order.desc }], exact: !others(ix) };
    }
    return { phases: [single(gsi('GSI1'), order.desc)], exact: !others() };
  }
  // Ordered by an indexed field.
  const f = order.field;
  const pk = keys.listIndex(tenantId, type, f);
  const on = where.find((c) => c.field === f && clauseRange(c, types[f]));
  const range = on ? clauseRange(on, types[f])! : {};
  const phases: ListPhase[] = [];
  const onlyEmpty = where.some((c) => c.field === f && c.op === 'isEmpty' && c.value === true);
  if (!onlyEmpty) {
    if (range.prefixes) {
      const ps = order.desc ? [...range.prefixes].reverse() : range.prefixes;
      for (const p of ps) phases.push(single({ index: 'table', pk, lo: p, hi: `${p}${MAX_CHAR}`, prefix: '', kind: 'ix' }, order.desc));
    } else {
      phases.push(single({ index: 'table', pk, ...(range.lo ? { lo: range.lo } : {}), ...(range.hi ? { hi: range.hi } : {}), prefix: '', kind: 'ix' }, order.desc));
    }
  }
  // Records without a value come last, by name (they have no index item of the field).
  const valueNeeded = where.some((c) => c.field === f && (NEEDS_VALUE.has(c.op) || (c.op === 'isEmpty' && c.value === false)));
  if (!valueNeeded) phases.push(single(gsi('GSI1'), false, [{ field: f, op: 'isEmpty', value: true }]));
  return { phases, exact: !others(on) && valueNeeded };
}

/** One candidate a stream gave: the item's sort key, the record id and (GSIs) the record itself. */
interface StreamEntry { sk: string; id: string; record?: StoredRecord }

export function streamQuery(table: string, s: StreamDef, desc: boolean, after: string | undefined): QueryCommandInput {
  let lo = s.lo;
  let hi = s.hi;
  if (after !== undefined) {
    if (desc) hi = hi === undefined || compareBytes(after, hi) < 0 ? after : hi;
    else lo = lo === undefined || compareBytes(after, lo) > 0 ? after : lo;
  }
  const skAttr = SK_ATTR[s.index];
  const values: Item = { ':pk': s.pk };
  let condition = `${PK_ATTR[s.index]} = :pk`;
  if (lo !== undefined && hi !== undefined) {
    condition += ` AND ${skAttr} BETWEEN :lo AND :hi`;
    values[':lo'] = lo;
    values[':hi'] = hi;
  } else if (lo !== undefined) {
    condition += ` AND ${skAttr} >= :lo`;
    values[':lo'] = lo;
  } else if (hi !== undefined) {
    condition += ` AND ${skAttr} <= :hi`;
    values[':hi'] = hi;
  }
  return {
    TableName: table, ...(s.index === 'table' ? {} : { IndexName: s.index }),
    KeyConditionExpression: condition, ExpressionAttributeValues: values, ScanIndexForward: !desc,
  };
}

/** Reads one stream in chunks, after a position (exclusive: the item at it was looked at already). */
class StreamReader {
  private readonly buffer: StreamEntry[] = [];
  private start: Item | undefined;
  private done = false;
  private empty = false;
  constructor(
    private readonly client: typeof documentClient,
    private readonly table: string,
    readonly stream: StreamDef,
    private readonly desc: boolean,
    private readonly after: string | undefined,
  ) {
    // A position outside the range (a cursor of another list cannot get here; see decodeListCursor) reads nothing.
    if (after !== undefined && ((desc && stream.lo !== undefined && compareBytes(after, stream.lo) < 0) || (!desc && stream.hi !== undefined && compareBytes(after, stream.hi) > 0))) this.empty = true;
  }

  wantsMore(): boolean {
    return this.buffer.length === 0 && !this.done && !this.empty;
  }

  async fill(limit: number): Promise<void> {
    const res = await this.client.send(new QueryCommand({ ...streamQuery(this.table, this.stream, this.desc, this.after), Limit: limit, ExclusiveStartKey: this.start }));
    const skAttr = SK_ATTR[this.stream.index];
    for (const item of res.Items ?? []) {
      const sk = String(item[skAttr]);
      if (sk === this.after) continue;
      this.buffer.push(this.stream.kind === 'ix'
        ? { sk, id: listIndexCodec.decode(item).id }
        : { sk, id: String(item.id), record: strip<StoredRecord>(item) });
    }
    this.start = res.LastEvaluatedKey;
    if (!this.start) this.done = true;
  }

  head(): StreamEntry | undefined {
    return this.buffer[0];
  }

  take(): StreamEntry | undefined {
    return this.buffer.shift();
  }

  position(e: StreamEntry): string {
    return e.sk.slice(this.stream.prefix.length);
  }
}

/** What a list cursor is bound to: the plan's ranges and every clause checked after them. */
function cursorBinding(plan: ListPlan, spec: ListSpec): string {
  return createHash('sha256')
    .update(JSON.stringify([plan.phases, spec.where ?? [], spec.filters ?? {}, spec.tag ?? null, spec.ownerId ?? null, spec.fieldTypes ?? {}]))
    .digest('base64url')
    .slice(0, 16);
}

/** A list cursor: base64url of `{p: phase, a: position of the last candidate looked at, l: binding}`. */
function encodeListCursor(at: { p: number; a: string }, binding: string): string {
  return Buffer.from(JSON.stringify({ ...at, l: binding })).toString('base64url');
}

function decodeListCursor(cursor: string | undefined, binding: string, phases: number): { p: number; a: string } | undefined {
  if (!cursor) return undefined;
  const parsed = cursorJson(cursor);
  const { p, a, l } = (parsed && typeof parsed === 'object' ? parsed : {}) as { p?: unknown; a?: unknown; l?: unknown };
  if (l !== binding || !Number.isInteger(p) || (p as number) < 0 || (p as number) >= phases) throw new InvalidCursor();
  if (typeof a !== 'string' || a === '' || Buffer.byteLength(a) > MAX_SK_BYTES) throw new InvalidCursor();
  return { p: p as number, a };
}

export class DynamoRecordStore implements RecordStore {
  constructor(private readonly client = documentClient, private readonly table = tableName()) {}

  async get(tenantId: string, type: string, id: string): Promise<StoredRecord | undefined> {
    const pk = keys.record(tenantId, type, id);
    if (!id || !keyFits(pk, keys.recordSk)) return undefined;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk, sk: keys.recordSk } }));
    return Item && Item.entityType === type ? strip<StoredRecord>(Item) : undefined;
  }

  async getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined> {
    if (!keyFits(keys.users(tenantId), keys.userSk(userId))) return undefined;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: keys.users(tenantId), sk: keys.userSk(userId) } }));
    return Item ? strip<DirectoryUser>(Item) : undefined;
  }

  async directory(tenantId: string): Promise<DirectoryUser[]> {
    const out: DirectoryUser[] = [];
    let start: Item | undefined;
    do {
      const res = await this.client.send(new QueryCommand({
        TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.users(tenantId) }, ExclusiveStartKey: start,
      }));
      out.push(...(res.Items ?? []).map((i) => userCodec.decode(i)));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async uniqueOwner(tenantId: string, type: string, field: string, value: string): Promise<string | undefined> {
    const pk = keys.unique(tenantId, type, field, value.toLowerCase());
    if (!value || !keyFits(pk, keys.uniqueSk)) return undefined;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk, sk: keys.uniqueSk } }));
    return Item?.id as string | undefined;
  }

  async commit(change: ChangeSet): Promise<void> {
    const { tenantId, type, record } = change;
    const T = this.table;
    const items: TransactItem[] = [];
    const uniqueSlots: { index: number; field: string }[] = [];

    items.push({
      Put: {
        TableName: T, Item: recordItem(tenantId, type, record),
        ...(change.expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': change.expectedVersion } }),
      },
    });
    for (const u of change.uniquesAdded) {
      uniqueSlots.push({ index: items.length, field: u.field });
      items.push({
        Put: {
          TableName: T,
          Item: { pk: keys.unique(tenantId, type, u.field, u.value), sk: keys.uniqueSk, entityType: 'unique', id: record.id, field: u.field, value: u.value },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    for (const u of change.uniquesRemoved) {
      items.push({
        Delete: {
          TableName: T, Key: { pk: keys.unique(tenantId, type, u.field, u.value), sk: keys.uniqueSk },
          ConditionExpression: 'attribute_not_exists(pk) OR id = :id', ExpressionAttributeValues: { ':id': record.id },
        },
      });
    }
    // A token carries the id and display fields (functions/records/search/entry.ts), not a copy of the record.
    const entry = searchEntry(type, record);
    for (const token of change.tokensPut) {
      items.push({ Put: { TableName: T, Item: searchTokenCodec.encode(entry, { tenantId, type, token }) } });
    }
    for (const token of change.tokensRemoved) {
      items.push({ Delete: { TableName: T, Key: { pk: keys.search(tenantId, type), sk: keys.searchSk(token, record.id) } } });
    }
    for (const t of change.timeline) {
      items.push({ Put: { TableName: T, Item: { ...t.entry, pk: keys.record(tenantId, t.type, t.id), sk: keys.timelineSk(t.entry.at, t.entry.id), entityType: 'timeline' } } });
    }
    items.push({ Put: { TableName: T, Item: { ...change.audit, pk: keys.record(tenantId, type, record.id), sk: keys.auditSk(change.audit.at, change.audit.id), entityType: 'audit' } } });
    if (!change.internal) {
      items.push({
        Put: {
          TableName: T,
          Item: {
            ...change.event, pk: keys.event(tenantId, change.event.eventId), sk: keys.eventSk, entityType: 'event',
            expiresAt: Math.floor(Date.parse(change.event.occurredAt) / 1000) + EVENT_TTL_SECONDS,
          },
        },
      });
    }
    let idempotencySlot = -1;
    if (change.idempotency) {
      const i = change.idempotency;
      idempotencySlot = items.length;
      items.push({
        Put: {
          TableName: T,
          Item: { pk: keys.idempotency(tenantId, i.scope, i.key), sk: keys.idempotencySk, entityType: 'idempotency', bodyHash: i.bodyHash, response: i.response, expiresAt: i.expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    let sequenceSlot = -1;
    if (change.sequence) {
      const { name, value } = change.sequence;
      sequenceSlot = items.length;
      items.push({
        Update: {
          TableName: T, Key: { pk: keys.config(tenantId), sk: keys.sequenceSk(name) },
          UpdateExpression: 'SET #v = :v, entityType = :et',
          ConditionExpression: value === 1 ? 'attribute_not_exists(#v)' : '#v = :prev',
          ExpressionAttributeNames: { '#v': 'value' },
          ExpressionAttributeValues: { ':v': value, ':et': 'sequence', ...(value === 1 ? {} : { ':prev': value - 1 }) },
        },
      });
    }
    const mailRefSlots: number[] = [];
    for (const m of change.mailRefs ?? []) {
      mailRefSlots.push(items.length);
      items.push({
        Put: {
          TableName: T,
          Item: { pk: keys.mailRefs(tenantId), sk: keys.mailRefSk(m.messageIdHash), entityType: 'mailref', ticketId: m.ticketId, at: change.audit.at },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    const counterSlots: number[] = [];
    for (const c of change.counters ?? []) {
      counterSlots.push(items.length);
      if (c.claims) {
        // A rep's count of records claimed from the shared pool: its own item, made by the first claim.
        items.push({
          Update: {
            TableName: T, Key: { pk: keys.followUp(tenantId), sk: keys.poolClaimsSk(c.userId) },
            UpdateExpression: 'ADD #f :d SET entityType = :et',
            ...(c.expected === undefined ? {} : { ConditionExpression: c.expected === 0 ? 'attribute_not_exists(#f) OR #f = :e' : '#f = :e' }),
            ExpressionAttributeNames: { '#f': c.field },
            ExpressionAttributeValues: { ':d': c.delta, ':et': 'pool-claims', ...(c.expected === undefined ? {} : { ':e': c.expected }) },
          },
        });
        continue;
      }
      const expected = c.expected === undefined
        ? {}
        : c.expected === 0
          ? { ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#f) OR #f = :e)' }
          : { ConditionExpression: 'attribute_exists(pk) AND #f = :e' };
      items.push({
        Update: {
          TableName: T, Key: { pk: keys.users(tenantId), sk: keys.userSk(c.userId) },
          UpdateExpression: 'ADD #f :d', ConditionExpression: 'attribute_exists(pk)', ...expected,
          ExpressionAttributeNames: { '#f': c.field },
          ExpressionAttributeValues: { ':d': c.delta, ...(c.expected === undefined ? {} : { ':e': c.expected }) },
        },
      });
    }
    // A link both removed and put (a contact's account becomes the account a relation field names) is put:
    // one transaction may not touch an item twice.
    const linkPuts = [...(change.linkPut ? [change.linkPut] : []), ...(change.linksPut ?? [])];
    const isPut = (l: { parentType: string; parentId: string }) => linkPuts.some((x) => x.parentType === l.parentType && x.parentId === l.parentId);
    for (const l of [...(change.linkRemoved ? [change.linkRemoved] : []), ...(change.linksRemoved ?? [])].filter((x) => !isPut(x))) {
      items.push({ Delete: { TableName: T, Key: { pk: keys.record(tenantId, l.parentType, l.parentId), sk: keys.childSk(type, record.id) } } });
    }
    // List-index items (functions/records/list-index.ts): only those whose value or the name changed.
    for (const e of change.indexRemoved ?? []) {
      items.push({ Delete: { TableName: T, Key: { pk: keys.listIndex(tenantId, type, e.field), sk: e.sk } } });
    }
    for (const e of change.indexPut ?? []) {
      items.push({ Put: { TableName: T, Item: listIndexCodec.encode({ id: record.id }, { tenantId, type, field: e.field, sk: e.sk }) } });
    }
    for (const l of linkPuts) {
      items.push({
        Put: {
          TableName: T,
          Item: { ...l.summary, pk: keys.record(tenantId, l.parentType, l.parentId), sk: keys.childSk(type, record.id), entityType: 'link', type },
        },
      });
    }

    // History series entries (an opportunity's stage moves) in the record's partition.
    for (const h of change.history ?? []) {
      items.push({ Put: { TableName: T, Item: { ...h.data, pk: keys.record(tenantId, type, record.id), sk: keys.historySk(h.kind, h.at, h.id), entityType: 'history', kind: h.kind, at: h.at, id: h.id } } });
    }
    // The record's item on its owner's agenda (an activity's due or start time), moved with it.
    if (change.agendaRemoved && !(change.agendaPut && change.agendaPut.ownerId === change.agendaRemoved.ownerId && change.agendaPut.at === change.agendaRemoved.at)) {
      items.push({ Delete: { TableName: T, Key: { pk: keys.agenda(tenantId, change.agendaRemoved.ownerId), sk: keys.agendaSk(change.agendaRemoved.at, record.id) } } });
    }
    if (change.agendaPut) {
      const a = change.agendaPut;
      items.push({ Put: { TableName: T, Item: { ...a.summary, pk: keys.agenda(tenantId, a.ownerId), sk: keys.agendaSk(a.at, record.id), entityType: 'agenda', id: record.id, at: a.at, type } } });
    }
    // Aggregates (a forecast's sums): ADD in the same transaction, so they move exactly with the records.
    for (const a of change.aggregates ?? []) {
      const adds = Object.entries(a.add);
      const sets = Object.entries(a.set);
      if (!adds.length) continue;
      items.push({
        Update: {
          TableName: T, Key: { pk: keys.aggregate(tenantId, a.scope), sk: a.key },
          UpdateExpression: `ADD ${adds.map((_, i) => `#a${i} :a${i}`).join(', ')} SET entityType = :et${sets.map((_, i) => `, #s${i} = :s${i}`).join('')}`,
          ExpressionAttributeNames: Object.fromEntries([...adds.map(([k], i) => [`#a${i}`, k]), ...sets.map(([k], i) => [`#s${i}`, k])]),
          ExpressionAttributeValues: Object.fromEntries([[':et', 'aggregate'], ...adds.map(([, v], i) => [`:a${i}`, v]), ...sets.map(([, v], i) => [`:s${i}`, v])]),
        },
      });
    }

    // The record service caps what a change writes; this is the last line before DynamoDB would refuse it.
    if (items.length > MAX_TRANSACTION_ITEMS) throw new ChangeTooLarge(`It needs ${items.length} writes; one change holds ${MAX_TRANSACTION_ITEMS}.`);
    if (Buffer.byteLength(JSON.stringify(items)) > MAX_TRANSACTION_BYTES) throw new ChangeTooLarge('It is larger than 4 MB.');

    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new VersionConflict();
        if (idempotencySlot >= 0 && reasons[idempotencySlot]?.Code === 'ConditionalCheckFailed') throw new IdempotencyConflict();
        if (counterSlots.some((i) => reasons[i]?.Code === 'ConditionalCheckFailed')) throw new CounterConflict();
        if (sequenceSlot >= 0 && reasons[sequenceSlot]?.Code === 'ConditionalCheckFailed') throw new SequenceTaken();
        if (mailRefSlots.some((i) => reasons[i]?.Code === 'ConditionalCheckFailed')) throw new MailRefTaken();
        for (const slot of uniqueSlots) {
          const reason = reasons[slot.index];
          if (reason?.Code === 'ConditionalCheckFailed') {
            const old = reason.Item ? unmarshall(reason.Item as Parameters<typeof unmarshall>[0]) : {};
            throw new UniqueConflict(slot.field, String(old.id ?? ''));
          }
        }
        // Another transaction touched one of these items at the same moment: try again briefly.
        if (reasons.some((r) => r.Code === 'TransactionConflict') && attempt < 3) {
          await new Promise((r) => setTimeout(r, 20 * (attempt + 1) + Math.random() * 20));
          continue;
        }
        throw error;
      }
    }
  }

  async sequenceValue(tenantId: string, name: string): Promise<number> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: keys.config(tenantId), sk: keys.sequenceSk(name) }, ConsistentRead: true }));
    return typeof Item?.value === 'number' ? Item.value : 0;
  }

  async savedView(tenantId: string, object: string, id: string): Promise<SavedView | undefined> {
    const sk = keys.viewSk(object, id);
    if (!id || !keyFits(keys.views(tenantId), sk)) return undefined;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: keys.views(tenantId), sk } }));
    return Item ? savedViewCodec.decode(Item) : undefined;
  }

  async findByToken(tenantId: string, type: string, token: string): Promise<StoredRecord[]> {
    if (!token || Buffer.byteLength(token) > MAX_SK_BYTES - 64) return [];
    const res = await this.client.send(new QueryCommand({
      TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':pk': keys.search(tenantId, type), ':t': keys.searchExact(token) }, Limit: 10,
    }));
    const ids = (res.Items ?? []).map((i) => searchTokenCodec.decode(i).id);
    return [...(await this.getMany(tenantId, type, ids)).values()];
  }

  /**
   * Records by id, with BatchGetItem (100 keys a request; what DynamoDB leaves unprocessed is asked again).
   * Answers a map in no particular order; callers keep their own order.
   */
  async getMany(tenantId: string, type: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    const out = new Map<string, StoredRecord>();
    const wanted = [...new Set(ids)].filter((id) => id && keyFits(keys.record(tenantId, type, id), keys.recordSk));
    for (let i = 0; i < wanted.length; i += 100) {
      let request: Record<string, { Keys: Item[] }> | undefined = {
        [this.table]: { Keys: wanted.slice(i, i + 100).map((id) => ({ pk: keys.record(tenantId, type, id), sk: keys.recordSk })) },
      };
      for (let attempt = 0; request && Object.keys(request).length; attempt++) {
        if (attempt > 0) {
          if (attempt > 5) throw new Error('BatchGetItem left keys unprocessed after 5 retries');
          await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
        }
        const res = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of res.Responses?.[this.table] ?? []) {
          if (item.entityType === type) out.set(String(item.id), recordCodec.decode(item));
        }
        request = res.UnprocessedKeys as typeof request;
      }
    }
    return out;
  }

  /**
   * Search results of one type (GET /api/search): one Query of the type's token partition, read no further;
   * the token items carry what a result shows, so no record is read. Distinct records in token order.
   */
  async searchEntries(tenantId: string, type: string, q: string, limit: number): Promise<SearchEntry[]> {
    const plan = searchPlan(q);
    if (!plan.prefix || Buffer.byteLength(plan.prefix) > MAX_SK_BYTES - 64) return [];
    const res = await this.client.send(new QueryCommand({
      TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :q)',
      ExpressionAttributeValues: { ':pk': keys.search(tenantId, type), ':q': plan.prefix }, Limit: Math.max(limit * 3, 30),
    }));
    const seen = new Map<string, SearchEntry>();
    for (const item of res.Items ?? []) {
      const entry = searchTokenCodec.decode(item);
      if (!seen.has(entry.id) && planMatches(plan, entry)) seen.set(entry.id, entry);
    }
    return [...seen.values()].slice(0, limit);
  }

  /**
   * Distinct records with a search token starting with `prefix` exactly as given (no query plan): one Query
   * of the type's token partition, at most `limit` token items read. The knowledge base matches each word of
   * a question this way (functions/knowledge/search.ts).
   */
  async tokenHits(tenantId: string, type: string, prefix: string, limit: number): Promise<SearchEntry[]> {
    if (!prefix || Buffer.byteLength(prefix) > MAX_SK_BYTES - 64) return [];
    const res = await this.client.send(new QueryCommand({
      TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :q)',
      ExpressionAttributeValues: { ':pk': keys.search(tenantId, type), ':q': prefix }, Limit: limit,
    }));
    const seen = new Map<string, SearchEntry>();
    for (const item of res.Items ?? []) {
      const entry = searchTokenCodec.decode(item);
      if (!seen.has(entry.id)) seen.set(entry.id, entry);
    }
    return [...seen.values()];
  }

  /**
   * A list page of `?q=`: token items (ids and display fields) are read in token order, their records
   * fetched with one BatchGetItem per round (one round per page unless filters or a Chinese `contains`
   * reject hits), and the page keeps the token order. Filters apply to the records themselves.
   */
  private async searchPage(tenantId: string, type: string, spec: ListSpec): Promise<Page<StoredRecord>> {
    const plan = searchPlan(spec.q!);
    const post: [string, string][] = Object.entries(spec.filters ?? {});
    if (spec.ownerId) post.push(['ownerId', spec.ownerId]);
    const input: QueryCommandInput = {
      TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :q)',
      ExpressionAttributeValues: { ':pk': keys.search(tenantId, type), ':q': plan.prefix },
    };
    // The cursor is bound to the query and to what is filtered after it (never sent as a FilterExpression).
    const list: ListIdentity = { index: 'table', input: { ...input, FilterExpression: JSON.stringify([post, spec.tag ?? null, plan.contains ?? null, spec.where ?? [], spec.fieldTypes ?? {}]) } };
    let start = decodeCursor(tenantId, spec.cursor, list);
    const out: StoredRecord[] = [];
    const seen = new Set<string>();
    const keep = (r: StoredRecord) => !r.deletedAt
      && post.every(([attr, value]) => r[attr] === value)
      && matchesAll(r, spec.where ?? [], spec.fieldTypes ?? {})
      && (spec.tag === undefined || (Array.isArray(r.tags) && r.tags.includes(spec.tag)));
    // Like every list: a few rounds at most to fill a page (two tokens of one record, filters, `contains`).
    for (let round = 0; round < 5; round++) {
      const res = await this.client.send(new QueryCommand({ ...input, Limit: Math.max(spec.limit, 25), ExclusiveStartKey: start }));
      const tokens = (res.Items ?? []).map((item) => ({ item, entry: searchTokenCodec.decode(item) }));
      const records = await this.getMany(tenantId, type, tokens.filter((t) => !seen.has(t.entry.id) && planMatches(plan, t.entry)).map((t) => t.entry.id));
      // planMatches is true of every token of a record alike (same name and subtitle), so a record not fetched is not wanted.
      let last: Item | undefined;
      for (const { item, entry } of tokens) {
        // Full before this token: the next page starts after the last token looked at.
        if (out.length === spec.limit) return { items: out, nextCursor: encodeCursor(keyOf(last!, 'table'), list) };
        last = item;
        if (seen.has(entry.id)) continue;
        seen.add(entry.id); // a record is taken or passed over once, whichever of its tokens matched
        const record = records.get(entry.id);
        if (record && keep(record)) out.push(record);
      }
      if (!res.LastEvaluatedKey) return { items: out, nextCursor: null };
      start = res.LastEvaluatedKey;
      if (out.length === spec.limit) break;
    }
    return { items: out, nextCursor: encodeCursor(start, list) };
  }

  /** Pages a Query; filtered queries read on (a few requests at most) to fill the page. */
  private async page(tenantId: string, input: QueryCommandInput, index: string, limit: number, cursor: string | undefined, dedupe = false): Promise<Page<Item>> {
    const filtered = Boolean(input.FilterExpression) || dedupe;
    const list: ListIdentity = { index, input };
    let start = decodeCursor(tenantId, cursor, list);
    const out: Item[] = [];
    const seen = new Set<string>();
    let last: Item | undefined;
    for (let round = 0; round < (filtered ? 5 : 1); round++) {
      const res = await this.client.send(new QueryCommand({ ...input, TableName: this.table, Limit: filtered ? Math.max(limit, 25) : limit, ExclusiveStartKey: start }));
      for (const item of res.Items ?? []) {
        if (out.length === limit) break;
        const id = String(item.id ?? item.sk);
        if (dedupe && seen.has(id)) { last = item; continue; }
        seen.add(id);
        out.push(item);
        last = item;
      }
      if (out.length === limit) {
        // Stopped inside or at the end of a DynamoDB page: resume after the last item taken.
        const more = res.LastEvaluatedKey !== undefined || (res.Items ?? []).indexOf(last!) < (res.Items ?? []).length - 1;
        return { items: out, nextCursor: more ? encodeCursor(keyOf(last!, index), list) : null };
      }
      if (!res.LastEvaluatedKey) return { items: out, nextCursor: null };
      start = res.LastEvaluatedKey;
    }
    return { items: out, nextCursor: encodeCursor(start, list) };
  }

  async list(tenantId: string, type: string, spec: ListSpec): Promise<Page<StoredRecord>> {
    if (spec.q && !spec.deleted) return this.searchPage(tenantId, type, spec);
    const plan = listPlan(tenantId, type, spec);
    return this.runPlan(tenantId, type, spec, plan);
  }

  /** How many records a list's clauses select, counting index items where a key condition says it all. */
  async count(tenantId: string, type: string, spec: ListSpec): Promise<{ count: number; exact: boolean; examined: number }> {
    const plan = listPlan(tenantId, type, { ...spec, limit: 100 });
    if (plan.exact && !spec.tag && !spec.filters && !spec.ownerId) {
      // Every clause is a key condition: COUNT queries of the index partitions read nothing but keys.
      let count = 0;
      let examined = 0;
      for (const phase of plan.phases) {
        if (phase.extra?.length) return this.countByPages(tenantId, type, spec);
        for (const stream of phase.streams) {
          let start: Item | undefined;
          do {
            const res = await this.client.send(new QueryCommand({ ...streamQuery(this.table, stream, false, undefined), Select: 'COUNT', ExclusiveStartKey: start }));
            count += res.Count ?? 0;
            examined += res.ScannedCount ?? 0;
            start = res.LastEvaluatedKey;
          } while (start);
        }
      }
      return { count, exact: true, examined };
    }
    return this.countByPages(tenantId, type, spec);
  }

  /** Counts by reading pages of the list (clauses checked on the records), up to MAX_COUNT_EXAMINED candidates. */
  private async countByPages(tenantId: string, type: string, spec: ListSpec): Promise<{ count: number; exact: boolean; examined: number }> {
    let count = 0;
    let examined = 0;
    let cursor: string | undefined;
    for (;;) {
      const page = await this.runPlan(tenantId, type, { ...spec, limit: 100, ...(cursor ? { cursor } : {}) }, listPlan(tenantId, type, { ...spec, limit: 100 }), (n) => { examined += n; });
      count += page.items.length;
      if (!page.nextCursor) return { count, exact: true, examined };
      if (examined >= MAX_COUNT_EXAMINED) return { count, exact: false, examined };
      cursor = page.nextCursor;
    }
  }

  /**
   * Reads a list plan: phase after phase, each a merge of its streams in the list's order (one stream, or one
   * per owner / per value for `in`), candidates fetched in batches (index items: one BatchGetItem per batch) and
   * checked against every clause on the record itself. A page is full when `limit` records match; at most
   * MAX_EXAMINED candidates are looked at per request, and the cursor always names the last one looked at, so
   * the next page starts right after it: nothing skipped, nothing repeated.
   */
  private async runPlan(tenantId: string, type: string, spec: ListSpec, plan: ListPlan, onExamined?: (n: number) => void): Promise<Page<StoredRecord>> {
    const bound = cursorBinding(plan, spec);
    const at = decodeListCursor(spec.cursor, bound, plan.phases.length);
    const out: StoredRecord[] = [];
    let examined = 0;
    const types = spec.fieldTypes ?? {};
    const base = (r: StoredRecord) => (spec.deleted || !r.deletedAt)
      && matchesAll(r, spec.where ?? [], types)
      && Object.entries(spec.filters ?? {}).every(([attr, value]) => r[attr] === value)
      && (spec.ownerId === undefined || r.ownerId === spec.ownerId)
      && (spec.tag === undefined || (Array.isArray(r.tags) && r.tags.includes(spec.tag)));
    for (let pi = at?.p ?? 0; pi < plan.phases.length; pi++) {
      const phase = plan.phases[pi]!;
      const keep = (r: StoredRecord) => base(r) && matchesAll(r, phase.extra ?? [], types);
      const after = pi === (at?.p ?? 0) ? at?.a : undefined;
      const readers = phase.streams.map((s) => new StreamReader(this.client, this.table, s, phase.desc, after === undefined ? undefined : s.prefix + after));
      for (;;) {
        const need = spec.limit - out.length;
        const size = Math.min(MAX_EXAMINED - examined, plan.exact && !phase.extra?.length ? need : Math.max(need, 25));
        const batch: { reader: StreamReader; entry: StreamEntry }[] = [];
        while (batch.length < size) {
          await Promise.all(readers.filter((r) => r.wantsMore()).map((r) => r.fill(Math.min(100, size + 1))));
          const heads = readers.filter((r) => r.head());
          if (heads.length === 0) break;
          const best = heads.reduce((x, y) => {
            const c = compareBytes(x.position(x.head()!), y.position(y.head()!));
            return (phase.desc ? c >= 0 : c <= 0) ? x : y;
          });
          batch.push({ reader: best, entry: best.take()! });
        }
        if (batch.length === 0) break;
        const ids = batch.filter((b) => b.reader.stream.kind === 'ix').map((b) => b.entry.id);
        const records = ids.length ? await this.getMany(tenantId, type, ids) : new Map<string, StoredRecord>();
        for (let i = 0; i < batch.length; i++) {
          const { reader, entry } = batch[i]!;
          examined++;
          const record = entry.record ?? records.get(entry.id);
          if (record && keep(record)) out.push(record);
          const position = reader.position(entry);
          if (out.length === spec.limit) {
            onExamined?.(examined);
            const more = i < batch.length - 1 || readers.some((r) => r.head() || r.wantsMore()) || pi < plan.phases.length - 1;
            return { items: out, nextCursor: more ? encodeListCursor({ p: pi, a: position }, bound) : null };
          }
          if (examined >= MAX_EXAMINED) {
            onExamined?.(examined);
            const more = i < batch.length - 1 || readers.some((r) => r.head() || r.wantsMore()) || pi < plan.phases.length - 1;
            return { items: out, nextCursor: more ? encodeListCursor({ p: pi, a: position }, bound) : null };
          }
        }
      }
    }
    onExamined?.(examined);
    return { items: out, nextCursor: null };
  }

  private async partition<T>(tenantId: string, pk: string, prefix: string, limit: number, cursor: string | undefined, newestFirst: boolean): Promise<Page<T>> {
    const page = await this.page(tenantId, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ScanIndexForward: !newestFirst,
    }, 'table', limit, cursor);
    return { items: page.items.map((i) => strip<T>(i)), nextCursor: page.nextCursor };
  }

  timeline(tenantId: string, type: string, id: string, limit: number, cursor?: string): Promise<Page<TimelineEntry>> {
    return this.partition(tenantId, keys.record(tenantId, type, id), keys.timelinePrefix, limit, cursor, true);
  }

  async putTimeline(tenantId: string, entries: readonly { type: string; id: string; entry: TimelineEntry }[]): Promise<void> {
    const T = this.table;
    const puts = entries.map((t) => ({
      PutRequest: { Item: { ...t.entry, pk: keys.record(tenantId, t.type, t.id), sk: keys.timelineSk(t.entry.at, t.entry.id), entityType: 'timeline' } },
    }));
    for (let i = 0; i < puts.length; i += 25) {
      let batch: Record<string, unknown>[] = puts.slice(i, i + 25);
      // DynamoDB may hand part of a batch back under load: put that part again (with a short backoff).
      for (let attempt = 0; batch.length; attempt++) {
        if (attempt > 8) throw new Error('putTimeline: DynamoDB kept handing back unprocessed items');
        if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [T]: batch as never } }));
        batch = (out.UnprocessedItems?.[T] ?? []) as Record<string, unknown>[];
      }
    }
  }

  async history(tenantId: string, type: string, id: string, kind: string, limit: number): Promise<HistoryEntry[]> {
    const { Items } = await this.client.send(new QueryCommand({
      TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.record(tenantId, type, id), ':p': keys.historyPrefix(kind) },
      ScanIndexForward: false, Limit: limit,
    }));
    return (Items ?? []).map(({ pk: _pk, sk: _sk, entityType: _e, kind: k, id: i, at, ...data }) => ({ kind: String(k), id: String(i), at: String(at), data }));
  }

  async agenda(tenantId: string, userId: string, from: string, to: string, limit: number): Promise<(Record<string, unknown> & { id: string; at: string })[]> {
    const out: (Record<string, unknown> & { id: string; at: string })[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.table, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        // `to` is exclusive: every sk is `<at>#<id>`, and `#` sorts below every character of an ISO time.
        ExpressionAttributeValues: { ':pk': keys.agenda(tenantId, userId), ':from': from, ':to': to }, ExclusiveStartKey: start, Limit: limit,
      }));
      for (const { pk: _pk, sk: _sk, entityType: _e, ...item } of page.Items ?? []) out.push(item as Record<string, unknown> & { id: string; at: string });
      start = out.length < limit ? page.LastEvaluatedKey : undefined;
    } while (start);
    return out.slice(0, limit);
  }

  async aggregateRange(tenantId: string, scope: string, from: string, to: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.table, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': keys.aggregate(tenantId, scope), ':a': from, ':b': to }, ExclusiveStartKey: start,
      }));
      for (const { pk: _pk, entityType: _e, ...item } of page.Items ?? []) out.push(item);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async aggregateItems(tenantId: string, scope: string, prefix: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': keys.aggregate(tenantId, scope), ':p': prefix }, ExclusiveStartKey: start,
      }));
      for (const { pk: _pk, entityType: _e, ...item } of page.Items ?? []) out.push(item);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  audit(tenantId: string, type: string, id: string, limit: number, cursor?: string): Promise<Page<AuditEntry>> {
    return this.partition(tenantId, keys.record(tenantId, type, id), keys.auditPrefix, limit, cursor, true);
  }

  children(tenantId: string, parentType: string, parentId: string, limit: number, cursor?: string, childType?: string): Promise<Page<Item>> {
    const prefix = childType ? keys.childTypePrefix(childType) : keys.childPrefix;
    return this.partition(tenantId, keys.record(tenantId, parentType, parentId), prefix, limit, cursor, false);
  }
}
