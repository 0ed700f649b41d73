import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { metaFieldCodec, metaVersionCodec, type StoredField } from '../metadata/items.ts';
import type { MetadataReader } from '../metadata/store.ts';
import { DynamoMetadataReader } from '../metadata/store.ts';
import type { AuditEntry, DomainEvent } from '../records/store.ts';
import { auditCodec, outboxEventCodec } from '../records/storage/codecs.ts';

/**
 * Writes a metadata change as one transaction: the field item, the version item (conditioned on the version
 * the change was decided on), the audit entry and the outbox event (docs/data-model.md, Metadata).
 */
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

export interface MetadataStore extends MetadataReader {
  commit(change: MetadataChange): Promise<void>;
}

/** Someone else changed the tenant's metadata between the read and the write. */
export class MetadataMoved extends Error {
  constructor() {
    super('The metadata changed meanwhile');
    this.name = 'MetadataMoved';
  }
}

export class DynamoMetadataStore extends DynamoMetadataReader implements MetadataStore {
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
