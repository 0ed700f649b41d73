import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import type { Item } from '../storage/codec.ts';
import { auditCodec, metaFieldCodec, metaVersionCodec, outboxEventCodec, type StoredField } from '../storage/codecs.ts';
import type { AuditEntry, DomainEvent } from '../records/store.ts';

/**
 * A tenant's metadata in the table (docs/data-model.md, Metadata): one partition `T#<t>#meta` holding each
 * custom field (`field#<object>#<apiName>`) and the version item (`~version`). All of it is read with one
 * Query; the version alone with one GetItem. A change is one transaction: the field item, the version item
 * (conditioned on the version the change was decided on), the audit entry and the outbox event.
 */
export interface TenantMetadata {
  /** 0 until the first change. */
  readonly version: number;
  readonly fields: readonly StoredField[];
}

export interface MetadataStore {
  load(tenantId: string): Promise<TenantMetadata>;
  version(tenantId: string): Promise<number>;
  commit(change: MetadataChange): Promise<void>;
}

export interface MetadataChange {
  readonly tenantId: string;
  readonly field: StoredField;
  /** True for a new field: the write fails if the field exists. */
  readonly isNew: boolean;
  /** The version the change was decided on; the write fails if it moved. */
  readonly expectedVersion: number;
  readonly at: string;
  readonly by: string;
  readonly audit: AuditEntry;
  readonly event: DomainEvent;
}

/** Someone else changed the tenant's metadata between the read and the write. */
export class MetadataMoved extends Error {
  constructor() {
    super('The metadata changed meanwhile');
    this.name = 'MetadataMoved';
  }
}

export class DynamoMetadataStore implements MetadataStore {
  async load(tenantId: string): Promise<TenantMetadata> {
    const fields: StoredField[] = [];
    let version = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const res = await documentClient.send(new QueryCommand({
        TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.meta(tenantId) },
        ConsistentRead: true, ExclusiveStartKey: start,
      }));
      for (const item of (res.Items ?? []) as Item[]) {
        if (item.sk === keys.metaVersionSk) version = metaVersionCodec.decode(item).version;
        else if (typeof item.sk === 'string' && item.sk.startsWith(keys.metaFieldPrefix)) fields.push(metaFieldCodec.decode(item));
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return { version, fields };
  }

  async version(tenantId: string): Promise<number> {
    const { Item } = await documentClient.send(new GetCommand({
      TableName: tableName(), Key: { pk: keys.meta(tenantId), sk: keys.metaVersionSk }, ConsistentRead: true,
    }));
    return Item ? metaVersionCodec.decode(Item).version : 0;
  }

  async commit(c: MetadataChange): Promise<void> {
    const table = tableName();
    const versionItem = metaVersionCodec.encode({ version: c.expectedVersion + 1, updatedAt: c.at, updatedBy: c.by }, { tenantId: c.tenantId });
    try {
      await documentClient.send(new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table, Item: metaFieldCodec.encode(c.field, { tenantId: c.tenantId }),
              ConditionExpression: c.isNew ? 'attribute_not_exists(pk)' : 'attribute_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table, Item: versionItem,
              ...(c.expectedVersion === 0
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': c.expectedVersion } }),
            },
          },
          { Put: { TableName: table, Item: auditCodec.encode(c.audit, { tenantId: c.tenantId }) } },
          { Put: { TableName: table, Item: outboxEventCodec.encode(c.event) } },
        ],
      }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new MetadataMoved();
      throw error;
    }
  }
}
