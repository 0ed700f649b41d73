import type { FieldType } from '#schemas/metadata.ts';

/**
 * What lists accept (functions/records/list-query.ts, which the web app may not import: keep the two
 * equal): the filter operators per field type, and which fields a list can be sorted by — name, creation
 * and the fields with list-index items (indexed types; the owner and updatedAt are served otherwise).
 */
export type WhereOp = 'eq' | 'neq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'startsWith' | 'isEmpty';
const TEXT_OPS: readonly WhereOp[] = ['eq', 'neq', 'in', 'contains', 'startsWith', 'isEmpty'];
const ORDERED_OPS: readonly WhereOp[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'isEmpty'];
const CHOICE_OPS: readonly WhereOp[] = ['eq', 'neq', 'in', 'isEmpty'];
export const OPS_BY_TYPE: Readonly<Record<FieldType, readonly WhereOp[]>> = {
  text: TEXT_OPS, longText: ['contains', 'startsWith', 'isEmpty'], email: TEXT_OPS, phone: TEXT_OPS, url: TEXT_OPS,
  number: ORDERED_OPS, percent: ORDERED_OPS, money: ORDERED_OPS, date: ORDERED_OPS, datetime: ORDERED_OPS,
  boolean: ['eq', 'neq', 'isEmpty'], picklist: CHOICE_OPS, multiPicklist: ['eq', 'neq', 'in', 'contains', 'isEmpty'],
  user: CHOICE_OPS, relation: CHOICE_OPS,
};
export const opsOf = (type: FieldType): readonly WhereOp[] => OPS_BY_TYPE[type] ?? TEXT_OPS;

const INDEXED_TYPES = new Set<FieldType>(['picklist', 'number', 'money', 'percent', 'date', 'datetime', 'boolean', 'user', 'relation', 'email']);
const INDEXED_TEXT_FIELDS = new Set(['status', 'stage', 'source', 'country']);
const NOT_INDEXED = new Set(['ownerId', 'updatedAt', 'id']);

/** May a list be ordered by this column? (The server has the last word: a 400 names the sort.) */
export function sortable(key: string, f: { readonly type: FieldType; readonly custom: boolean } | undefined): boolean {
  if (key === 'name' || key === 'createdAt') return true;
  if (!f || NOT_INDEXED.has(key)) return false;
  return INDEXED_TYPES.has(f.type) || (!f.custom && INDEXED_TEXT_FIELDS.has(key));
}
