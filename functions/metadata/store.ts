import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { metaFieldCodec, metaLayoutCodec, metaObjectCodec, metaVersionCodec, type StoredField, type StoredLayout, type StoredObject } from './items.ts';

/**
 * A tenant's metadata in the table (docs/data-model.md, Metadata): one partition `T#<t>#meta` holding each
 * custom object (`object#<apiName>`), each custom field (`field#<object>#<apiName>`), each field order an admin set (`layout#<object>`) and the version item (`~version`). All of it is read with one
 * Query; the version alone with one GetItem. Changes are written by functions/customization/store.ts.
 */
export interface TenantMetadata {
  /** 0 until the first change. */
  readonly version: number;
  readonly fields: readonly StoredField[];
  /** The tenant's custom objects, active or deactivated (their fields are in `fields`). */
  readonly objects: readonly StoredObject[];
  /** The field orders an admin set, one per object at most (absent: every object in its default order). */
  readonly layouts?: readonly StoredLayout[];
}

/** What the per-container cache reads. */
export interface MetadataReader {
  load(tenantId: string): Promise<TenantMetadata>;
  version(tenantId: string): Promise<number>;
}

export class DynamoMetadataReader implements MetadataReader {
  async load(tenantId: string): Promise<TenantMetadata> {
    const fields: StoredField[] = [];
    const objects: StoredObject[] = [];
    const layouts: StoredLayout[] = [];
    let version = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const res = await documentClient.send(new QueryCommand({
        TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.meta(tenantId) },
        ConsistentRead: true, ExclusiveStartKey: start,
      }));
      for (const item of res.Items ?? []) {
        if (item.sk === keys.metaVersionSk) version = metaVersionCodec.decode(item).version;
        else if (typeof item.sk === 'string' && item.sk.startsWith(keys.metaFieldPrefix)) fields.push(metaFieldCodec.decode(item));
        else if (typeof item.sk === 'string' && item.sk.startsWith(keys.metaObjectPrefix)) objects.push(metaObjectCodec.decode(item));
        else if (typeof item.sk === 'string' && item.sk.startsWith(keys.metaLayoutPrefix)) layouts.push(metaLayoutCodec.decode(item));
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return { version, fields, objects, layouts };
  }

  async version(tenantId: string): Promise<number> {
    const { Item } = await documentClient.send(new GetCommand({
      TableName: tableName(), Key: { pk: keys.meta(tenantId), sk: keys.metaVersionSk }, ConsistentRead: true,
    }));
    return Item ? metaVersionCodec.decode(Item).version : 0;
  }
}
