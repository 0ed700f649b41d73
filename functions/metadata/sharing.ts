import * as z from 'zod/mini';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#commons/clock.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { STANDARD_OBJECTS, isStandardObject } from '#schemas/metadata.ts';
import { SHARED_ROLES, SHARING_LEVELS, type RoleSharing } from '../policy/policy.ts';
import { CorruptMetadataItem } from './items.ts';
import { METADATA_REFRESH_MS } from './custom-fields.ts';
import { standardObjectOfType } from './standard.ts';

/**
 * Record visibility settings (CD-7) as the record service reads them: per tenant and object, each role's
 * read/edit level, in the partition `T#<t>#sharing` (one item `object#<apiName>` per object an admin set;
 * an object never set uses the policy's defaults, functions/policy/policy.ts DEFAULT_SHARING). The admin's
 * GET/PUT are in functions/sharing (which writes with the audit entry and the event); this reader lives
 * here, next to the metadata cache, because the record service imports it and functions/sharing imports
 * the record storage (a folder cycle otherwise).
 */

type Item = Record<string, unknown>;

/** One object's sharing as stored: the roles an admin set (the others keep the defaults), and who set it when. */
export interface StoredSharing {
  object: string;
  roles: Partial<RoleSharing>;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

const levelSchema = z.enum(SHARING_LEVELS);
const objectSharing = z.object({ read: levelSchema, edit: levelSchema });
const storedSharing = z.object({
  object: z.string(),
  roles: z.partialRecord(z.enum(SHARED_ROLES), objectSharing),
  version: z.number(), updatedAt: z.string(), updatedBy: z.string(),
}) as unknown as z.ZodMiniType<StoredSharing>;

/** The item `T#t#sharing` / `object#<object>` and back, validated (a bad item is a bug, never user input). */
export const sharingCodec = {
  entityType: 'sharing',
  encode: (v: StoredSharing, { tenantId }: { tenantId: string }): Item => ({ ...(v as unknown as Item), pk: keys.sharing(tenantId), sk: keys.sharingSk(v.object), entityType: 'sharing' }),
  decode(item: Item): StoredSharing {
    if (item.entityType !== 'sharing') throw new CorruptMetadataItem('sharing', `read an item of kind ${String(item.entityType)}`);
    const { pk: _pk, sk: _sk, entityType: _e, ...value } = item;
    const result = z.safeParse(storedSharing, value);
    if (!result.success) throw new CorruptMetadataItem('sharing', result.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; '));
    return result.data;
  },
};

export interface SharingReader {
  /** Every object's stored sharing of the tenant (one Query of a small partition). */
  load(tenantId: string): Promise<StoredSharing[]>;
}

export class DynamoSharingReader implements SharingReader {
  async load(tenantId: string): Promise<StoredSharing[]> {
    const out: StoredSharing[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await documentClient.send(new QueryCommand({
        TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.sharing(tenantId) },
        ConsistentRead: true, ExclusiveStartKey: start,
      }));
      out.push(...(res.Items ?? []).map((i) => sharingCodec.decode(i)));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/** What the record service asks: the stored sharing of an object (by record type), undefined for the defaults. */
export interface SharingSource {
  sharingOf(tenantId: string, recordType: string): Promise<Partial<RoleSharing> | undefined>;
  /** Every object an admin set, by record type (for /api/me). */
  allSharing(tenantId: string): Promise<Readonly<Record<string, Partial<RoleSharing>>>>;
}

/** The object API name of a record type (`lead` → `leads`); a custom object's type is its API name. */
export const objectOfType = (recordType: string): string => standardObjectOfType(recordType)?.apiName ?? recordType;

/**
 * The container's cache of the tenant's sharing: read at most once per SHARING_REFRESH_MS per tenant (the
 * metadata's refresh window), and at once after a change made in this container (`reload`). So a PUT takes
 * effect at once in the container that made it and within 5 s everywhere else.
 */
export const SHARING_REFRESH_MS = METADATA_REFRESH_MS;

export class SharingRegistry implements SharingSource {
  private readonly cache = new Map<string, { byObject: Map<string, StoredSharing>; at: number }>();
  private readonly loading = new Map<string, Promise<Map<string, StoredSharing>>>();

  constructor(private readonly reader: SharingReader, private readonly clock: Clock, private readonly refreshMs = SHARING_REFRESH_MS) {}

  async objects(tenantId: string): Promise<Map<string, StoredSharing>> {
    const now = this.clock().getTime();
    const hit = this.cache.get(tenantId);
    if (hit && now - hit.at < this.refreshMs) return hit.byObject;
    let pending = this.loading.get(tenantId);
    if (!pending) {
      pending = this.reader.load(tenantId)
        .then((items) => {
          const byObject = new Map(items.map((s) => [s.object, s]));
          this.cache.set(tenantId, { byObject, at: now });
          return byObject;
        })
        .finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, pending);
    }
    return pending;
  }

  async reload(tenantId: string): Promise<Map<string, StoredSharing>> {
    this.cache.delete(tenantId);
    return this.objects(tenantId);
  }

  async sharingOf(tenantId: string, recordType: string): Promise<Partial<RoleSharing> | undefined> {
    return (await this.objects(tenantId)).get(objectOfType(recordType))?.roles;
  }

  async allSharing(tenantId: string): Promise<Readonly<Record<string, Partial<RoleSharing>>>> {
    const out: Record<string, Partial<RoleSharing>> = {};
    for (const s of (await this.objects(tenantId)).values()) out[typeOfObject(s.object)] = s.roles;
    return out;
  }
}

/** The record type of an object API name (`leads` → `lead`); a custom object's type is its API name. */
export const typeOfObject = (object: string): string => (isStandardObject(object) ? STANDARD_OBJECTS[object] : object);

let registry: SharingRegistry | undefined;
/** The container's sharing cache (shared by the record service, /api/me and the sharing routes). */
export const sharingRegistry = (clock: Clock): SharingRegistry => (registry ??= new SharingRegistry(new DynamoSharingReader(), clock));
