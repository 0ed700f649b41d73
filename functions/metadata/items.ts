import * as z from 'zod/mini';
import { keys } from '#commons/keys.ts';
import { FIELD_TYPES, fieldPermissions, localized, localizedHelp, option, type FieldDefinition, type ObjectDefinition } from '#schemas/metadata.ts';

/**
 * The item kinds of the metadata partition `T#<t>#meta` and their codecs (encode → item with keys from
 * functions/commons/keys.ts and `entityType`; decode → the value, validated, without storage attributes).
 * They live here rather than in functions/records/storage/codecs.ts because the record service reads metadata:
 * functions/records/storage belongs to functions/records, so a metadata module importing it would close
 * a folder cycle (test/infra/boundaries.test.ts). test/unit/metadata.test.ts round-trips both.
 */

type Item = Record<string, unknown>;
const text = z.string();
const opt = <T extends z.ZodMiniType>(s: T) => z.optional(s);

/** A tenant's custom field of an object, as stored: its definition, the object it is on and who changed it when. */
export type StoredField = FieldDefinition & {
  object: string; createdAt: string; createdBy: string; updatedAt: string; updatedBy: string; deactivatedAt?: string;
  /**
   * `purging`: a purge job (`purgeJobId`) is taking the field's values off the records; the field is gone
   * from metadata and cannot be restored, and its item is deleted when the job is done.
   */
  state?: 'purging'; purgeJobId?: string;
};
const storedField = z.object({
  object: text, apiName: text, type: z.enum(FIELD_TYPES), label: localized, helpText: opt(localizedHelp),
  required: z.boolean(), unique: z.boolean(), searchable: z.boolean(), default: opt(z.unknown()),
  options: opt(z.array(option)), target: opt(text), many: opt(z.boolean()), permissions: opt(fieldPermissions),
  active: z.boolean(), custom: z.boolean(),
  createdAt: text, createdBy: text, updatedAt: text, updatedBy: text, deactivatedAt: opt(text),
  state: opt(z.enum(['purging'])), purgeJobId: opt(text),
}) as unknown as z.ZodMiniType<StoredField>;

/**
 * A tenant's custom object, as stored: its definition without the fields (each field is its own item,
 * `field#<object>#<apiName>`, as on the standard objects), and who changed it when. `active: false` hides
 * the object from metadata and the API; its records stay in the table and come back on restore.
 */
export type StoredObject = Omit<ObjectDefinition, 'fields'> & {
  active: boolean; createdAt: string; createdBy: string; updatedAt: string; updatedBy: string; deactivatedAt?: string;
};
const storedObject = z.object({
  apiName: text, recordType: text, label: localized, labelPlural: localized, icon: text, nameField: text,
  searchable: z.boolean(), custom: z.boolean(), active: z.boolean(),
  createdAt: text, createdBy: text, updatedAt: text, updatedBy: text, deactivatedAt: opt(text),
}) as unknown as z.ZodMiniType<StoredObject>;

/** The field order of an object (standard or custom), as an admin set it: field API names, first shown first. */
export interface StoredLayout {
  object: string;
  fields: string[];
  updatedAt: string;
  updatedBy: string;
}
const storedLayout = z.object({ object: text, fields: z.array(text), updatedAt: text, updatedBy: text }) as unknown as z.ZodMiniType<StoredLayout>;

/** The tenant's metadata version: moved by every metadata change. */
export interface MetaVersion {
  version: number;
  updatedAt: string;
  updatedBy: string;
}
const metaVersion = z.object({ version: z.number(), updatedAt: text, updatedBy: text });

/** A stored metadata item is not the kind it was read as, or not in its shape: a bug, never user input. */
export class CorruptMetadataItem extends Error {
  constructor(entityType: string, detail: string) {
    super(`Stored ${entityType} item: ${detail}`);
    this.name = 'CorruptMetadataItem';
  }
}

function codec<V>(entityType: string, schema: z.ZodMiniType<V>, key: (v: V, tenantId: string) => { pk: string; sk: string }) {
  return {
    entityType,
    encode: (value: V, { tenantId }: { tenantId: string }): Item => ({ ...(value as Item), ...key(value, tenantId), entityType }),
    decode(item: Item): V {
      if (item.entityType !== entityType) throw new CorruptMetadataItem(entityType, `read an item of kind ${String(item.entityType)}`);
      const { pk: _pk, sk: _sk, entityType: _e, ...value } = item;
      const result = z.safeParse(schema, value);
      if (!result.success) throw new CorruptMetadataItem(entityType, result.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; '));
      return result.data;
    },
  };
}

/** A custom field (`T#t#meta` / `field#<object>#<apiName>`). */
export const metaFieldCodec = codec<StoredField>('meta-field', storedField, (f, t) => ({ pk: keys.meta(t), sk: keys.metaFieldSk(f.object, f.apiName) }));
/** A custom object (`T#t#meta` / `object#<apiName>`). */
export const metaObjectCodec = codec<StoredObject>('meta-object', storedObject, (o, t) => ({ pk: keys.meta(t), sk: keys.metaObjectSk(o.apiName) }));
/** An object's field order (`T#t#meta` / `layout#<object>`). */
export const metaLayoutCodec = codec<StoredLayout>('meta-layout', storedLayout, (l, t) => ({ pk: keys.meta(t), sk: keys.metaLayoutSk(l.object) }));
/** The version item (`T#t#meta` / `~version`). */
export const metaVersionCodec = codec<MetaVersion>('meta-version', metaVersion, (_v, t) => ({ pk: keys.meta(t), sk: keys.metaVersionSk }));

/**
 * A metadata job (today: the purge of a deactivated field), `T#t#metajob` / `<jobId>`: its progress is
 * checkpointed after each page of records (`phase` and `cursor`, the last key read), so a worker that dies
 * resumes where the last checkpoint left off. `cleared` is added to in each record's own transaction, so it
 * is exact whatever crashed; `examined` moves with the checkpoint (a page cut short is examined again).
 */
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export const PURGE_PHASES = ['live', 'trash', 'sweep', 'finish'] as const;
export interface MetaJob {
  id: string;
  kind: 'field-purge';
  object: string;
  field: string;
  status: (typeof JOB_STATUSES)[number];
  /** Records of the object read at committed checkpoints, and records whose value was taken off. */
  examined: number;
  cleared: number;
  /** Records read per page (a Query's Limit). */
  pageSize: number;
  phase: (typeof PURGE_PHASES)[number];
  /** The last key read in `phase` (a Query's LastEvaluatedKey), absent at the start of a phase. */
  cursor?: Record<string, string>;
  /** Moved by every checkpoint: a checkpoint commits only on the step it was computed from. */
  step: number;
  requestedAt: string;
  requestedBy: string;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}
const metaJob = z.object({
  id: text, kind: z.enum(['field-purge']), object: text, field: text, status: z.enum(JOB_STATUSES),
  examined: z.number(), cleared: z.number(), pageSize: z.number(), phase: z.enum(PURGE_PHASES),
  cursor: opt(z.record(z.string(), z.string())), step: z.number(),
  requestedAt: text, requestedBy: text, startedAt: opt(text), finishedAt: opt(text), error: opt(text),
}) as unknown as z.ZodMiniType<MetaJob>;

/** A metadata job (`T#t#metajob` / `<jobId>`). */
export const metaJobCodec = codec<MetaJob>('meta-job', metaJob, (j, t) => ({ pk: keys.metaJobs(t), sk: keys.metaJobSk(j.id) }));

/** A field name that was purged (`T#t#metajob` / `purged#<object>#<apiName>`): which job, and when. */
export interface PurgedField { object: string; field: string; jobId: string; purgedAt: string }
const purgedField = z.object({ object: text, field: text, jobId: text, purgedAt: text }) as unknown as z.ZodMiniType<PurgedField>;
export const purgedFieldCodec = codec<PurgedField>('meta-purged', purgedField, (v, t) => ({ pk: keys.metaJobs(t), sk: keys.purgedFieldSk(v.object, v.field) }));
