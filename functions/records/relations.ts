import { InvalidInput, invalid, type FieldError } from '#commons/errors.ts';
import { isId } from '#commons/ids.ts';
import { MAX_RELATION_IDS, recordTypeOf } from '#schemas/metadata.ts';
import type { Actor } from '../policy/policy.ts';
import type { CustomFieldSet } from '../metadata/custom-fields.ts';
import type { EntityDefinition, StoredRecord } from './entity.ts';
import type { RecordDeps } from './service.ts';
import type { ChangeSet } from './store.ts';

/**
 * Relation fields (custom `relation` fields, `many: true` for many-to-many): the value is the target record's
 * id (or an array of at most MAX_RELATION_IDS ids). A record writes one link item into the partition of each
 * record it points at (`CH#<type>#<id>`, docs/data-model.md), in the same transaction as the change, so the
 * target's related list (`GET /api/{object}/{id}/related/{related}`) is one Query. A record pointing at the
 * same target through two fields has one link naming both in `via`.
 */

type Fields = Record<string, unknown>;
type Link = { parentType: string; parentId: string; summary: Fields };

const idsOf = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Every record `record` points at through a relation field (active or deactivated: a kept value keeps its link). */
export function relationLinks(def: Pick<EntityDefinition, 'parent' | 'links' | 'linkFields'>, custom: CustomFieldSet | undefined, record: Fields | undefined): Link[] {
  if (!record) return [];
  if (!custom) return entityLinks(def, record);
  const byTarget = new Map<string, { parentType: string; parentId: string; via: string[] }>();
  for (const f of custom.fields) {
    if (f.type !== 'relation' || !f.target) continue;
    const parentType = recordTypeOf(f.target);
    for (const parentId of idsOf(record[f.apiName])) {
      // The standard parent link (a contact at its account) already lives at this key.
      if (def.parent && def.parent.type === parentType && record[def.parent.field] === parentId) continue;
      const k = `${parentType}#${parentId}`;
      const link = byTarget.get(k) ?? { parentType, parentId, via: [] };
      link.via.push(f.apiName);
      byTarget.set(k, link);
    }
  }
  const own = entityLinks(def, record);
  return [...own, ...[...byTarget.values()].filter((l) => !own.some((o) => o.parentType === l.parentType && o.parentId === l.parentId)).map(({ parentType, parentId, via }) => ({
    parentType, parentId, summary: { id: record.id, name: record.name, ownerId: record.ownerId, via },
  }))];
}

/** The links an entity declares itself (EntityDefinition.links): a summary without `via`, so always listed. */
function entityLinks(def: Pick<EntityDefinition, 'links' | 'linkFields'>, record: Fields | undefined): Link[] {
  if (!record || !def.links) return [];
  const summary: Fields = { id: record.id, name: record.name, ownerId: record.ownerId };
  for (const f of def.linkFields ?? []) if (record[f] !== undefined) summary[f] = record[f];
  const seen = new Set<string>();
  return def.links(record).filter((l) => !seen.has(`${l.parentType}#${l.parentId}`) && seen.add(`${l.parentType}#${l.parentId}`))
    .map(({ parentType, parentId, summary: extra }) => ({ parentType, parentId, summary: extra ? { ...summary, ...extra } : summary }));
}

/**
 * The entity's own links (an activity's `relatedTo`) that do not name a live record the actor may read, as
 * one 400 naming each bad value; only the links `before` did not hold are looked up.
 */
export async function assertEntityLinksExist(
  def: Pick<EntityDefinition, 'links'>, p: Actor, record: Fields, before: Fields | undefined, deps: RecordDeps,
  canRead: (type: string, r: StoredRecord) => Promise<boolean>,
): Promise<void> {
  if (!def.links) return;
  const held = new Set((before ? def.links(before) : []).map((l) => `${l.parentType}#${l.parentId}`));
  const checks = def.links(record).filter((l) => !held.has(`${l.parentType}#${l.parentId}`));
  const found = await Promise.all(checks.map((c) => (isId(c.parentId) ? deps.store.get(p.tenantId, c.parentType, c.parentId) : Promise.resolve(undefined))));
  const readable = await Promise.all(found.map((r, i) => (r && !r.deletedAt ? canRead(checks[i]!.parentType, r) : Promise.resolve(false))));
  const errors: FieldError[] = checks.filter((_c, i) => !readable[i]).map((c) => ({ path: c.path, message: `No such ${c.parentType}: ${c.parentId}`, code: 'unknown_reference' }));
  if (errors.length) throw invalid(errors);
}

/** The link items a change writes and removes: new or changed summaries put, links no longer held removed. */
export function relationLinkChanges(
  def: Pick<EntityDefinition, 'parent' | 'links' | 'linkFields'>, custom: CustomFieldSet | undefined, before: StoredRecord | undefined, after: StoredRecord | undefined,
): Pick<ChangeSet, 'linksPut' | 'linksRemoved'> {
  const old = relationLinks(def, custom, before);
  const next = relationLinks(def, custom, after);
  const key = (l: Link) => `${l.parentType}#${l.parentId}`;
  const oldByKey = new Map(old.map((l) => [key(l), l]));
  const nextKeys = new Set(next.map(key));
  const linksPut = next.filter((l) => JSON.stringify(oldByKey.get(key(l))?.summary) !== JSON.stringify(l.summary));
  const linksRemoved = old.filter((l) => !nextKeys.has(key(l))).map(({ parentType, parentId }) => ({ parentType, parentId }));
  return { ...(linksPut.length ? { linksPut } : {}), ...(linksRemoved.length ? { linksRemoved } : {}) };
}

/**
 * The relation values in `values` that do not name a live record of the field's target, one error per field
 * (reads only). A record links to at most MAX_RELATION_IDS records.
 */
export async function relationErrors(custom: CustomFieldSet | undefined, p: Actor, values: Fields, deps: RecordDeps, skip: ReadonlySet<string> = new Set()): Promise<FieldError[]> {
  if (!custom) return [];
  const checks: { field: string; type: string; id: string }[] = [];
  for (const f of custom.fields) {
    if (f.type !== 'relation' || !f.target || !(f.apiName in values) || skip.has(f.apiName)) continue;
    for (const id of idsOf(values[f.apiName])) checks.push({ field: f.apiName, type: recordTypeOf(f.target), id });
  }
  if (checks.length === 0) return [];
  if (checks.length > MAX_RELATION_IDS) {
    return [...new Set(checks.map((c) => c.field))].map((path) => ({
      path, message: `A record points at most at ${MAX_RELATION_IDS} records through its relation fields`, code: 'too_many_relations',
    }));
  }
  const found = await Promise.all(checks.map((c) => (isId(c.id) ? deps.store.get(p.tenantId, c.type, c.id) : Promise.resolve(undefined))));
  const errors: FieldError[] = [];
  checks.forEach((c, i) => {
    const r = found[i];
    if ((!r || r.deletedAt) && !errors.some((e) => e.path === c.field)) {
      errors.push({ path: c.field, message: `No such ${c.type}: ${c.id}`, code: 'unknown_reference' });
    }
  });
  return errors;
}

/**
 * A change must not take the record past MAX_RELATION_IDS links through all its relation fields together:
 * counted on the merged record (what it points at after the patch), named on the patch's relation fields.
 */
export function mergedRelationLimitErrors(custom: CustomFieldSet | undefined, merged: Fields, patch: Fields): FieldError[] {
  if (!custom) return [];
  const relations = custom.fields.filter((f) => f.active && f.type === 'relation' && f.target);
  const total = relations.reduce((n, f) => n + idsOf(merged[f.apiName]).length, 0);
  if (total <= MAX_RELATION_IDS) return [];
  return relations.filter((f) => f.apiName in patch && patch[f.apiName] !== null).map((f) => ({
    path: f.apiName, message: `A record points at most at ${MAX_RELATION_IDS} records through its relation fields`, code: 'too_many_relations',
  }));
}

/** Refuses (400 naming every field) relation values that do not name a live record; call it before writing. */
export async function assertRelationsExist(custom: CustomFieldSet | undefined, p: Actor, values: Fields, deps: RecordDeps): Promise<void> {
  const errors = await relationErrors(custom, p, values, deps);
  if (errors.length) throw invalid(errors);
}

/**
 * Parses a body; when it has invalid values, the relation values that name no record are added to the same
 * 400, so one answer names every bad field (the fields already refused are not looked up).
 */
export async function parseWithRelations<T>(parse: () => T, custom: CustomFieldSet | undefined, p: Actor, body: unknown, deps: RecordDeps): Promise<T> {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof InvalidInput) || !body || typeof body !== 'object' || Array.isArray(body)) throw error;
    const extra = await relationErrors(custom, p, body as Fields, deps, new Set(error.errors.map((e) => e.path.split('.')[0]!)));
    if (extra.length === 0) throw error;
    throw invalid([...error.errors, ...extra]);
  }
}

/**
 * The related-list items the reader may see: a parent link (no `via`: a contact at its account) always; a
 * relation link only while one of its fields is active and readable by the reader's role, so deactivating or
 * hiding a relation field hides the linkage it made (its values and links are kept and come back with it).
 */
export function visibleLinks<T extends Fields>(custom: CustomFieldSet | undefined, readable: (f: CustomFieldSet['fields'][number]) => boolean, items: T[]): T[] {
  return items.filter((item) => {
    const via = item.via;
    if (!Array.isArray(via)) return true;
    return via.some((name) => {
      const f = custom?.fields.find((x) => x.apiName === name);
      return Boolean(f && f.active && readable(f));
    });
  });
}
