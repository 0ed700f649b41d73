import type { FieldError } from '#commons/errors.ts';
import { can, type Actor } from '../policy/policy.ts';
import type { CustomFieldSet } from '../metadata/custom-fields.ts';
import { standardObjectOfType } from '../metadata/standard.ts';
import { INDEXED_TEXT_FIELDS, INDEXED_TYPES, MAX_INDEXED_CUSTOM_FIELDS, NOT_INDEXED, toUtc, type IndexedField } from './list-index.ts';
import type { SortKey, WhereClause, WhereOp } from './store.ts';

/**
 * `?where[<field>][<op>]=<value>` and `&sort=<field>,-<field>` on a list, and the same in a saved view: the
 * fields a caller may filter and sort on (standard, custom, system), the ops each type allows, and values
 * parsed by the field's type. Every bad clause is reported at once, named by its path.
 */

export const WHERE_OPS: readonly WhereOp[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'isEmpty'];
const TEXT_OPS: readonly WhereOp[] = ['eq', 'neq', 'in', 'contains', 'startsWith', 'isEmpty'];
const ORDERED_OPS: readonly WhereOp[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'isEmpty'];
const CHOICE_OPS: readonly WhereOp[] = ['eq', 'neq', 'in', 'isEmpty'];
const OPS_BY_TYPE: Readonly<Record<string, readonly WhereOp[]>> = {
  text: TEXT_OPS, longText: ['contains', 'startsWith', 'isEmpty'], email: TEXT_OPS, phone: TEXT_OPS, url: TEXT_OPS,
  number: ORDERED_OPS, percent: ORDERED_OPS, money: ORDERED_OPS, date: ORDERED_OPS, datetime: ORDERED_OPS,
  boolean: ['eq', 'neq', 'isEmpty'], picklist: CHOICE_OPS, multiPicklist: ['eq', 'neq', 'in', 'contains', 'isEmpty'],
  user: CHOICE_OPS, relation: CHOICE_OPS,
};
/** Values of one `in` clause. */
export const MAX_IN_VALUES = 50;
const MAX_TEXT_VALUE = 200;

/** A field as lists know it: its type, options, whether the caller may read it and whether it has index items. */
export interface ListField {
  readonly apiName: string;
  readonly type: string;
  readonly options?: readonly string[];
  readonly readable: boolean;
  readonly indexed: boolean;
}

const SYSTEM: readonly { apiName: string; type: string }[] = [
  { apiName: 'name', type: 'text' }, { apiName: 'createdAt', type: 'datetime' }, { apiName: 'updatedAt', type: 'datetime' },
  { apiName: 'ownerId', type: 'user' },
];

/**
 * The custom fields of a set that have index items: indexable types, the earliest created first, active or
 * not, at most MAX_INDEXED_CUSTOM_FIELDS. While a field is being purged (`state: 'purging'`) the ranking
 * is in flux: the purge takes the field's items away and gives the next field in line its items
 * (functions/customization/purge.ts). So `write` (what a record write keeps up) is both rankings, with and
 * without the purging fields, and `query` (whose items are complete, so a list may use them as key
 * conditions) is only what both rankings hold.
 */
export function indexedCustomFields(custom: CustomFieldSet | undefined, purpose: 'write' | 'query' = 'write'): IndexedField[] {
  const ranked = [...(custom?.fields ?? [])]
    .filter((f) => INDEXED_TYPES.has(f.type))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.apiName.localeCompare(b.apiName));
  const before = ranked.slice(0, MAX_INDEXED_CUSTOM_FIELDS);
  const after = ranked.filter((f) => f.state !== 'purging').slice(0, MAX_INDEXED_CUSTOM_FIELDS);
  const chosen = purpose === 'write' ? ranked.filter((f) => before.includes(f) || after.includes(f)) : before.filter((f) => after.includes(f));
  return chosen.map((f) => ({ apiName: f.apiName, type: f.type }));
}

/** Every field of a record type with list-index items (`write`: what a record write keeps, functions/records/service.ts). */
export function indexedFields(type: string, custom: CustomFieldSet | undefined, purpose: 'write' | 'query' = 'write'): IndexedField[] {
  const standard = (standardObjectOfType(type)?.fields ?? [])
    .filter((f) => !NOT_INDEXED.has(f.apiName) && (INDEXED_TYPES.has(f.type) || INDEXED_TEXT_FIELDS.has(f.apiName)))
    .map((f) => ({ apiName: f.apiName, type: f.type }));
  return [...standard, ...indexedCustomFields(custom, purpose)];
}

/** The fields of a record type a caller may name in a filter, a sort or a view's columns. */
export function listFields(type: string, p: Actor, custom: CustomFieldSet | undefined, optionsOf?: Readonly<Record<string, readonly string[]>>): Map<string, ListField> {
  const indexed = new Set(indexedFields(type, custom, 'query').map((f) => f.apiName));
  const out = new Map<string, ListField>();
  for (const f of SYSTEM) out.set(f.apiName, { ...f, readable: true, indexed: false });
  for (const f of standardObjectOfType(type)?.fields ?? []) {
    out.set(f.apiName, {
      apiName: f.apiName, type: f.type, readable: can(p, 'field:read', { type }, f.apiName), indexed: indexed.has(f.apiName),
      ...(optionsOf?.[f.apiName] ? { options: optionsOf[f.apiName] } : f.options ? { options: f.options.map((o) => o.value) } : {}),
    });
  }
  for (const f of custom?.fields ?? []) {
    if (!f.active) continue;
    out.set(f.apiName, {
      apiName: f.apiName, type: f.type, indexed: indexed.has(f.apiName),
      readable: can(p, 'custom-field:read', f.permissions ? { fieldAccess: f.permissions } : {}),
      ...(f.options ? { options: f.options.map((o) => o.value) } : {}),
    });
  }
  return out;
}

type Parsed = { ok: true; value: string | number | boolean } | { ok: false; message: string };
const bad = (message: string): Parsed => ({ ok: false, message });

function parseScalar(f: ListField, raw: string): Parsed {
  const s = raw.trim();
  switch (f.type) {
    case 'number': case 'percent': {
      const n = Number(s);
      return s !== '' && Number.isFinite(n) ? { ok: true, value: n } : bad('Expected a number');
    }
    case 'money': {
      const n = Number(s);
      return /^-?\d+$/.test(s) && Number.isSafeInteger(n) ? { ok: true, value: n } : bad('Expected an amount in minor units (a whole number, e.g. 12345 for 123.45)');
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(s) && toUtc(`${s}T00:00:00Z`)?.startsWith(s) ? { ok: true, value: s } : bad('Expected a date, e.g. 2026-12-31');
    case 'datetime': {
      const utc = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(s) ? toUtc(s.length === 10 ? `${s}T00:00:00Z` : s) : undefined;
      return utc ? { ok: true, value: utc } : bad('Expected a date and time with its offset, e.g. 2026-12-31T09:00:00+08:00');
    }
    case 'boolean':
      return s === 'true' || s === 'false' ? { ok: true, value: s === 'true' } : bad('Expected true or false');
    case 'picklist': case 'multiPicklist':
      return f.options?.includes(s) ? { ok: true, value: s } : bad(`Not an option of this field: ${(f.options ?? []).join(', ')}`);
    case 'user': case 'relation':
      return /^[0-9A-Za-z_:-]{1,128}$/.test(s) ? { ok: true, value: s } : bad('Expected an id');
    default:
      return s.length >= 1 && s.length <= MAX_TEXT_VALUE ? { ok: true, value: s } : bad(`Expected 1 to ${MAX_TEXT_VALUE} characters`);
  }
}

/** One clause as written: its field, op and raw value, and the path that names it in an error. */
export interface RawClause { readonly field: string; readonly op: string; readonly raw: unknown; readonly path: string }

/** Parses clauses against the fields; every bad one is an error naming its path. */
export function parseWhere(raw: readonly RawClause[], fields: Map<string, ListField>): { where: WhereClause[]; errors: FieldError[] } {
  const where: WhereClause[] = [];
  const errors: FieldError[] = [];
  for (const c of raw) {
    const f = fields.get(c.field);
    if (!f) { errors.push({ path: c.path, message: `No field ${c.field} on this object`, code: 'unknown_field' }); continue; }
    if (!f.readable) { errors.push({ path: c.path, message: 'Your role may not read this field', code: 'field_not_readable' }); continue; }
    const ops = OPS_BY_TYPE[f.type] ?? TEXT_OPS;
    if (!(WHERE_OPS as readonly string[]).includes(c.op)) { errors.push({ path: c.path, message: `Unknown operator; use one of ${ops.join(', ')}`, code: 'unknown_operator' }); continue; }
    const op = c.op as WhereOp;
    if (!ops.includes(op)) { errors.push({ path: c.path, message: `A ${f.type} field takes ${ops.join(', ')}`, code: 'unsupported_operator' }); continue; }
    const text = Array.isArray(c.raw) ? c.raw.map(String).join(',') : c.raw === undefined || c.raw === null ? '' : String(c.raw);
    if (op === 'isEmpty') {
      if (text !== 'true' && text !== 'false') errors.push({ path: c.path, message: 'Expected true or false', code: 'invalid_value' });
      else where.push({ field: f.apiName, op, value: text === 'true' });
      continue;
    }
    if (op === 'in') {
      const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (parts.length === 0 || parts.length > MAX_IN_VALUES) { errors.push({ path: c.path, message: `Expected 1 to ${MAX_IN_VALUES} comma-separated values`, code: 'invalid_value' }); continue; }
      const parsed = parts.map((s) => parseScalar(f, s));
      const wrong = parsed.find((x) => !x.ok);
      if (wrong && !wrong.ok) { errors.push({ path: c.path, message: wrong.message, code: 'invalid_value' }); continue; }
      where.push({ field: f.apiName, op, value: parsed.map((x) => String((x as { value: unknown }).value)) });
      continue;
    }
    const parsed = parseScalar(f, text);
    if (!parsed.ok) errors.push({ path: c.path, message: parsed.message, code: 'invalid_value' });
    else where.push({ field: f.apiName, op, value: parsed.value });
  }
  return { where, errors };
}

/** The clauses of a query string: `where[<field>][<op>]` keys (any other `where…` key is an error). */
export function whereParams(query: Readonly<Record<string, string | undefined>>): { clauses: RawClause[]; errors: FieldError[]; rest: Record<string, string> } {
  const clauses: RawClause[] = [];
  const errors: FieldError[] = [];
  const rest: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (!key.startsWith('where')) { rest[key] = value; continue; }
    const m = /^where\[([^[\]]{1,64})\]\[([^[\]]{1,32})\]$/.exec(key);
    if (!m) errors.push({ path: key.slice(0, 100), message: 'Write a filter as where[<field>][<op>]=<value>', code: 'invalid_filter' });
    else clauses.push({ field: m[1]!, op: m[2]!, raw: value, path: key });
  }
  return { clauses, errors, rest };
}

/** Fields a list can be ordered by: name and creation (the record GSIs) and every field with index items. */
export const sortable = (f: ListField | undefined) => Boolean(f && f.readable && (f.apiName === 'name' || f.apiName === 'createdAt' || f.indexed));

/**
 * A sort: `field` or `-field`, comma-separated. The first key orders the list; ties are ordered by name (in
 * the same direction), so a second key may only be that.
 */
export function parseSort(keysIn: readonly string[], fields: Map<string, ListField>, path: string | ((i: number) => string)): { order?: SortKey; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const at = (i: number) => (typeof path === 'string' ? path : path(i));
  const parsed = keysIn.map((k) => ({ field: k.trim().replace(/^-/, ''), desc: k.trim().startsWith('-') }));
  parsed.forEach((k, i) => {
    const f = fields.get(k.field);
    if (i === 0) {
      if (!f) errors.push({ path: at(i), message: `No field ${k.field} on this object`, code: 'unknown_field' });
      else if (!f.readable) errors.push({ path: at(i), message: 'Your role may not read this field', code: 'field_not_readable' });
      else if (!sortable(f)) errors.push({ path: at(i), message: `${k.field} cannot be sorted on; sort by name, createdAt or a picklist, number, money, percent, date, datetime, boolean, user, relation or email field`, code: 'not_sortable' });
    } else if (!(k.field === 'name' && k.desc === parsed[0]!.desc) || i > 1) {
      errors.push({ path: at(i), message: `Ties are ordered by name${parsed[0]!.desc ? ' (descending)' : ''}; no other second key is supported`, code: 'not_sortable' });
    }
  });
  return { ...(parsed.length && errors.length === 0 ? { order: parsed[0]! } : {}), errors };
}

/** Field types of the clauses' fields, for the store's checks on records. */
export function fieldTypesOf(where: readonly WhereClause[], fields: Map<string, ListField>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of where) {
    const f = fields.get(c.field);
    if (f) out[c.field] = f.type;
  }
  return out;
}
