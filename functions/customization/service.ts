import * as z from 'zod/mini';
import type { Clock } from '#commons/clock.ts';
import { conflict, invalid, notFound, type FieldError } from '#commons/errors.ts';
import { correlationId } from '#commons/observability.ts';
import { assertCatalogued, currentVersion } from '#contracts/events.ts';
import {
  MAX_CUSTOM_BYTES_PER_RECORD, MAX_CUSTOM_FIELDS_PER_OBJECT, MAX_CUSTOM_OBJECTS_PER_TENANT, MAX_RELATION_FIELDS_PER_OBJECT,
  MAX_SEARCHABLE_CUSTOM_FIELDS, PURGE_PAGE_SIZE, fieldCreate, fieldPurge, fieldUpdate, inLayoutOrder, isStandardObject, maxStoredBytes, metadataJob, objectCreate, objectLayout, objectUpdate,
  valueSchema, type FieldCreate, type FieldDefinition, type ObjectDefinition,
} from '#schemas/metadata.ts';
import { toFieldIssues } from '#schemas/validation.ts';
import { assertCan, can, type Actor } from '../policy/policy.ts';
import type { MetaJob, StoredField, StoredLayout, StoredObject } from '../metadata/items.ts';
import { isId } from '#commons/ids.ts';
import type { AuditEntry, DomainEvent } from '../records/store.ts';
import type { MetadataRegistry } from '../metadata/custom-fields.ts';
import { STANDARD_OBJECT_DEFINITIONS, customObjectDefinition, standardObject } from '../metadata/standard.ts';
import type { TenantMetadata } from '../metadata/store.ts';
import { MetadataMoved, type MetadataChange, type MetadataStore } from './store.ts';

/**
 * Objects and fields as data (issue 7): what GET /api/metadata shows a caller, and the admin's changes to
 * custom objects (create, change, deactivate, restore) and to custom fields of any object (add, change,
 * deactivate, restore). Every change is one transaction with its audit entry and a `metadata.changed` event,
 * and moves the tenant's metadata version.
 */
export interface MetadataDeps {
  readonly store: MetadataStore;
  readonly registry: MetadataRegistry;
  readonly clock: Clock;
  readonly newId: (now: Date) => string;
}

/** Field types that may be searchable (their values become search tokens in the next step). */
const SEARCHABLE_TYPES: ReadonlySet<string> = new Set(['text', 'email', 'phone', 'url', 'picklist']);
const PICKLISTS: ReadonlySet<string> = new Set(['picklist', 'multiPicklist']);

export type FieldView = FieldDefinition & { readable: boolean; writable: boolean };
export type ObjectView = Omit<ObjectDefinition, 'fields'> & { fields: FieldView[] };

function parse<T>(schema: z.ZodMiniType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw invalid(toFieldIssues(result.error.issues));
  return result.data;
}

/** The definition without its bookkeeping (object, who and when). */
export function definitionOf(f: StoredField): FieldDefinition {
  const { object: _o, createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, deactivatedAt: _d, ...def } = f;
  return def;
}

const customAccess = (f: FieldDefinition) => (f.permissions ? { fieldAccess: f.permissions } : {});

function viewOf(p: Actor, o: ObjectDefinition, f: FieldDefinition): FieldView {
  const readable = f.custom ? can(p, 'custom-field:read', customAccess(f)) : can(p, 'field:read', { type: o.recordType }, f.apiName);
  const writable = f.custom ? can(p, 'custom-field:write', customAccess(f)) : can(p, 'field:write', { type: o.recordType }, f.apiName);
  return { ...f, readable, writable };
}

const describeQuery = z.strictObject({ include: z.optional(z.enum(['inactive'])) });

/**
 * Every object and field the caller may read, in the object's layout (PUT …/layout) if an admin set one,
 * else standard fields first, then custom fields in the order they were added. `?include=inactive`
 * (admins) adds deactivated fields, marked `active: false`.
 */
export async function describeMetadata(p: Actor, query: unknown, deps: MetadataDeps): Promise<{ version: number; objects: ObjectView[] }> {
  assertCan(p, 'metadata:read');
  const q = parse(describeQuery, query);
  if (q.include) assertCan(p, 'metadata:manage');
  const meta = await deps.registry.tenant(p.tenantId);
  const all = q.include === 'inactive';
  const customObjects = [...meta.objects]
    .filter((o) => o.active || all)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((o) => ({ ...customObjectDefinition(o), active: o.active }));
  const objects = [...STANDARD_OBJECT_DEFINITIONS, ...customObjects].map((o) => {
    const custom = customFieldsOf(meta, o.apiName, all).map(definitionOf);
    const layout = layoutOf(meta, o.apiName);
    const fields = inLayoutOrder([...o.fields, ...custom], layout).map((f) => viewOf(p, o, f)).filter((f) => f.readable);
    return { ...o, fields, fieldOrder: orderKind(layout) };
  });
  return { version: meta.version, objects };
}

const orderKind = (layout: readonly string[] | undefined): 'default' | 'custom' => (layout?.length ? 'custom' : 'default');
/** The field order an admin set for an object, if any. */
const layoutOf = (meta: TenantMetadata, object: string) => meta.layouts?.find((l) => l.object === object)?.fields;

/** The custom fields of an object, in the order they were added (deactivated ones only when asked). */
const customFieldsOf = (meta: TenantMetadata, object: string, includeInactive: boolean) => meta.fields
  // A purging field is on its way out: not even an admin's ?include=inactive shows it (its job does).
  .filter((f) => f.object === object && (f.active || includeInactive) && f.state !== 'purging')
  .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.apiName.localeCompare(b.apiName));

const storedObjectOf = (meta: TenantMetadata, object: string) => meta.objects.find((o) => o.apiName === object);

/** A standard object, or an active custom object of the tenant (`inactive`: a deactivated one too); else 404. */
function objectOf(meta: TenantMetadata, object: string, inactive = false): ObjectDefinition {
  const o = isStandardObject(object) ? standardObject(object) : undefined;
  if (o) return o;
  const stored = storedObjectOf(meta, object);
  if (stored && (stored.active || inactive)) return customObjectDefinition(stored);
  const names = [...STANDARD_OBJECT_DEFINITIONS.map((x) => x.apiName), ...meta.objects.filter((x) => x.active).map((x) => x.apiName)];
  throw notFound(`No object ${object}. Objects: ${names.join(', ')}.`);
}

/** Objects a relation may point at: the standard ones and the tenant's active custom objects (and the one being made). */
const relationTargets = (meta: TenantMetadata, also?: string) => new Set<string>([
  ...STANDARD_OBJECT_DEFINITIONS.map((o) => o.apiName), ...meta.objects.filter((o) => o.active).map((o) => o.apiName), ...(also ? [also] : []),
]);

function fieldOf(meta: TenantMetadata, object: string, apiName: string): StoredField {
  const f = meta.fields.find((x) => x.object === object && x.apiName === apiName);
  if (!f) throw notFound(`No custom field ${apiName} on ${object}.`);
  return f;
}

const limitError = (path: string, limit: string, message: string): FieldError & { limit: string } => ({ path, message, code: 'limit_exceeded', limit });

/** The rules a field definition must keep, whatever else the object holds; every broken one is named. */
function checkDefinition(f: FieldDefinition, targets: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  if (PICKLISTS.has(f.type)) {
    if (!f.options?.length) errors.push({ path: 'options', message: 'A picklist needs at least one option', code: 'required' });
    else if (new Set(f.options.map((o) => o.value)).size !== f.options.length) errors.push({ path: 'options', message: 'Option values must be different', code: 'duplicate' });
  } else if (f.options !== undefined) {
    errors.push({ path: 'options', message: 'Only picklists and multi-picklists have options', code: 'not_allowed' });
  }
  if (f.type === 'relation') {
    if (!f.target) errors.push({ path: 'target', message: 'A relation names its target object, e.g. accounts', code: 'required' });
    else if (!targets.has(f.target)) errors.push({ path: 'target', message: `No object ${f.target}`, code: 'unknown_object' });
  } else {
    if (f.target !== undefined) errors.push({ path: 'target', message: 'Only relations have a target', code: 'not_allowed' });
    if (f.many !== undefined) errors.push({ path: 'many', message: 'Only relations can hold many records', code: 'not_allowed' });
  }
  if (f.unique) errors.push({ path: 'unique', message: 'Unique custom fields are not supported yet', code: 'not_supported' });
  if (f.searchable && !SEARCHABLE_TYPES.has(f.type)) {
    errors.push({ path: 'searchable', message: `A ${f.type} field cannot be searchable; text, email, phone, url and picklist fields can`, code: 'not_allowed' });
  }
  if (f.default !== undefined && !errors.some((e) => e.path === 'options')) {
    const result = valueSchema(f).safeParse(f.default);
    if (!result.success) errors.push({ path: 'default', message: `Not a valid ${f.type} value`, code: 'invalid_default' });
  }
  return errors;
}

/** The object-wide limits, with `f` in place of the field of the same name. */
function checkLimits(meta: TenantMetadata, object: string, f: FieldDefinition, isNew: boolean): FieldError[] {
  const others = meta.fields.filter((x) => x.object === object && x.apiName !== f.apiName);
  const errors: FieldError[] = [];
  if (isNew && others.length >= MAX_CUSTOM_FIELDS_PER_OBJECT) {
    errors.push(limitError('apiName', 'customFieldsPerObject', `At most ${MAX_CUSTOM_FIELDS_PER_OBJECT} custom fields per object, deactivated ones included (limit customFieldsPerObject)`));
  }
  if (f.active && f.searchable && others.filter((x) => x.active && x.searchable).length >= MAX_SEARCHABLE_CUSTOM_FIELDS) {
    errors.push(limitError('searchable', 'searchableCustomFieldsPerObject', `At most ${MAX_SEARCHABLE_CUSTOM_FIELDS} searchable custom fields per object (limit searchableCustomFieldsPerObject)`));
  }
  if (f.active && f.type === 'relation' && others.filter((x) => x.active && x.type === 'relation').length >= MAX_RELATION_FIELDS_PER_OBJECT) {
    errors.push(limitError('type', 'relationFieldsPerObject', `At most ${MAX_RELATION_FIELDS_PER_OBJECT} relation fields per object (limit relationFieldsPerObject)`));
  }
  const bytes = [...others, f].reduce((n, x) => n + maxStoredBytes(x), 0);
  if (bytes > MAX_CUSTOM_BYTES_PER_RECORD) {
    errors.push(limitError(isNew ? 'type' : 'options', 'customBytesPerRecord', `The object's custom values could reach ${bytes} bytes per record; the limit is ${MAX_CUSTOM_BYTES_PER_RECORD} (limit customBytesPerRecord)`));
  }
  return errors;
}

type FieldChange = 'field-added' | 'field-changed' | 'field-deactivated' | 'field-restored';
type ObjectChange = 'object-added' | 'object-changed' | 'object-deactivated' | 'object-restored' | 'fields-reordered';

function event(p: Actor, object: string, field: string | undefined, change: FieldChange | ObjectChange, metadataVersion: number, now: Date, deps: MetadataDeps): DomainEvent {
  return metadataEvent(p, 'metadata.changed', object, field, { change, metadataVersion }, now, deps);
}

/** A catalogued metadata event (contracts/events.ts) about an object or one of its fields. */
export function metadataEvent(
  p: Actor, name: 'metadata.changed' | 'metadata.field_purge_requested' | 'metadata.field_purged',
  object: string, field: string | undefined, data: Record<string, unknown>, now: Date, deps: Pick<MetadataDeps, 'newId'>,
): DomainEvent {
  assertCatalogued(name);
  return {
    eventId: deps.newId(now), name, version: currentVersion(name),
    ...(correlationId() ? { correlationId: correlationId() } : {}),
    tenantId: p.tenantId, occurredAt: now.toISOString(),
    actor: { id: p.userId, name: p.name, ...(p.kind === 'system' ? { kind: 'system' as const } : {}) },
    subject: { type: 'metadata', id: field ? `${object}.${field}` : object },
    data: { object, ...(field ? { field } : {}), ...data },
  };
}

const actionOf = (change: FieldChange | ObjectChange): AuditEntry['action'] =>
  change.endsWith('-added') ? 'create' : change.endsWith('-deactivated') ? 'delete' : change.endsWith('-restored') ? 'restore' : 'update';

/** Writes one metadata change (items, version, audit, event) and reloads the container's cache; a concurrent change answers 409. */
async function commitChange(
  p: Actor, meta: TenantMetadata, change: Pick<MetadataChange, 'fields' | 'object' | 'job' | 'fieldsNotPurging' | 'layout'>,
  what: { object: string; field?: string; change: FieldChange | ObjectChange | 'field-purge-requested'; event?: DomainEvent },
  before: Record<string, unknown> | undefined, after: Record<string, unknown>, now: Date, deps: MetadataDeps,
): Promise<void> {
  const audit: AuditEntry = {
    id: deps.newId(now), at: now.toISOString(), action: what.change === 'field-purge-requested' ? 'delete' : actionOf(what.change),
    actor: { id: p.userId, name: p.name, email: p.kind === 'system' ? '' : p.email },
    recordType: 'metadata', recordId: what.object,
    ...(before ? { before } : {}), after,
  };
  try {
    await deps.store.commit({
      tenantId: p.tenantId, ...change, expectedVersion: meta.version, at: now.toISOString(), by: p.userId,
      audit, event: what.event ?? event(p, what.object, what.field, what.change as FieldChange | ObjectChange, meta.version + 1, now, deps),
    });
  } catch (error) {
    if (error instanceof MetadataMoved) throw conflict('The objects or fields of this workspace were changed meanwhile. Reload them and try again.');
    throw error;
  } finally {
    // The next read in this container sees the change (or what beat it).
    await deps.registry.reload(p.tenantId).catch(() => undefined);
  }
}

const asRecord = (v: unknown) => v as Record<string, unknown>;

/** Writes one field change with its audit entry and event; a concurrent change answers 409. */
function commitField(p: Actor, meta: TenantMetadata, before: StoredField | undefined, after: StoredField, change: FieldChange, now: Date, deps: MetadataDeps): Promise<void> {
  return commitChange(
    p, meta, { fields: [{ field: after, isNew: !before }] }, { object: after.object, field: after.apiName, change },
    before ? asRecord(definitionOf(before)) : undefined, asRecord(definitionOf(after)), now, deps,
  );
}

const viewForAdmin = (p: Actor, meta: TenantMetadata, object: string, f: StoredField) => viewOf(p, objectOf(meta, object, true), definitionOf(f));

/** POST /api/metadata/objects/{object}/fields: a new custom field on a standard object. */
export async function addField(p: Actor, object: string, body: unknown, deps: MetadataDeps): Promise<FieldView> {
  assertCan(p, 'metadata:manage');
  const input = parse(fieldCreate, body);
  const meta = await deps.registry.reload(p.tenantId);
  objectOf(meta, object);
  const def = definitionFrom(input);
  const errors: FieldError[] = [];
  if (meta.fields.some((f) => f.object === object && f.apiName === def.apiName)) {
    errors.push({ path: 'apiName', message: `${object} already has a field ${def.apiName} (deactivated fields keep their names until purged)`, code: 'duplicate' });
  }
  errors.push(...checkDefinition(def, relationTargets(meta)), ...checkLimits(meta, object, def, true));
  if (errors.length) throw invalid(errors);
  const now = deps.clock();
  const at = now.toISOString();
  const stored: StoredField = { ...def, object, createdAt: at, createdBy: p.userId, updatedAt: at, updatedBy: p.userId };
  await commitField(p, meta, undefined, stored, 'field-added', now, deps);
  return viewForAdmin(p, meta, object, stored);
}

function definitionFrom(input: FieldCreate): FieldDefinition {
  return {
    apiName: input.apiName, type: input.type, label: input.label,
    ...(input.helpText ? { helpText: input.helpText } : {}),
    required: input.required ?? false, unique: input.unique ?? false, searchable: input.searchable ?? false,
    ...(input.default !== undefined ? { default: input.default } : {}),
    ...(input.options ? { options: input.options } : {}),
    ...(input.target !== undefined ? { target: input.target } : {}),
    ...(input.many !== undefined ? { many: input.many } : {}),
    ...(input.permissions ? { permissions: input.permissions } : {}),
    active: true, custom: true,
  };
}

/** PATCH .../fields/{field}: labels, help text, options, required, searchable, default, permissions. */
export async function updateField(p: Actor, object: string, apiName: string, body: unknown, deps: MetadataDeps): Promise<FieldView> {
  assertCan(p, 'metadata:manage');
  const patch = parse(fieldUpdate, body);
  const meta = await deps.registry.reload(p.tenantId);
  objectOf(meta, object);
  const current = fieldOf(meta, object, apiName);
  if (!current.active) throw conflict(`The field ${apiName} is deactivated; restore it before changing it.`);
  const next: StoredField = { ...current };
  if (patch.label) next.label = patch.label;
  if (patch.helpText === null) delete next.helpText;
  else if (patch.helpText) next.helpText = patch.helpText;
  if (patch.required !== undefined) next.required = patch.required;
  if (patch.searchable !== undefined) next.searchable = patch.searchable;
  if (patch.default === null) delete next.default;
  else if (patch.default !== undefined) next.default = patch.default;
  if (patch.options) next.options = patch.options;
  if (patch.permissions) next.permissions = patch.permissions;
  const errors = [...checkDefinition(next, relationTargets(meta, next.target)), ...checkLimits(meta, object, next, false)];
  if (errors.length) throw invalid(errors);
  if (JSON.stringify(definitionOf(next)) === JSON.stringify(definitionOf(current))) return viewForAdmin(p, meta, object, current);
  const now = deps.clock();
  next.updatedAt = now.toISOString();
  next.updatedBy = p.userId;
  await commitField(p, meta, current, next, 'field-changed', now, deps);
  return viewForAdmin(p, meta, object, next);
}

/** DELETE .../fields/{field}: deactivates (hidden from metadata and the API; stored values are kept). */
export async function deactivateField(p: Actor, object: string, apiName: string, deps: MetadataDeps): Promise<void> {
  assertCan(p, 'metadata:manage');
  const meta = await deps.registry.reload(p.tenantId);
  const o = objectOf(meta, object);
  const current = fieldOf(meta, object, apiName);
  if (!current.active) return;
  if (o.custom && o.nameField === apiName) throw conflict(`${apiName} names the records of ${object}; choose another nameField for the object first.`);
  const now = deps.clock();
  const at = now.toISOString();
  await commitField(p, meta, current, { ...current, active: false, deactivatedAt: at, updatedAt: at, updatedBy: p.userId }, 'field-deactivated', now, deps);
}

/** POST .../fields/{field}/restore: the field is back, and with it the values records kept. */
export async function restoreField(p: Actor, object: string, apiName: string, deps: MetadataDeps): Promise<FieldView> {
  assertCan(p, 'metadata:manage');
  const meta = await deps.registry.reload(p.tenantId);
  objectOf(meta, object);
  const current = await fieldOrPurged(p.tenantId, meta, object, apiName, deps);
  if (current.state === 'purging') throw conflict(`The field ${apiName} is being purged (job ${current.purgeJobId}); its values cannot come back.`);
  if (current.active) return viewForAdmin(p, meta, object, current);
  const { deactivatedAt: _d, ...rest } = current;
  const next: StoredField = { ...rest, active: true, updatedAt: deps.clock().toISOString(), updatedBy: p.userId };
  const errors = checkLimits(meta, object, next, false);
  if (errors.length) throw invalid(errors);
  await commitField(p, meta, current, next, 'field-restored', deps.clock(), deps);
  return viewForAdmin(p, meta, object, next);
}

// --- field order ---------------------------------------------------------------------------------------------

/**
 * PUT /api/metadata/objects/{object}/layout: the order of an object's fields (standard or custom object),
 * by API name; fields left out follow the listed ones in their own order. Every name must be a field of the
 * object (deactivated custom fields included: they come back in place on restore), each at most once; a bad
 * entry is named by its place (`fields.2`). Written with the version, audited, `metadata.changed`
 * (`fields-reordered`). Answers the object with its fields in the new order (deactivated ones included).
 */
export async function setLayout(p: Actor, object: string, body: unknown, deps: MetadataDeps): Promise<ObjectView> {
  assertCan(p, 'metadata:manage');
  const input = parse(objectLayout, body);
  const meta = await deps.registry.reload(p.tenantId);
  const o = objectOf(meta, object);
  const all = [...o.fields, ...customFieldsOf(meta, object, true).map(definitionOf)];
  const known = new Set(all.map((f) => f.apiName));
  const errors: FieldError[] = [];
  input.fields.forEach((name, i) => {
    if (!known.has(name)) errors.push({ path: `fields.${i}`, message: `${object} has no field ${name}`, code: 'unknown_field' });
    else if (input.fields.indexOf(name) !== i) errors.push({ path: `fields.${i}`, message: `${name} is listed twice`, code: 'duplicate' });
  });
  if (errors.length) throw invalid(errors);
  const view = (layout: readonly string[] | undefined): ObjectView => ({
    ...o, fields: inLayoutOrder(all, layout).map((f) => viewOf(p, o, f)).filter((f) => f.readable), fieldOrder: orderKind(layout),
  });
  const before = layoutOf(meta, object);
  if (JSON.stringify(before ?? []) === JSON.stringify(input.fields)) return view(before);
  const now = deps.clock();
  const layout: StoredLayout = { object, fields: input.fields, updatedAt: now.toISOString(), updatedBy: p.userId };
  await commitChange(
    p, meta, { fields: [], layout }, { object, change: 'fields-reordered' },
    before ? { fields: before } : undefined, { fields: input.fields }, now, deps,
  );
  return view(input.fields);
}

// --- purge ---------------------------------------------------------------------------------------------------

/** The field, or 409 when a field of that name was purged (nothing to restore or purge), else 404. */
async function fieldOrPurged(tenantId: string, meta: TenantMetadata, object: string, apiName: string, deps: MetadataDeps): Promise<StoredField> {
  const f = meta.fields.find((x) => x.object === object && x.apiName === apiName);
  if (f) return f;
  const purged = await deps.store.purged(tenantId, object, apiName);
  if (purged) throw conflict(`The field ${apiName} of ${object} was purged (job ${purged.jobId}, ${purged.purgedAt}); its values are gone.`);
  return fieldOf(meta, object, apiName);
}

export type JobView = z.infer<typeof metadataJob>;
/** A job as GET /api/metadata/jobs/{id} shows it (not its cursor, phase or step: they are the worker's). */
export function jobView(j: MetaJob): JobView {
  return {
    id: j.id, kind: j.kind, object: j.object, field: j.field, status: j.status, examined: j.examined, cleared: j.cleared,
    requestedAt: j.requestedAt, requestedBy: j.requestedBy,
    ...(j.startedAt ? { startedAt: j.startedAt } : {}), ...(j.finishedAt ? { finishedAt: j.finishedAt } : {}), ...(j.error ? { error: j.error } : {}),
  };
}

/**
 * POST .../fields/{field}/purge: a deactivated field goes to `purging` (gone from metadata, no restore) and a
 * job is queued that takes its values off every record of the object (functions/customization/purge.ts);
 * one transaction writes the field, the version, the job, the audit entry and `metadata.field_purge_requested`.
 * A field already purging answers its job again; an active field is 409 (deactivate it first).
 */
export async function purgeField(p: Actor, object: string, apiName: string, body: unknown, deps: MetadataDeps): Promise<JobView> {
  assertCan(p, 'metadata:manage');
  const input = parse(fieldPurge, body);
  const meta = await deps.registry.reload(p.tenantId);
  objectOf(meta, object, true);
  const current = await fieldOrPurged(p.tenantId, meta, object, apiName, deps);
  if (current.state === 'purging' && current.purgeJobId) {
    const job = await deps.store.job(p.tenantId, current.purgeJobId);
    if (job) {
      // Asked again while it is not done: its worker is started again too (it goes on from its last
      // checkpoint, so a worker still running loses nothing), in case the first one's retries ran out.
      if (job.status === 'queued' || job.status === 'running') {
        const now = deps.clock();
        await deps.store.publish(metadataEvent(p, 'metadata.field_purge_requested', object, apiName, { jobId: job.id, metadataVersion: meta.version, again: true }, now, deps));
      }
      return jobView(job);
    }
  }
  if (current.active) {
    throw conflict(`The field ${apiName} is active. Deactivate it first (DELETE /api/metadata/objects/${object}/fields/${apiName}); a purge takes the values of a deactivated field only.`);
  }
  const now = deps.clock();
  const at = now.toISOString();
  const job: MetaJob = {
    id: deps.newId(now), kind: 'field-purge', object, field: apiName, status: 'queued', examined: 0, cleared: 0,
    pageSize: input.pageSize ?? PURGE_PAGE_SIZE, phase: 'live', step: 0, requestedAt: at, requestedBy: p.userId,
  };
  const next: StoredField = { ...current, state: 'purging', purgeJobId: job.id, updatedAt: at, updatedBy: p.userId };
  await commitChange(
    p, meta, { fields: [{ field: next, isNew: false }], job, fieldsNotPurging: true },
    {
      object, field: apiName, change: 'field-purge-requested',
      event: metadataEvent(p, 'metadata.field_purge_requested', object, apiName, { jobId: job.id, metadataVersion: meta.version + 1 }, now, deps),
    },
    { active: false }, { state: 'purging', purgeJobId: job.id }, now, deps,
  );
  return jobView(job);
}

/** GET /api/metadata/jobs/{id} (admins): a job and its progress; 404 for an id the tenant has no job of. */
export async function getJob(p: Actor, id: string, deps: MetadataDeps): Promise<JobView> {
  assertCan(p, 'metadata:manage');
  const job = isId(id) ? await deps.store.job(p.tenantId, id) : undefined;
  if (!job) throw notFound(`No job ${isId(id) ? id : '(invalid)'}.`);
  return jobView(job);
}

// --- custom objects ----------------------------------------------------------------------------------------

const TEXT_NAMES: ReadonlySet<string> = new Set(['text']);

/** The naming field: the one named, else the first required text field; it must be a text field of the object. */
function nameFieldOf(fields: readonly FieldDefinition[], named: string | undefined): { nameField?: string; error?: FieldError } {
  if (named !== undefined) {
    const f = fields.find((x) => x.apiName === named && x.active);
    if (!f || !TEXT_NAMES.has(f.type)) return { error: { path: 'nameField', message: `nameField names an active text field of the object; ${named} is not one`, code: 'invalid_name_field' } };
    return { nameField: named };
  }
  const first = fields.find((x) => x.active && x.required && TEXT_NAMES.has(x.type));
  if (!first) return { error: { path: 'nameField', message: 'An object needs a required text field to name its records (or name a text field in nameField)', code: 'required' } };
  return { nameField: first.apiName };
}

function objectViewOf(p: Actor, meta: TenantMetadata, stored: StoredObject, fields?: readonly StoredField[]): ObjectView & { active: boolean } {
  const o = customObjectDefinition(stored);
  const custom = (fields ?? customFieldsOf(meta, stored.apiName, false)).filter((f) => f.active).map(definitionOf);
  const ordered = inLayoutOrder([...o.fields, ...custom], layoutOf(meta, stored.apiName));
  return { ...o, active: stored.active, fields: ordered.map((f) => viewOf(p, o, f)).filter((f) => f.readable), fieldOrder: orderKind(layoutOf(meta, stored.apiName)) };
}

const objectDefinitionOf = (o: StoredObject) => {
  const { createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, deactivatedAt: _d, ...def } = o;
  return def as unknown as Record<string, unknown>;
};

/**
 * POST /api/metadata/objects: a custom object (`c_` name) with its first fields, written in one transaction.
 * Every bad field is named by its place (`fields.1.target`); a duplicate or non-`c_` name by `apiName`.
 */
export async function createObject(p: Actor, body: unknown, deps: MetadataDeps): Promise<ObjectView> {
  assertCan(p, 'metadata:manage');
  const input = parse(objectCreate, body);
  const meta = await deps.registry.reload(p.tenantId);
  const errors: FieldError[] = [];
  if (meta.objects.some((o) => o.apiName === input.apiName)) {
    errors.push({ path: 'apiName', message: `An object ${input.apiName} exists (a deactivated object keeps its name; restore it)`, code: 'duplicate' });
  } else if (meta.objects.length >= MAX_CUSTOM_OBJECTS_PER_TENANT) {
    errors.push(limitError('apiName', 'customObjectsPerTenant', `At most ${MAX_CUSTOM_OBJECTS_PER_TENANT} custom objects per workspace, deactivated ones included (limit customObjectsPerTenant)`));
  }
  const defs = input.fields.map(definitionFrom);
  const targets = relationTargets(meta, input.apiName);
  const now = deps.clock();
  const at = now.toISOString();
  const stored: StoredField[] = [];
  defs.forEach((def, i) => {
    const at_ = (e: FieldError) => ({ ...e, path: `fields.${i}.${e.path}` });
    if (defs.findIndex((d) => d.apiName === def.apiName) !== i) errors.push(at_({ path: 'apiName', message: `Two fields are named ${def.apiName}`, code: 'duplicate' }));
    errors.push(...checkDefinition(def, targets).map(at_));
    // The limits as if the fields before this one were there already.
    const sofar: TenantMetadata = { ...meta, fields: stored };
    errors.push(...checkLimits(sofar, input.apiName, def, true).map(at_));
    stored.push({ ...def, object: input.apiName, createdAt: at, createdBy: p.userId, updatedAt: at, updatedBy: p.userId });
  });
  const named = nameFieldOf(defs, input.nameField);
  if (named.error) errors.push(named.error);
  if (errors.length) throw invalid(errors);
  const object: StoredObject = {
    apiName: input.apiName, recordType: input.apiName, label: input.label, labelPlural: input.labelPlural,
    icon: input.icon ?? 'box', nameField: named.nameField!, searchable: input.searchable ?? true, custom: true, active: true,
    createdAt: at, createdBy: p.userId, updatedAt: at, updatedBy: p.userId,
  };
  await commitChange(
    p, meta, { object: { object, isNew: true }, fields: stored.map((field) => ({ field, isNew: true })) },
    { object: object.apiName, change: 'object-added' }, undefined,
    { ...objectDefinitionOf(object), fields: defs.map((d) => d.apiName) }, now, deps,
  );
  return objectViewOf(p, meta, object, stored);
}

function storedObjectOrNotFound(meta: TenantMetadata, object: string): StoredObject {
  const stored = storedObjectOf(meta, object);
  if (!stored) {
    if (isStandardObject(object)) throw conflict(`${object} is a standard object: only its custom fields change.`);
    throw notFound(`No custom object ${object}.`);
  }
  return stored;
}

/** PATCH /api/metadata/objects/{object}: labels, icon, the naming field. */
export async function updateObject(p: Actor, object: string, body: unknown, deps: MetadataDeps): Promise<ObjectView> {
  assertCan(p, 'metadata:manage');
  const patch = parse(objectUpdate, body);
  const meta = await deps.registry.reload(p.tenantId);
  const current = storedObjectOrNotFound(meta, object);
  if (!current.active) throw conflict(`The object ${object} is deactivated; restore it before changing it.`);
  const next: StoredObject = { ...current, ...patch };
  if (patch.nameField !== undefined) {
    const named = nameFieldOf(customFieldsOf(meta, object, false), patch.nameField);
    if (named.error) throw invalid([named.error]);
  }
  if (JSON.stringify(objectDefinitionOf(next)) === JSON.stringify(objectDefinitionOf(current))) return objectViewOf(p, meta, current);
  const now = deps.clock();
  next.updatedAt = now.toISOString();
  next.updatedBy = p.userId;
  await commitChange(p, meta, { object: { object: next, isNew: false }, fields: [] }, { object, change: 'object-changed' }, objectDefinitionOf(current), objectDefinitionOf(next), now, deps);
  return objectViewOf(p, meta, next);
}

/** DELETE /api/metadata/objects/{object}: hidden from metadata and the API; its records are kept. */
export async function deactivateObject(p: Actor, object: string, deps: MetadataDeps): Promise<void> {
  assertCan(p, 'metadata:manage');
  const meta = await deps.registry.reload(p.tenantId);
  const current = storedObjectOrNotFound(meta, object);
  if (!current.active) return;
  const now = deps.clock();
  const at = now.toISOString();
  const next: StoredObject = { ...current, active: false, deactivatedAt: at, updatedAt: at, updatedBy: p.userId };
  await commitChange(p, meta, { object: { object: next, isNew: false }, fields: [] }, { object, change: 'object-deactivated' }, { active: true }, { active: false }, now, deps);
}

/** POST /api/metadata/objects/{object}/restore: the object and its records are back. */
export async function restoreObject(p: Actor, object: string, deps: MetadataDeps): Promise<ObjectView> {
  assertCan(p, 'metadata:manage');
  const meta = await deps.registry.reload(p.tenantId);
  const current = storedObjectOrNotFound(meta, object);
  if (current.active) return objectViewOf(p, meta, current);
  const now = deps.clock();
  const { deactivatedAt: _d, ...rest } = current;
  const next: StoredObject = { ...rest, active: true, updatedAt: now.toISOString(), updatedBy: p.userId };
  await commitChange(p, meta, { object: { object: next, isNew: false }, fields: [] }, { object, change: 'object-restored' }, { active: false }, { active: true }, now, deps);
  return objectViewOf(p, meta, next);
}
