import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#commons/keys.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import {
  metaFieldCodec, metaJobCodec, metaLayoutCodec, metaObjectCodec, metaVersionCodec, purgedFieldCodec, type MetaJob, type PurgedField, type StoredField, type StoredLayout, type StoredObject,
} from '../metadata/items.ts';
import type { MetadataReader } from '../metadata/store.ts';
import { DynamoMetadataReader } from '../metadata/store.ts';
import type { AuditEntry, DomainEvent } from '../records/store.ts';
import { auditCodec, outboxEventCodec } from '../records/storage/codecs.ts';

/**
 * Writes a metadata change as one transaction: the field items and the object item it touches, the version
 * item (conditioned on the version the change was decided on), the audit entry and the outbox event
 * (docs/data-model.md, Metadata). A new custom object is written with all its fields at once (at most
 * MAX_CUSTOM_FIELDS_PER_OBJECT + 4 items, within DynamoDB's 100).
 */
export interface MetadataChange {
  readonly tenantId: string;
  /** Field items written; `isNew`: the write fails if the field exists (else if it does not). */
  readonly fields: readonly { readonly field: StoredField; readonly isNew: boolean }[];
  /** The custom object item written, if the change is about one. */
  readonly object?: { readonly object: StoredObject; readonly isNew: boolean };
  /** An object's field order, written as given (the version condition guards it). */
  readonly layout?: StoredLayout;
  /** The version the change was decided on; the write fails if it moved. */
  readonly expectedVersion: number;
  readonly at: string;
  readonly by: string;
  readonly audit: AuditEntry;
  readonly event: DomainEvent;
  /** A new job written with the change (a purge request; the write fails if the job exists). */
  readonly job?: MetaJob;
  /** The field items must be in this state: the write fails otherwise (a purge request: not purging yet). */
  readonly fieldsNotPurging?: boolean;
}

export interface MetadataStore extends MetadataReader {
  commit(change: MetadataChange): Promise<void>;
  /** A metadata job of the tenant (consistent read). */
  job(tenantId: string, jobId: string): Promise<MetaJob | undefined>;
  /** The last purge of a field name, if it was purged. */
  purged(tenantId: string, object: string, field: string): Promise<PurgedField | undefined>;
  /** An outbox event on its own (a job's worker nudged again: it resumes at its checkpoint). */
  publish(event: DomainEvent): Promise<void>;
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
          ...(c.object ? [{
            Put: {
              TableName: table, Item: metaObjectCodec.encode(c.object.object, { tenantId: c.tenantId }),
              ConditionExpression: c.object.isNew ? 'attribute_not_exists(pk)' : 'attribute_exists(pk)',
            },
          }] : []),
          ...c.fields.map(({ field, isNew }) => ({
            Put: {
              TableName: table, Item: metaFieldCodec.encode(field, { tenantId: c.tenantId }),
              ...(isNew
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : c.fieldsNotPurging
                  ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#state)', ExpressionAttributeNames: { '#state': 'state' } }
                  : { ConditionExpression: 'attribute_exists(pk)' }),
            },
          })),
          ...(c.layout ? [{ Put: { TableName: table, Item: metaLayoutCodec.encode(c.layout, { tenantId: c.tenantId }) } }] : []),
          ...(c.job ? [{ Put: { TableName: table, Item: metaJobCodec.encode(c.job, { tenantId: c.tenantId }), ConditionExpression: 'attribute_not_exists(pk)' } }] : []),
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

  async job(tenantId: string, jobId: string): Promise<MetaJob | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.metaJobs(tenantId), sk: keys.metaJobSk(jobId) }, ConsistentRead: true }));
    return Item ? metaJobCodec.decode(Item) : undefined;
  }

  async publish(event: DomainEvent): Promise<void> {
    await documentClient.send(new PutCommand({ TableName: tableName(), Item: outboxEventCodec.encode(event), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async purged(tenantId: string, object: string, field: string): Promise<PurgedField | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.metaJobs(tenantId), sk: keys.purgedFieldSk(object, field) }, ConsistentRead: true }));
    return Item ? purgedFieldCodec.decode(Item) : undefined;
  }
}
