import { indexEntries, indexSk, INDEXED_TYPES, type IndexedField } from './list-index.ts';
import { relationLinkChanges } from './relations.ts';
import { cleanToken, fieldTokens } from './search/tokenizer.ts';
import type { CustomFieldSet } from '../metadata/custom-fields.ts';
import type { StoredField } from '../metadata/items.ts';
import type { EntityDefinition, StoredRecord } from './entity.ts';
import type { ChangeSet, IndexEntry } from './store.ts';

/**
 * Purging a field (issue 7: a deleted field is deactivated first, purged later by a job): what taking one
 * field's value off one record means for the items around it. Pure; the purge job
 * (functions/customization/purge.ts) walks the records and writes it, and the record service strips a
 * purging field's value from any record it writes meanwhile, so no write can carry the value past the job.
 *
 * A value leaves behind, besides the attribute on the record item:
 * - its list-index item (`T#t#<type>#ix#<field>`), if the field's type is indexed;
 * - its search tokens, if the field was searchable: the field is inactive, so the record service stopped
 *   counting those tokens as the record's; they are every token the value gives that the record does not
 *   give now;
 * - its relation links (`CH#<type>#<id>` in each target's partition), removed, or put with a shorter `via`
 *   when another field of the record points at the same target.
 */

type Fields = Record<string, unknown>;

/** The fields of a set a purge job is taking off the records. */
export const purgingFields = (custom: Pick<CustomFieldSet, 'fields'> | undefined): StoredField[] =>
  (custom?.fields ?? []).filter((f) => f.state === 'purging');

/**
 * The candidates among which a value's tokens were taken: a field takes its first MAX_TOKENS_PER_FIELD (8)
 * tokens that the record did not have yet, and a record has at most MAX_TOKENS_PER_RECORD (24), so the
 * field's tokens are within its first 24 + 8 distinct candidates.
 */
export const MAX_PURGED_TOKEN_CANDIDATES = 32;

/** The tokens a value of `field` may have written that are not among the record's tokens now (`keep`). */
export function purgedTokens(field: Pick<StoredField, 'type' | 'searchable'>, value: unknown, keep: readonly string[]): string[] {
  if (!field.searchable || typeof value !== 'string' || value === '') return [];
  const out = new Set<string>();
  for (const t of fieldTokens(value, field.type === 'phone')) {
    const clean = cleanToken(t);
    if (clean) out.add(clean);
    if (out.size >= MAX_PURGED_TOKEN_CANDIDATES) break;
  }
  return [...out].filter((t) => !keep.includes(t));
}

/** The record without the values of purging fields, and the fields it held values of. */
export function withoutPurging<T extends Fields>(custom: Pick<CustomFieldSet, 'fields'> | undefined, record: T): { record: T; stripped: StoredField[] } {
  const stripped = purgingFields(custom).filter((f) => record[f.apiName] !== undefined);
  if (stripped.length === 0) return { record, stripped };
  const copy: Fields = { ...record };
  for (const f of stripped) delete copy[f.apiName];
  return { record: copy as T, stripped };
}

/** What one record's purge writes: the attribute removed, and the items around it. */
export interface RecordPurge {
  /** The record held a value of the field (the job counts it as cleared). */
  readonly hadValue: boolean;
  readonly tokensRemoved: readonly string[];
  readonly indexRemoved: readonly IndexEntry[];
  /** Index items of the fields that take the purged field's place among the indexed ones (backfill). */
  readonly indexPut: readonly IndexEntry[];
  readonly linksPut: NonNullable<ChangeSet['linksPut']>;
  readonly linksRemoved: NonNullable<ChangeSet['linksRemoved']>;
}

export interface PurgeContext {
  /** The field being purged. */
  readonly field: StoredField;
  /** Every custom field of the object (the purged one included): relation links are grouped over them. */
  readonly fields: readonly StoredField[];
  /** The entity: its parent link (relation links skip it) and, for a custom object, its search tokens. */
  readonly def: Pick<EntityDefinition, 'parent'>;
  /** Whether the object's searchable custom fields write search tokens (every object since issue 7's standard-object tokens). */
  readonly tokens: boolean;
  /** The record's search tokens now (the record without the field), for a live record of a custom object. */
  readonly currentTokens: (record: StoredRecord) => readonly string[];
  /** Fields given index items in place of the purged one (functions/records/list-query.ts, indexedCustomFields). */
  readonly backfill: readonly IndexedField[];
}

/** What purging `ctx.field` off `record` writes; `undefined` when there is nothing to write. */
export function recordPurge(ctx: PurgeContext, record: StoredRecord): RecordPurge | undefined {
  const name = ctx.field.apiName;
  const value = record[name];
  const hadValue = value !== undefined;
  const after: StoredRecord = { ...record };
  delete after[name];
  const live = !record.deletedAt;
  const indexRemoved: IndexEntry[] = [];
  if (hadValue && INDEXED_TYPES.has(ctx.field.type)) {
    // A deleted record has no index items, but removing one that is not there costs nothing and is safe.
    const sk = indexSk({ apiName: name, type: ctx.field.type }, record);
    if (sk) indexRemoved.push({ field: name, sk });
  }
  const indexPut = indexEntries(ctx.backfill, after);
  // A deleted record's tokens were all removed on delete, except those of a field inactive by then.
  const tokensRemoved = hadValue && ctx.tokens ? purgedTokens(ctx.field, value, live ? ctx.currentTokens(after) : []) : [];
  // A deleted record's links were removed on delete (every relation field's, active or not).
  const links = hadValue && live && ctx.field.type === 'relation'
    ? relationLinkChanges(ctx.def, { fields: ctx.fields } as CustomFieldSet, record, after)
    : {};
  const out: RecordPurge = {
    hadValue, tokensRemoved, indexRemoved, indexPut, linksPut: links.linksPut ?? [], linksRemoved: links.linksRemoved ?? [],
  };
  return hadValue || indexPut.length ? out : undefined;
}

/**
 * The fields that get index items once the purging fields are gone (the next in line after the first
 * MAX_INDEXED_CUSTOM_FIELDS): the job writes theirs on every record it walks, record writes keep them
 * meanwhile, and lists use them once the purge is done.
 */
export function backfillFields(write: readonly IndexedField[], query: readonly IndexedField[], fields: readonly StoredField[]): IndexedField[] {
  const purging = new Set(fields.filter((f) => f.state === 'purging').map((f) => f.apiName));
  const custom = new Set(fields.map((f) => f.apiName));
  return write.filter((w) => custom.has(w.apiName) && !purging.has(w.apiName) && !query.some((q) => q.apiName === w.apiName));
}
