import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { EVENT_SOURCE } from '#contracts/events.ts';
import { logger } from '#commons/logger.ts';

const events = new EventBridgeClient({});

/**
 * The outbox relay (rule 4): every outbox item a transaction wrote reaches the bus exactly as stored.
 * Entries that fail are reported back so the stream retries from them; consumers dedupe on eventId.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const outbox: { record: DynamoDBRecord; entry: PutEventsRequestEntry }[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image || image.sk?.S !== '~event') continue;
    const { pk: _pk, sk: _sk, entityType: _t, expiresAt: _e, ...detail } = unmarshall(image as Parameters<typeof unmarshall>[0]);
    outbox.push({
      record,
      entry: {
        EventBusName: process.env.EVENT_BUS_NAME,
        Source: EVENT_SOURCE,
        DetailType: String(detail.name),
        Time: new Date(String(detail.occurredAt)),
        Detail: JSON.stringify(detail),
      },
    });
  }
  const failures: string[] = [];
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
  // The stream resumes from the earliest failure, so report it first.
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}
