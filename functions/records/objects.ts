import * as z from 'zod/mini';
import { notFound } from '#commons/errors.ts';
import { id } from '#schemas/common.ts';
import { isCustomName, isStandardObject, recordTypeOf, type ObjectDefinition } from '#schemas/metadata.ts';
import type { Actor } from '../policy/policy.ts';
import type { StoredField, StoredObject } from '../metadata/items.ts';
import type { TenantMetadata } from '../metadata/store.ts';
import type { EntityDefinition } from './entity.ts';
import type { RecordDeps } from './service.ts';

/**
 * Custom objects as entities (issue 7): the record service serves a custom object's records through the same
 * EntityDefinition as accounts and contacts, built at run time from the tenant's metadata and cached per
 * metadata version. Its records have the built-in fields every record has (id, name, ownerId, version, ...)
 * and the object's `c_` fields, validated by the schemas `compileFields` makes of the field definitions
 * (functions/metadata/custom-fields.ts, the same the web app runs); `name` is the object's `nameField`.
 * Events are `record.created|updated|deleted|restored` with the object as `subject.type`.
 */

const ownerOnlyCreate = z.strictObject({ ownerId: z.optional(id) }) as unknown as EntityDefinition['createSchema'];
const ownerOnlyUpdate = z.strictObject({ ownerId: z.optional(z.nullable(id)) }) as unknown as EntityDefinition['updateSchema'];

/** The entity of a custom object from its definition and its fields (active ones decide search and phones). */
export function entityOfObject(o: Pick<ObjectDefinition, 'apiName' | 'recordType' | 'nameField'>, fields: readonly Pick<StoredField, 'apiName' | 'type' | 'searchable' | 'active'>[]): EntityDefinition {
  const active = fields.filter((f) => f.active);
  const nameField = o.nameField;
  return {
    type: o.recordType,
    plural: o.apiName,
    eventPrefix: 'record',
    createSchema: ownerOnlyCreate,
    updateSchema: ownerOnlyUpdate,
    displayName: (f) => (typeof f[nameField] === 'string' ? (f[nameField] as string).trim() : ''),
    phoneFields: active.filter((f) => f.type === 'phone').map((f) => f.apiName),
    uniqueFields: [],
    // The name is always a search token; these are the other searchable fields.
    searchFields: active.filter((f) => f.searchable && f.apiName !== nameField).map((f) => f.apiName),
  };
}

/** Per metadata snapshot (the registry keeps one per tenant and version): the entities built from it. */
const cache = new WeakMap<TenantMetadata, Map<string, EntityDefinition>>();

/** The tenant's active custom object of that name, or undefined. */
export function activeObject(meta: TenantMetadata, apiName: string): StoredObject | undefined {
  return meta.objects.find((o) => o.apiName === apiName && o.active);
}

/**
 * The entity of the tenant's active custom object `apiName`, or a 404 problem (unknown, deactivated, or a
 * standard object, which is served at its own routes). Built once per tenant, object and metadata version.
 */
export async function objectEntity(p: Actor, apiName: string, deps: RecordDeps): Promise<EntityDefinition> {
  const meta = isCustomName(apiName) && deps.metadata?.tenant ? await deps.metadata.tenant(p.tenantId) : undefined;
  const stored = meta ? activeObject(meta, apiName) : undefined;
  if (!meta || !stored) throw notFound(`No object ${apiName}.`);
  let entities = cache.get(meta);
  if (!entities) cache.set(meta, (entities = new Map()));
  let def = entities.get(apiName);
  if (!def) {
    def = entityOfObject(stored, meta.fields.filter((f) => f.object === apiName));
    entities.set(apiName, def);
  }
  return def;
}

/**
 * The record type of an object a related list may name, standard or an active custom one; else a 404
 * problem. (`GET /api/accounts/{id}/related/c_projects`, `/api/c_projects/{id}/related/contacts`.)
 */
export async function objectType(p: Actor, apiName: string, deps: RecordDeps): Promise<string> {
  if (isStandardObject(apiName)) return recordTypeOf(apiName);
  return (await objectEntity(p, apiName, deps)).type;
}
