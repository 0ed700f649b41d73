import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { DynamoSharingReader, sharingCodec, type SharingReader, type StoredSharing } from '../metadata/sharing.ts';
import type { AuditEntry, DomainEvent } from '../records/store.ts';
import { auditCodec, outboxEventCodec } from '../records/storage/codecs.ts';

/**
 * Writes an object's sharing as one transaction (docs/data-model.md, Record visibility): the sharing item
 * (conditioned on the version the change was decided on), the audit entry and the outbox event.
 */
export interface SharingChange {
  readonly tenantId: string;
  readonly sharing: StoredSharing;
  /** The version read (0: never set); the write fails if it moved. */
  readonly expectedVersion: number;
  readonly audit: AuditEntry;
  readonly event: DomainEvent;
}

export interface SharingStore extends SharingReader {
  commit(change: SharingChange): Promise<void>;
}

/** Someone else changed this object's sharing between the read and the write. */
export class SharingMoved extends Error {
  constructor() {
    super('The sharing changed meanwhile');
    this.name = 'SharingMoved';
  }
}

export class DynamoSharingStore extends DynamoSharingReader implements SharingStore {
  async commit(c: SharingChange): Promise<void> {
    const table = tableName();
    try {
      await documentClient.send(new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table, Item: sharingCodec.encode(c.sharing, { tenantId: c.tenantId }),
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
      if (error instanceof TransactionCanceledException) throw new SharingMoved();
      throw error;
    }
  }
}
