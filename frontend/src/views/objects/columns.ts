import type { FieldMeta, ObjectMeta } from '@/adapter/objects';

/**
 * The columns a list of an object can show: `name` (the record's name, labelled as the object's naming
 * field), every field the person may read, and the record's creation and last change. A view stores the keys.
 */
export interface Column {
  readonly key: string;
  /** The field it shows (system columns get a stand-in with the right type). */
  readonly field: FieldMeta;
  /** Not a metadata field: `titleKey` is its i18n key. */
  readonly system?: boolean;
  readonly titleKey?: string;
}

const stand = (apiName: string, type: FieldMeta['type']): FieldMeta => ({
  apiName, type, label: { en: apiName, 'zh-CN': apiName }, required: false, unique: false, searchable: false,
  active: true, custom: false, readable: true, writable: false,
});

export function columnsOf(o: ObjectMeta | undefined): Column[] {
  if (!o) return [];
  const fields = o.fields.filter((f) => f.active !== false && f.readable);
  const nameField = fields.find((f) => f.apiName === o.nameField);
  const out: Column[] = [{ key: 'name', field: nameField ? { ...nameField, apiName: 'name' } : stand('name', 'text'), ...(nameField ? {} : { system: true, titleKey: 'objects.columns.name' }) }];
  for (const f of fields) if (f.apiName !== 'name' && f.apiName !== o.nameField) out.push({ key: f.apiName, field: f });
  out.push({ key: 'createdAt', field: stand('createdAt', 'datetime'), system: true, titleKey: 'objects.columns.createdAt' });
  out.push({ key: 'updatedAt', field: stand('updatedAt', 'datetime'), system: true, titleKey: 'objects.columns.updatedAt' });
  return out;
}

/** Without a saved view: the name, then the first few fields (the owner last). */
export function defaultColumns(o: ObjectMeta | undefined): string[] {
  const all = columnsOf(o).filter((c) => !c.system || c.key === 'name');
  const rest = all.slice(1).filter((c) => c.key !== 'ownerId' && c.field.type !== 'longText').slice(0, 4).map((c) => c.key);
  return ['name', ...rest, ...(all.some((c) => c.key === 'ownerId') ? ['ownerId'] : [])];
}

/**
 * Fields for a form or a detail page: as metadata orders them; unless an admin set the order
 * (`fieldOrder: 'custom'`), the naming field first and the owner last.
 */
export function formOrder<T extends { apiName: string }>(o: { nameField: string; fieldOrder?: string } | undefined, fields: readonly T[]): T[] {
  if (o?.fieldOrder === 'custom') return [...fields];
  const rank = (f: T) => (f.apiName === o?.nameField ? 0 : f.apiName === 'ownerId' ? 2 : 1);
  return [...fields].sort((a, b) => rank(a) - rank(b));
}
