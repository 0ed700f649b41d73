import { keys, nameKey } from '#commons/keys.ts';
import type { IndexEntry, WhereClause } from './store.ts';

/**
 * Filtered and sorted lists (issue 7, docs/data-model.md "Filtered and sorted lists"): per-field list-index
 * items and the order-preserving encoding of their values, and how a record is checked against a clause.
 * Pure: the record service decides which fields are indexed (their types come from the metadata), the store
 * writes the entries in the record's own transaction and queries them.
 */

/** Field types whose values get list-index items (text-like types are filtered on the records instead). */
export const INDEXED_TYPES: ReadonlySet<string> = new Set([
  'picklist', 'number', 'money', 'percent', 'date', 'datetime', 'boolean', 'user', 'relation', 'email',
]);
/** Standard text fields indexed too (few distinct values, often filtered). */
export const INDEXED_TEXT_FIELDS: ReadonlySet<string> = new Set(['status', 'stage', 'source', 'country', 'queueId']);
/**
 * Fields never given index items: served by the record GSIs instead (owner: GSI3, created: GSI2, name: GSI1),
 * or changing on every write (updatedAt), which would cost two items per write.
 */
export const NOT_INDEXED: ReadonlySet<string> = new Set(['ownerId', 'createdAt', 'name', 'updatedAt', 'id']);
/** Custom fields with index items per object, the earliest created first (a write stays in one transaction). */
export const MAX_INDEXED_CUSTOM_FIELDS = 10;

/** Characters longer than these are cut in a sort key (DynamoDB: 1,024 bytes); the records decide membership. */
const MAX_VALUE_CHARS = 100;
const MAX_NAME_CHARS = 200;
const SEPARATOR = '\u0001';
/** Just above every sort key that begins with `encoded` then the separator. */
export const AFTER_VALUE = '\u0002';

export interface IndexedField { readonly apiName: string; readonly type: string }

/** Strings compare by their normalised form: NFKC, trimmed, lower case, control characters out. */
export function normaliseText(v: string): string {
  // eslint-disable-next-line no-control-regex
  return nameKey(v).replace(/[\u0000-\u0001]/g, '');
}

/**
 * Order-preserving encoding of a number: the IEEE 754 bits, sign bit flipped for positives and every bit
 * flipped for negatives, as 16 hex digits. So `encodeNumber(a) < encodeNumber(b)` exactly when `a < b`.
 */
export function encodeNumber(n: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n === 0 ? 0 : n); // -0 and 0 are one value
  let bits = view.getBigUint64(0);
  bits = bits & 0x8000000000000000n ? ~bits & 0xffffffffffffffffn : bits | 0x8000000000000000n;
  return bits.toString(16).padStart(16, '0');
}

/** A datetime as ISO 8601 UTC with milliseconds (sorts as text), or undefined if it is not one. */
export function toUtc(v: string): string | undefined {
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * The canonical value of a field for comparison and indexing: money by its amount in minor units, a datetime
 * as UTC, text normalised; undefined when empty.
 */
export function canonical(type: string | undefined, v: unknown): string | number | boolean | string[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  switch (type) {
    case 'money': return typeof v === 'object' && v && typeof (v as { amount?: unknown }).amount === 'number' ? (v as { amount: number }).amount : undefined;
    case 'number': case 'percent': return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    case 'boolean': return typeof v === 'boolean' ? v : undefined;
    case 'datetime': return typeof v === 'string' ? toUtc(v) : undefined;
    case 'multiPicklist': return Array.isArray(v) && v.length ? v.map(String) : undefined;
    default:
      if (typeof v === 'string') return normaliseText(v) || undefined;
      if (typeof v === 'number' || typeof v === 'boolean') return v;
      return undefined;
  }
}

/** The encoded form of a canonical scalar value: numbers order-preserving, booleans 0/1, text as is (cut). */
export function encodeValue(v: string | number | boolean): string {
  if (typeof v === 'number') return encodeNumber(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return [...v].slice(0, MAX_VALUE_CHARS).join('');
}

/** The sort key of a record's index item of one field, or undefined when the field is empty. */
export function indexSk(field: IndexedField, record: Record<string, unknown>): string | undefined {
  const v = canonical(field.type, record[field.apiName]);
  if (v === undefined || Array.isArray(v)) return undefined;
  const name = [...nameKey(String(record.name ?? ''))].slice(0, MAX_NAME_CHARS).join('');
  return keys.listIndexSk(encodeValue(v), name, String(record.id));
}

/** Key-condition prefix of one value: every index item of a record holding it begins with this. */
export const valuePrefix = (v: string | number | boolean) => `${encodeValue(v)}${SEPARATOR}`;

/** A record's index entries over the indexed fields (none for a deleted record: it leaves every list). */
export function indexEntries(fields: readonly IndexedField[], record: Record<string, unknown>): IndexEntry[] {
  if (record.deletedAt) return [];
  const out: IndexEntry[] = [];
  for (const f of fields) {
    const sk = indexSk(f, record);
    if (sk) out.push({ field: f.apiName, sk });
  }
  return out;
}

/** What a change writes and deletes: only entries whose sort key moved (a value or the name changed). */
export function indexChange(fields: readonly IndexedField[], before: Record<string, unknown> | undefined, after: Record<string, unknown>): { indexPut: IndexEntry[]; indexRemoved: IndexEntry[] } {
  const old = before ? indexEntries(fields, before) : [];
  const now = indexEntries(fields, after);
  const same = (a: IndexEntry) => (b: IndexEntry) => a.field === b.field && a.sk === b.sk;
  return { indexPut: now.filter((e) => !old.some(same(e))), indexRemoved: old.filter((e) => !now.some(same(e))) };
}

// --- checking a record against the clauses ---------------------------------------------------------------

const isEmpty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);

function compare(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A clause's value (or one of an `in` list) in the canonical form of the field's type. */
export function canonicalTarget(type: string | undefined, x: unknown): string | number | boolean {
  switch (type) {
    case 'money': case 'number': case 'percent': return typeof x === 'number' ? x : Number(x);
    case 'boolean': return x === true || x === 'true';
    case 'datetime': return toUtc(String(x)) ?? String(x);
    default: return typeof x === 'string' ? normaliseText(x) : (x as number | boolean);
  }
}

/** Does the record satisfy the clause? Values as ListSpec.where holds them; text compares case-insensitively. */
export function matchesClause(record: Record<string, unknown>, clause: WhereClause, type?: string): boolean {
  const v = canonical(type, record[clause.field]);
  if (clause.op === 'isEmpty') return (clause.value === true || clause.value === 'true') === isEmpty(v);
  const values: (string | number | boolean)[] = Array.isArray(v) ? v.map((x) => normaliseText(x)) : v === undefined ? [] : [v];
  const t = (x: unknown) => canonicalTarget(type === 'multiPicklist' ? undefined : type, x);
  const eq = (x: unknown) => values.some((y) => compare(y, t(x)) === 0);
  const target = clause.value;
  switch (clause.op) {
    case 'eq': return eq(target);
    case 'neq': return !eq(target);
    case 'in': return (Array.isArray(target) ? target : [target]).some(eq);
    case 'contains': return values.some((y) => String(y).includes(String(t(target))));
    case 'startsWith': return values.some((y) => String(y).startsWith(String(t(target))));
    case 'gt': return values.some((y) => compare(y, t(target)) > 0);
    case 'gte': return values.some((y) => compare(y, t(target)) >= 0);
    case 'lt': return values.some((y) => compare(y, t(target)) < 0);
    case 'lte': return values.some((y) => compare(y, t(target)) <= 0);
  }
}

export const matchesAll = (record: Record<string, unknown>, where: readonly WhereClause[], types: Readonly<Record<string, string>> = {}) =>
  where.every((c) => matchesClause(record, c, types[c.field]));

/**
 * The key range of an index partition a clause selects: inclusive bounds (undefined: open), or value
 * prefixes (`eq`, `in`, `startsWith`), in ascending order; undefined when the clause cannot be a key condition
 * (neq, contains, isEmpty=true).
 */
export function clauseRange(clause: WhereClause, type?: string): { lo?: string; hi?: string; prefixes?: string[] } | undefined {
  const enc = (x: unknown) => encodeValue(canonicalTarget(type, x));
  const t = clause.value;
  switch (clause.op) {
    case 'eq': return { prefixes: [`${enc(t)}${SEPARATOR}`] };
    case 'in': return { prefixes: [...new Set((Array.isArray(t) ? t : [t]).map((x) => `${enc(x)}${SEPARATOR}`))].sort() };
    case 'startsWith': return { prefixes: [enc(t)] };
    case 'gt': return { lo: `${enc(t)}${AFTER_VALUE}` };
    case 'gte': return { lo: enc(t) };
    case 'lt': return { hi: enc(t) };
    case 'lte': return { hi: `${enc(t)}${AFTER_VALUE}` };
    case 'isEmpty': return t === false || t === 'false' ? {} : undefined;
    default: return undefined;
  }
}
