import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { metaJobCodec, purgedFieldCodec, type MetaJob, type PurgedField } from '../metadata/items.ts';
import type { StoredRecord } from '../records/entity.ts';
import type { RecordPurge } from '../records/purging.ts';
import { auditCodec, listIndexCodec, outboxEventCodec, recordCodec } from '../records/storage/codecs.ts';
import type { AuditEntry, DomainEvent } from '../records/store.ts';

/**
 * The purge job's reads and writes (docs/data-model.md, M6–M8). Records are walked with the type's list
 * Queries that exist (GSI2 `T#t#<type>` by creation time for live records: its sort key never changes, so a
 * record cannot move behind the cursor; GSI1 `T#t#<type>#deleted` for the trash); no Scan. Each record's
 * purge is one transaction conditioned on the version read; the job item moves only by checkpoints
 * conditioned on its `step`, so two workers on one job (a duplicate delivery) never both advance it.
 */

type Item = Record<string, unknown>;
type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export type WalkPhase = 'live' | 'trash';

export interface PurgeStore {
  job(tenantId: string, jobId: string): Promise<MetaJob | undefined>;
  /** queued → running (startedAt kept from the first start); the job as stored after. */
  start(tenantId: string, jobId: string, at: string): Promise<MetaJob | undefined>;
  /** One page of a walk after `cursor` (the last key read): records, and the last key if there may be more. */
  page(tenantId: string, type: string, phase: WalkPhase, cursor: Record<string, string> | undefined, limit: number): Promise<{ records: StoredRecord[]; last?: Record<string, string> }>;
  /** The record as stored now (consistent read), after a conflict. */
  record(tenantId: string, type: string, id: string): Promise<StoredRecord | undefined>;
  /** Takes the field off one record with what it leaves around; false when the record changed since it was read. */
  clear(tenantId: string, type: string, jobId: string, field: string, record: StoredRecord, plan: RecordPurge): Promise<boolean>;
  /** Index items of the field left after the walk (none, unless a write raced a purge that was not known yet). */
  leftoverIndex(tenantId: string, type: string, field: string, limit: number): Promise<{ sk: string }[]>;
  deleteIndex(tenantId: string, type: string, field: string, sks: readonly string[]): Promise<void>;
  /**
   * The job's next position and counts, if the job is still at `step` (else false: another worker moved it).
   * `continuation`: an outbox event written with it, so the walk goes on in a fresh invocation.
   */
  checkpoint(tenantId: string, job: MetaJob, next: Pick<MetaJob, 'phase' | 'cursor' | 'examined'>, continuation?: DomainEvent): Promise<boolean>;
  /**
   * The end: the field item deleted (if it is still purging for this job), the metadata version moved, the
   * job done, the purged-name marker, the audit entry and `metadata.field_purged`; false if the job was done already.
   */
  finish(tenantId: string, job: MetaJob, metadataVersion: number, at: string, audit: AuditEntry, event: DomainEvent): Promise<'done' | 'version-moved' | 'job-moved'>;
  /** The tenant's metadata version now (consistent). */
  metadataVersion(tenantId: string): Promise<number>;
  fail(tenantId: string, jobId: string, at: string, error: string): Promise<void>;
}

const strip = (item: Item): StoredRecord => {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, entityType: _g, ...rest } = item;
  return rest as StoredRecord;
};

export class DynamoPurgeStore implements PurgeStore {
  constructor(private readonly client = documentClient, private readonly table = tableName()) {}

  async job(tenantId: string, jobId: string): Promise<MetaJob | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: keys.metaJobs(tenantId), sk: keys.metaJobSk(jobId) }, ConsistentRead: true }));
    return Item ? metaJobCodec.decode(Item) : undefined;
  }

  async start(tenantId: string, jobId: string, at: string): Promise<MetaJob | undefined> {
    try {
      const res = await this.client.send(new UpdateCommand({
        TableName: this.table, Key: { pk: keys.metaJobs(tenantId), sk: keys.metaJobSk(jobId) },
        UpdateExpression: 'SET #status = :running, startedAt = if_not_exists(startedAt, :at)',
        ConditionExpression: '#status IN (:queued, :running)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':at': at },
        ReturnValues: 'ALL_NEW',
      }));
      return res.Attributes ? metaJobCodec.decode(res.Attributes) : undefined;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return this.job(tenantId, jobId);
      throw error;
    }
  }

  async page(tenantId: string, type: string, phase: WalkPhase, cursor: Record<string, string> | undefined, limit: number) {
    const live = phase === 'live';
    const res = await this.client.send(new QueryCommand({
      TableName: this.table, IndexName: live ? 'GSI2' : 'GSI1',
      KeyConditionExpression: live ? 'gsi2pk = :pk' : 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': live ? keys.list(tenantId, type) : keys.trash(tenantId, type) },
      Limit: limit, ...(cursor ? { ExclusiveStartKey: cursor } : {}),
    }));
    const records = (res.Items ?? []).filter((i) => i.entityType === type && i.sk === keys.recordSk).map(strip);
    return { records, ...(res.LastEvaluatedKey ? { last: res.LastEvaluatedKey as Record<string, string> } : {}) };
  }

  async record(tenantId: string, type: string, id: string): Promise<StoredRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: keys.record(tenantId, type, id), sk: keys.recordSk }, ConsistentRead: true }));
    return Item && Item.entityType === type ? recordCodec.decode(Item) : undefined;
  }

  async clear(tenantId: string, type: string, jobId: string, field: string, record: StoredRecord, plan: RecordPurge): Promise<boolean> {
    const T = this.table;
    const key = { pk: keys.record(tenantId, type, record.id), sk: keys.recordSk };
    // The record keeps its version: nothing a user sees changed (the field is gone from metadata), and a
    // write that read it before stays valid (the record service strips a purging field's value itself).
    const items: TransactItem[] = [plan.hadValue
      ? {
          Update: {
            // The value still there, too: a second worker on the job (a duplicate delivery) counts no record twice.
            TableName: T, Key: key, UpdateExpression: 'REMOVE #f', ConditionExpression: '#v = :v AND attribute_exists(#f)',
            ExpressionAttributeNames: { '#f': field, '#v': 'version' }, ExpressionAttributeValues: { ':v': record.version },
          },
        }
      : {
          ConditionCheck: {
            TableName: T, Key: key, ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': record.version },
          },
        }];
    for (const token of plan.tokensRemoved) items.push({ Delete: { TableName: T, Key: { pk: keys.search(tenantId, type), sk: keys.searchSk(token, record.id) } } });
    for (const e of plan.indexRemoved) items.push({ Delete: { TableName: T, Key: { pk: keys.listIndex(tenantId, type, e.field), sk: e.sk } } });
    for (const e of plan.indexPut) items.push({ Put: { TableName: T, Item: listIndexCodec.encode({ id: record.id }, { tenantId, type, field: e.field, sk: e.sk }) } });
    for (const l of plan.linksRemoved) items.push({ Delete: { TableName: T, Key: { pk: keys.record(tenantId, l.parentType, l.parentId), sk: keys.childSk(type, record.id) } } });
    for (const l of plan.linksPut) {
      items.push({ Put: { TableName: T, Item: { ...l.summary, pk: keys.record(tenantId, l.parentType, l.parentId), sk: keys.childSk(type, record.id), entityType: 'link', type } } });
    }
    if (plan.hadValue) {
      // Counted in the record's own transaction: exact whatever crashes after it.
      items.push({
        Update: {
          TableName: T, Key: { pk: keys.metaJobs(tenantId), sk: keys.metaJobSk(jobId) },
          UpdateExpression: 'ADD cleared :one', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':one': 1 },
        },
      });
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
        if (reasons.some((r) => r.Code === 'TransactionConflict') && attempt < 5) {
          await new Promise((r) => setTimeout(r, 20 * (attempt + 1) + Math.random() * 20));
          continue;
        }
        throw error;
      }
    }
  }

  async leftoverIndex(tenantId: string, type: string, field: string, limit: number): Promise<{ sk: string }[]> {
    const res = await this.client.send(new QueryCommand({
      TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.listIndex(tenantId, type, field) },
      ProjectionExpression: 'sk', Limit: limit, ConsistentRead: true,
    }));
    return (res.Items ?? []).map((i) => ({ sk: String(i.sk) }));
  }

  async deleteIndex(tenantId: string, type: string, field: string, sks: readonly string[]): Promise<void> {
    const pk = keys.listIndex(tenantId, type, field);
    await Promise.all(sks.map((sk) => this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk, sk } }))));
  }

  async checkpoint(tenantId: string, job: MetaJob, next: Pick<MetaJob, 'phase' | 'cursor' | 'examined'>, continuation?: DomainEvent): Promise<boolean> {
    const update = {
      TableName: this.table, Key: { pk: keys.metaJobs(tenantId), sk: keys.metaJobSk(job.id) },
      UpdateExpression: `SET phase = :phase, examined = :examined, step = :next${next.cursor ? ', #cursor = :cursor' : ''}${next.cursor ? '' : ' REMOVE #cursor'}`,
      ConditionExpression: 'step = :step AND #status = :running',
      ExpressionAttributeNames: { '#cursor': 'cursor', '#status': 'status' },
      ExpressionAttributeValues: {
        ':phase': next.phase, ':examined': next.examined, ':next': job.step + 1, ':step': job.step, ':running': 'running',
        ...(next.cursor ? { ':cursor': next.cursor } : {}),
      },
    };
    try {
      if (continuation) {
        await this.client.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, { Put: { TableName: this.table, Item: outboxEventCodec.encode(continuation) } }] }));
      } else {
        await this.client.send(new UpdateCommand(update));
      }
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async metadataVersion(tenantId: string): Promise<number> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: keys.meta(tenantId), sk: keys.metaVersionSk }, ConsistentRead: true }));
    return typeof Item?.version === 'number' ? Item.version : 0;
  }

  async finish(tenantId: string, job: MetaJob, metadataVersion: number, at: string, audit: AuditEntry, event: DomainEvent): Promise<'done' | 'version-moved' | 'job-moved'> {
    const T = this.table;
    const marker: PurgedField = { object: job.object, field: job.field, jobId: job.id, purgedAt: at };
    try {
      await this.client.send(new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: T, Key: { pk: keys.metaJobs(tenantId), sk: keys.metaJobSk(job.id) },
              UpdateExpression: 'SET #status = :done, finishedAt = :at, step = :next REMOVE #cursor',
              ConditionExpression: 'step = :step AND #status = :running',
              ExpressionAttributeNames: { '#status': 'status', '#cursor': 'cursor' },
              ExpressionAttributeValues: { ':done': 'done', ':at': at, ':next': job.step + 1, ':step': job.step, ':running': 'running' },
            },
          },
          {
            Delete: {
              TableName: T, Key: { pk: keys.meta(tenantId), sk: keys.metaFieldSk(job.object, job.field) },
              ConditionExpression: '#state = :purging AND purgeJobId = :job',
              ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':purging': 'purging', ':job': job.id },
            },
          },
          {
            // Every container's metadata cache sees the field gone at its next version check; an admin's change
            // decided on the version before this one fails (409) as against any other change.
            Update: {
              TableName: T, Key: { pk: keys.meta(tenantId), sk: keys.metaVersionSk },
              UpdateExpression: 'SET #v = :next, updatedAt = :at, updatedBy = :by', ConditionExpression: '#v = :seen',
              ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':next': metadataVersion + 1, ':seen': metadataVersion, ':at': at, ':by': event.actor.id },
            },
          },
          { Put: { TableName: T, Item: purgedFieldCodec.encode(marker, { tenantId }) } },
          { Put: { TableName: T, Item: auditCodec.encode(audit, { tenantId }) } },
          { Put: { TableName: T, Item: outboxEventCodec.encode(event) } },
        ],
      }));
      return 'done';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed' || reasons[1]?.Code === 'ConditionalCheckFailed') return 'job-moved';
      if (reasons[2]?.Code === 'ConditionalCheckFailed' || reasons.some((r) => r.Code === 'TransactionConflict')) return 'version-moved';
      throw error;
    }
  }

  async fail(tenantId: string, jobId: string, at: string, error: string): Promise<void> {
    await this.client.send(new UpdateCommand({
      TableName: this.table, Key: { pk: keys.metaJobs(tenantId), sk: keys.metaJobSk(jobId) },
      UpdateExpression: 'SET #status = :failed, finishedAt = :at, #error = :error', ConditionExpression: '#status IN (:queued, :running)',
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
      ExpressionAttributeValues: { ':failed': 'failed', ':at': at, ':error': error.slice(0, 500), ':queued': 'queued', ':running': 'running' },
    })).catch((e: Error) => { if (e.name !== 'ConditionalCheckFailedException') throw e; });
  }
}
