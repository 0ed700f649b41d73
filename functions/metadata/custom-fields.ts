import type * as z from 'zod/mini';
import type { Clock } from '#commons/clock.ts';
import type { FieldError } from '#commons/errors.ts';
import { compileFields, isCustomName, withDefaults, type FieldDefinition } from '#schemas/metadata.ts';
import { toFieldIssues } from '#schemas/validation.ts';
import { PolicyDenied, can, type Actor } from '../policy/policy.ts';
import type { StoredField } from './items.ts';
import { standardObjectOfType } from './standard.ts';
import type { MetadataReader, TenantMetadata } from './store.ts';

/**
 * The custom fields of one object of one tenant, as the record service uses them: the compiled schemas (from
 * the same `compileFields` the web app runs) and the field definitions, compiled once per metadata version.
 */
export interface CustomFieldSet {
  readonly version: number;
  /** Every custom field of the object, active or not (a deactivated one keeps its values). */
  readonly fields: readonly StoredField[];
  readonly create: z.ZodMiniType<Record<string, unknown>>;
  readonly update: z.ZodMiniType<Record<string, unknown>>;
}

/** Where the record service finds a tenant's custom fields (functions/records/service.ts, RecordDeps.metadata). */
export interface CustomFieldSource {
  customFields(tenantId: string, recordType: string): Promise<CustomFieldSet>;
  /** The tenant's metadata (its custom objects); a source without it knows no custom object. */
  tenant?(tenantId: string): Promise<TenantMetadata>;
}

/**
 * How long a container trusts its cached metadata before it asks the version item again (one GetItem); a
 * moved version costs one Query of the metadata partition and recompiles. So a change made in one container
 * reaches the others within this time, and the container that made it at once.
 */
export const METADATA_REFRESH_MS = 5_000;

interface Cached {
  metadata: TenantMetadata;
  checkedAt: number;
  compiled: Map<string, CustomFieldSet>;
}

/**
 * The per-container metadata cache: per tenant, the custom fields at a version and the validators compiled
 * from them. One Query per tenant per version per container, one GetItem per tenant per refresh window.
 */
export class MetadataRegistry implements CustomFieldSource {
  private readonly cache = new Map<string, Cached>();
  private readonly loading = new Map<string, Promise<Cached>>();

  constructor(
    private readonly store: MetadataReader,
    private readonly clock: Clock,
    private readonly refreshMs = METADATA_REFRESH_MS,
  ) {}

  /** The tenant's custom fields, fresh within the refresh window. */
  async tenant(tenantId: string): Promise<TenantMetadata> {
    return (await this.entry(tenantId)).metadata;
  }

  /** Reads the tenant's metadata now (an admin deciding a change, or after one). */
  async reload(tenantId: string): Promise<TenantMetadata> {
    this.cache.delete(tenantId);
    return this.tenant(tenantId);
  }

  async customFields(tenantId: string, recordType: string): Promise<CustomFieldSet> {
    const entry = await this.entry(tenantId);
    let set = entry.compiled.get(recordType);
    if (!set) {
      const object = standardObjectOfType(recordType)?.apiName ?? recordType;
      const fields = entry.metadata.fields.filter((f) => f.object === object);
      set = { version: entry.metadata.version, fields, create: compileFields(fields, 'create'), update: compileFields(fields, 'update') };
      entry.compiled.set(recordType, set);
    }
    return set;
  }

  private async entry(tenantId: string): Promise<Cached> {
    const now = this.clock().getTime();
    const hit = this.cache.get(tenantId);
    if (hit && now - hit.checkedAt < this.refreshMs) return hit;
    // Concurrent requests of a container share one read.
    let pending = this.loading.get(tenantId);
    if (!pending) {
      pending = this.refresh(tenantId, hit, now).finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, pending);
    }
    return pending;
  }

  private async refresh(tenantId: string, hit: Cached | undefined, now: number): Promise<Cached> {
    if (hit && (await this.store.version(tenantId)) === hit.metadata.version) {
      hit.checkedAt = now;
      return hit;
    }
    const fresh: Cached = { metadata: await this.store.load(tenantId), checkedAt: now, compiled: new Map() };
    this.cache.set(tenantId, fresh);
    return fresh;
  }
}

// --- what the record service calls -------------------------------------------------------------------------

type Fields = Record<string, unknown>;

/** A body's standard fields and its `c_` fields, apart (a body that is not an object is all standard). */
export function splitCustom(body: unknown): { standard: unknown; custom: Fields } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { standard: body, custom: {} };
  const standard: Fields = {};
  const custom: Fields = {};
  for (const [k, v] of Object.entries(body as Fields)) (isCustomName(k) ? custom : standard)[k] = v;
  return { standard, custom };
}

/**
 * Validates a body's custom values with the compiled schema: on create the defaults are filled in first.
 * Without a set (no metadata source) every `c_` field is unknown. Returns the values or every error.
 */
export function parseCustomValues(set: CustomFieldSet | undefined, values: Fields, mode: 'create' | 'update'): { values: Fields; errors: FieldError[] } {
  if (!set) {
    const errors = Object.keys(values).map((path) => ({ path, message: 'Unknown field', code: 'unrecognized_keys' }));
    return { values: {}, errors };
  }
  const input = mode === 'create' ? withDefaults(set.fields, values) : values;
  const result = set[mode].safeParse(input);
  if (!result.success) return { values: {}, errors: toFieldIssues(result.error.issues) };
  return { values: result.data, errors: [] };
}

const accessOf = (f: FieldDefinition) => (f.permissions ? { fieldAccess: f.permissions } : {});

/** Refuses a write of custom fields the actor's role may not set, naming every one (403). */
export function assertCustomWritable(set: CustomFieldSet | undefined, actor: Actor, names: Iterable<string>): void {
  if (!set) return;
  const refused = [...names].filter((n) => {
    const f = set.fields.find((x) => x.apiName === n);
    return f && !can(actor, 'custom-field:write', accessOf(f));
  });
  if (refused.length === 0) return;
  throw new PolicyDenied('Your role may not set these fields.', 'custom-field:write', refused.map((path) => ({ path, message: 'Your role may not set this field' })));
}

/**
 * The record without the custom values its reader may not see: those of deactivated fields (kept in the
 * table, back on restore), of fields the role may not read, and `c_` values no field describes.
 */
export function hideCustom<T extends Fields>(set: CustomFieldSet | undefined, actor: Actor, record: T): T {
  if (!set) return record;
  let copy: Fields | undefined;
  for (const k of Object.keys(record)) {
    if (!isCustomName(k)) continue;
    const f = set.fields.find((x) => x.apiName === k);
    if (f && f.active && can(actor, 'custom-field:read', accessOf(f))) continue;
    copy ??= { ...record };
    delete copy[k];
  }
  return (copy ?? record) as T;
}
