import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { config } from '#commons/config.ts';
import { EVENT_SOURCE } from '#contracts/events.ts';
import { OUTBOX_SK } from '#contracts/outbox.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';

const events = new EventBridgeClient({});

/**
 * The outbox relay (rule 4): every outbox item a transaction wrote reaches the bus exactly as stored.
 * Each record stands alone: one that cannot be read or forwarded is reported by its SequenceNumber
 * (ReportBatchItemFailures) while every other record of the batch is still forwarded, so a poison record
 * never holds the rest back. The mapping checkpoints before the lowest reported record and retries from
 * it (records after it are forwarded again: consumers dedupe on eventId), bisects, and after its retry
 * limit sends the failing record to the on-failure destination.
 */
async function forwardOutbox(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const outbox: { record: DynamoDBRecord; entry: PutEventsRequestEntry }[] = [];
  const failures: string[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image || image.sk?.S !== OUTBOX_SK) continue;
    let entry: PutEventsRequestEntry;
    try {
      const { pk: _pk, sk: _sk, entityType: _t, expiresAt: _e, ...detail } = unmarshall(image as Parameters<typeof unmarshall>[0]);
      const time = new Date(String(detail.occurredAt));
      entry = {
        EventBusName: config.eventBusName(),
        Source: EVENT_SOURCE,
        DetailType: String(detail.name),
        ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
        Detail: JSON.stringify(detail),
      };
    } catch (error) {
      await logger.error('unreadable outbox record', { error: error as Error, sequenceNumber: record.dynamodb?.SequenceNumber });
      failures.push(record.dynamodb!.SequenceNumber!);
      continue;
    }
    outbox.push({ record, entry });
  }
  for (let i = 0; i < outbox.length; i += 10) {
    const batch = outbox.slice(i, i + 10);
    try {
      const res = await events.send(new PutEventsCommand({ Entries: batch.map((b) => b.entry) }));
      res.Entries?.forEach((e, j) => {
        if (e.ErrorCode) failures.push(batch[j]!.record.dynamodb!.SequenceNumber!);
      });
    } catch (error) {
      await logger.error('PutEvents failed', { error: error as Error });
      failures.push(...batch.map((b) => b.record.dynamodb!.SequenceNumber!));
    }
  }
  if (failures.length) await logger.warn('some events not forwarded; the stream will retry', { count: failures.length });
  // The mapping resumes from the lowest reported sequence number, whatever the order.
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** The Lambda handler: correlation id, tracing and metrics around forwardOutbox. */
export const handler = withObservability(forwardOutbox);
