import * as z from 'zod/mini';
import type { Clock } from '#commons/clock.ts';
import { conflict, invalid, notFound, type FieldError } from '#commons/errors.ts';
import { correlationId } from '#commons/observability.ts';
import { assertCatalogued, currentVersion } from '#contracts/events.ts';
import {
  MAX_CUSTOM_BYTES_PER_RECORD, MAX_CUSTOM_FIELDS_PER_OBJECT, MAX_SEARCHABLE_CUSTOM_FIELDS, fieldCreate, fieldUpdate,
  isStandardObject, maxStoredBytes, valueSchema, type FieldDefinition, type ObjectDefinition,
} from '#schemas/metadata.ts';
import { toFieldIssues } from '#schemas/validation.ts';
import { assertCan, can, type Actor } from '../policy/policy.ts';
import type { StoredField } from '../metadata/items.ts';
import type { AuditEntry, DomainEvent } from '../records/store.ts';
import type { MetadataRegistry } from '../metadata/custom-fields.ts';
import { STANDARD_OBJECT_DEFINITIONS, standardObject } from '../metadata/standard.ts';
import type { TenantMetadata } from '../metadata/store.ts';
import { MetadataMoved, type MetadataStore } from './store.ts';

/**
 * Objects and fields as data (issue 7, first step): what GET /api/metadata shows a caller, and the admin's
 * changes to custom fields of the standard objects (add, change, deactivate, restore). Every change is one
 * transaction with its audit entry and a `metadata.changed` event, and moves the tenant's metadata version.
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
 * Every object and field the caller may read, standard fields first, then custom fields in the order they
 * were added. `?include=inactive` (admins) adds deactivated fields, marked `active: false`.
 */
export async function describeMetadata(p: Actor, query: unknown, deps: MetadataDeps): Promise<{ version: number; objects: ObjectView[] }> {
  assertCan(p, 'metadata:read');
  const q = parse(describeQuery, query);
  if (q.include) assertCan(p, 'metadata:manage');
  const meta = await deps.registry.tenant(p.tenantId);
  const objects = STANDARD_OBJECT_DEFINITIONS.map((o) => {
    const custom = meta.fields
      .filter((f) => f.object === o.apiName && (f.active || q.include === 'inactive'))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(definitionOf);
    const fields = [...o.fields, ...custom].map((f) => viewOf(p, o, f)).filter((f) => f.readable);
    return { ...o, fields };
  });
  return { version: meta.version, objects };
}

function objectOf(object: string): ObjectDefinition {
  const o = isStandardObject(object) ? standardObject(object) : undefined;
  if (!o) throw notFound(`No object ${object}. Objects: ${STANDARD_OBJECT_DEFINITIONS.map((x) => x.apiName).join(', ')}.`);
  return o;
}

function fieldOf(meta: TenantMetadata, object: string, apiName: string): StoredField {
  const f = meta.fields.find((x) => x.object === object && x.apiName === apiName);
  if (!f) throw notFound(`No custom field ${apiName} on ${object}.`);
  return f;
}

const limitError = (path: string, limit: string, message: string): FieldError & { limit: string } => ({ path, message, code: 'limit_exceeded', limit });

/** The rules a field definition must keep, whatever else the object holds; every broken one is named. */
function checkDefinition(f: FieldDefinition): FieldError[] {
  const errors: FieldError[] = [];
  if (PICKLISTS.has(f.type)) {
    if (!f.options?.length) errors.push({ path: 'options', message: 'A picklist needs at least one option', code: 'required' });
    else if (new Set(f.options.map((o) => o.value)).size !== f.options.length) errors.push({ path: 'options', message: 'Option values must be different', code: 'duplicate' });
  } else if (f.options !== undefined) {
    errors.push({ path: 'options', message: 'Only picklists and multi-picklists have options', code: 'not_allowed' });
  }
  if (f.type === 'relation') {
    if (!f.target) errors.push({ path: 'target', message: 'A relation names its target object, e.g. accounts', code: 'required' });
    else if (!isStandardObject(f.target)) errors.push({ path: 'target', message: `No object ${f.target}`, code: 'unknown_object' });
  } else if (f.target !== undefined) {
    errors.push({ path: 'target', message: 'Only relations have a target', code: 'not_allowed' });
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
  const bytes = [...others, f].reduce((n, x) => n + maxStoredBytes(x), 0);
  if (bytes > MAX_CUSTOM_BYTES_PER_RECORD) {
    errors.push(limitError(isNew ? 'type' : 'options', 'customBytesPerRecord', `The object's custom values could reach ${bytes} bytes per record; the limit is ${MAX_CUSTOM_BYTES_PER_RECORD} (limit customBytesPerRecord)`));
  }
  return errors;
}

function event(p: Actor, object: string, field: string, change: string, metadataVersion: number, now: Date, deps: MetadataDeps): DomainEvent {
  const name = 'metadata.changed';
  assertCatalogued(name);
  return {
    eventId: deps.newId(now), name, version: currentVersion(name),
    ...(correlationId() ? { correlationId: correlationId() } : {}),
    tenantId: p.tenantId, occurredAt: now.toISOString(),
    actor: { id: p.userId, name: p.name, ...(p.kind === 'system' ? { kind: 'system' as const } : {}) },
    subject: { type: 'metadata', id: `${object}.${field}` },
    data: { object, field, change, metadataVersion },
  };
}

/** Writes one field change with its audit entry and event; a concurrent change answers 409. */
async function commitField(
  p: Actor, meta: TenantMetadata, before: StoredField | undefined, after: StoredField, change: 'field-added' | 'field-changed' | 'field-deactivated' | 'field-restored',
  now: Date, deps: MetadataDeps,
): Promise<void> {
  const action: AuditEntry['action'] = change === 'field-added' ? 'create' : change === 'field-deactivated' ? 'delete' : change === 'field-restored' ? 'restore' : 'update';
  const audit: AuditEntry = {
    id: deps.newId(now), at: now.toISOString(), action,
    actor: { id: p.userId, name: p.name, email: p.kind === 'system' ? '' : p.email },
    recordType: 'metadata', recordId: after.object,
    ...(before ? { before: definitionOf(before) as unknown as Record<string, unknown> } : {}),
    after: definitionOf(after) as unknown as Record<string, unknown>,
  };
  try {
    await deps.store.commit({
      tenantId: p.tenantId, field: after, isNew: !before, expectedVersion: meta.version, at: now.toISOString(), by: p.userId,
      audit, event: event(p, after.object, after.apiName, change, meta.version + 1, now, deps),
    });
  } catch (error) {
    if (error instanceof MetadataMoved) throw conflict('The fields of this workspace were changed meanwhile. Reload them and try again.');
    throw error;
  } finally {
    // The next read in this container sees the change (or what beat it).
    await deps.registry.reload(p.tenantId).catch(() => undefined);
  }
}

const viewForAdmin = (p: Actor, object: string, f: StoredField) => viewOf(p, objectOf(object), definitionOf(f));

/** POST /api/metadata/objects/{object}/fields: a new custom field on a standard object. */
export async function addField(p: Actor, object: string, body: unknown, deps: MetadataDeps): Promise<FieldView> {
  assertCan(p, 'metadata:manage');
  objectOf(object);
  const input = parse(fieldCreate, body);
  const meta = await deps.registry.reload(p.tenantId);
  const def: FieldDefinition = {
    apiName: input.apiName, type: input.type, label: input.label,
    ...(input.helpText ? { helpText: input.helpText } : {}),
    required: input.required ?? false, unique: input.unique ?? false, searchable: input.searchable ?? false,
    ...(input.default !== undefined ? { default: input.default } : {}),
    ...(input.options ? { options: input.options } : {}),
    ...(input.target !== undefined ? { target: input.target } : {}),
    ...(input.permissions ? { permissions: input.permissions } : {}),
    active: true, custom: true,
  };
  const errors: FieldError[] = [];
  if (meta.fields.some((f) => f.object === object && f.apiName === def.apiName)) {
    errors.push({ path: 'apiName', message: `${object} already has a field ${def.apiName} (deactivated fields keep their names until purged)`, code: 'duplicate' });
  }
  errors.push(...checkDefinition(def), ...checkLimits(meta, object, def, true));
  if (errors.length) throw invalid(errors);
  const now = deps.clock();
  const at = now.toISOString();
  const stored: StoredField = { ...def, object, createdAt: at, createdBy: p.userId, updatedAt: at, updatedBy: p.userId };
  await commitField(p, meta, undefined, stored, 'field-added', now, deps);
  return viewForAdmin(p, object, stored);
}

/** PATCH .../fields/{field}: labels, help text, options, required, searchable, default, permissions. */
export async function updateField(p: Actor, object: string, apiName: string, body: unknown, deps: MetadataDeps): Promise<FieldView> {
  assertCan(p, 'metadata:manage');
  objectOf(object);
  const patch = parse(fieldUpdate, body);
  const meta = await deps.registry.reload(p.tenantId);
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
  const errors = [...checkDefinition(next), ...checkLimits(meta, object, next, false)];
  if (errors.length) throw invalid(errors);
  if (JSON.stringify(definitionOf(next)) === JSON.stringify(definitionOf(current))) return viewForAdmin(p, object, current);
  const now = deps.clock();
  next.updatedAt = now.toISOString();
  next.updatedBy = p.userId;
  await commitField(p, meta, current, next, 'field-changed', now, deps);
  return viewForAdmin(p, object, next);
}

/** DELETE .../fields/{field}: deactivates (hidden from metadata and the API; stored values are kept). */
export async function deactivateField(p: Actor, object: string, apiName: string, deps: MetadataDeps): Promise<void> {
  assertCan(p, 'metadata:manage');
  objectOf(object);
  const meta = await deps.registry.reload(p.tenantId);
  const current = fieldOf(meta, object, apiName);
  if (!current.active) return;
  const now = deps.clock();
  const at = now.toISOString();
  await commitField(p, meta, current, { ...current, active: false, deactivatedAt: at, updatedAt: at, updatedBy: p.userId }, 'field-deactivated', now, deps);
}

/** POST .../fields/{field}/restore: the field is back, and with it the values records kept. */
export async function restoreField(p: Actor, object: string, apiName: string, deps: MetadataDeps): Promise<FieldView> {
  assertCan(p, 'metadata:manage');
  objectOf(object);
  const meta = await deps.registry.reload(p.tenantId);
  const current = fieldOf(meta, object, apiName);
  if (current.active) return viewForAdmin(p, object, current);
  const { deactivatedAt: _d, ...rest } = current;
  const next: StoredField = { ...rest, active: true, updatedAt: deps.clock().toISOString(), updatedBy: p.userId };
  const errors = checkLimits(meta, object, next, false);
  if (errors.length) throw invalid(errors);
  await commitField(p, meta, current, next, 'field-restored', deps.clock(), deps);
  return viewForAdmin(p, object, next);
}
