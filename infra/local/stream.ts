import { join } from 'node:path';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record, type Shard } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { FunctionDeclaration } from '../declarations/functions.ts';
import { REGION } from './config.ts';
import { invoke } from './lambda.ts';
import { readJson, writeJson } from './store.ts';

/**
 * The table stream → forwarder event source mapping: polls DynamoDB Local's stream (~every 100 ms),
 * follows new and closed shards (parents first), applies the mapping's filter (INSERTs of `~event` items
 * only), invokes the forwarder with a DynamoDBStreamEvent and honours `batchItemFailures` by retrying
 * from the first failed record. Checkpoints (last processed sequence number per shard) are persisted, so
 * a restart neither loses nor replays records.
 */
interface Checkpoints {
  streamArn?: string;
  shards: Record<string, { sequenceNumber?: string; done?: boolean }>;
}

const BATCH_SIZE = 100;
const MAX_RETRIES = 10;

export const outboxFilter = (r: _Record) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.sk?.S === '~event';

export class StreamPoller {
  private readonly client: DynamoDBStreamsClient;
  private readonly file: string;
  private cp: Checkpoints;
  private iterators = new Map<string, string>();
  private shards: Shard[] = [];
  private lastDescribe = 0;
  private stopped = false;
  private running?: Promise<void>;
  /** Polls completed in which every open shard answered with no records. */
  quietPolls = 0;
  processed = 0;
  private failuresInARow = 0;

  constructor(endpoint: string, private readonly streamArn: string, private readonly target: FunctionDeclaration, dataDir: string, client?: DynamoDBStreamsClient) {
    this.client = client ?? new DynamoDBStreamsClient({ endpoint, region: REGION });
    this.file = join(dataDir, 'stream-checkpoints.json');
    this.cp = readJson<Checkpoints>(this.file, { shards: {} });
    // A new table (fresh DynamoDB Local data) has a new stream: old checkpoints mean nothing.
    if (this.cp.streamArn !== streamArn) this.cp = { streamArn, shards: {} };
    this.save();
  }

  private save() {
    writeJson(this.file, this.cp);
  }

  start(): void {
    const loop = async () => {
      while (!this.stopped) {
        try {
          const got = await this.pollOnce();
          this.failuresInARow = 0;
          if (got === 0) this.quietPolls++;
        } catch (error) {
          if (this.stopped) break;
          if (++this.failuresInARow % 50 === 1) console.error('[local] stream poller:', (error as Error).message);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    this.running = loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.client.destroy();
  }

  /** Resolves after `n` quiet polls in a row that follow the call (the stream has been drained). */
  async waitQuiet(n = 2, timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let base = this.quietPolls;
    let processed = this.processed;
    while (performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      if (this.processed !== processed) {
        processed = this.processed;
        base = this.quietPolls;
      } else if (this.quietPolls >= base + n) return;
    }
  }

  private async describe(): Promise<void> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const res = await this.client.send(new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }));
      shards.push(...(res.StreamDescription?.Shards ?? []));
      start = res.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    this.shards = shards;
    this.lastDescribe = performance.now();
  }

  private async iteratorFor(shardId: string): Promise<string | undefined> {
    const seq = this.cp.shards[shardId]?.sequenceNumber;
    const res = await this.client.send(new GetShardIteratorCommand(seq
      ? { StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: seq }
      : { StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
    return res.ShardIterator;
  }

  /** One pass over the readable shards; returns how many records were read. */
  async pollOnce(): Promise<number> {
    if (this.shards.length === 0 || performance.now() - this.lastDescribe > 1000) await this.describe();
    let read = 0;
    const known = new Set(this.shards.map((s) => s.ShardId!));
    for (const shard of this.shards) {
      const id = shard.ShardId!;
      if (this.cp.shards[id]?.done) continue;
      // Children wait until their parent is fully read (order within a key is preserved).
      if (shard.ParentShardId && known.has(shard.ParentShardId) && !this.cp.shards[shard.ParentShardId]?.done) continue;
      let iterator = this.iterators.get(id) ?? (await this.iteratorFor(id));
      if (!iterator) {
        this.markDone(id);
        continue;
      }
      let res;
      try {
        res = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') {
          this.iterators.delete(id);
          continue;
        }
        if (name === 'ResourceNotFoundException') {
          this.markDone(id);
          continue;
        }
        throw error;
      }
      const records = res.Records ?? [];
      read += records.length;
      if (records.length) {
        const ok = await this.deliver(id, records);
        if (!ok) continue; // iterator reset to the failed record; retry on the next poll
      }
      if (res.NextShardIterator) this.iterators.set(id, res.NextShardIterator);
      else this.markDone(id);
    }
    return read;
  }

  private markDone(id: string) {
    this.iterators.delete(id);
    this.cp.shards[id] = { ...this.cp.shards[id], done: true };
    this.save();
  }

  private checkpoint(id: string, seq: string) {
    this.cp.shards[id] = { ...this.cp.shards[id], sequenceNumber: seq };
    this.save();
  }

  private retries = new Map<string, number>();

  /** Sends the filtered records in batches; false when a batch failed (the iterator restarts at the failure). */
  private async deliver(shardId: string, records: _Record[]): Promise<boolean> {
    for (let i = 0; i < records.length; i += BATCH_SIZE) {
      const batch = records.slice(i, i + BATCH_SIZE);
      const wanted = batch.filter(outboxFilter);
      let failedAt: string | undefined;
      if (wanted.length) {
        try {
          const res = (await invoke(this.target, { Records: wanted.map((r) => this.toLambdaRecord(r)) }, 'dynamodb-stream')) as DynamoDBBatchResponse | undefined;
          const failedIds = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
          failedAt = wanted.find((r) => failedIds.has(r.dynamodb!.SequenceNumber!))?.dynamodb?.SequenceNumber;
          if (!failedAt && failedIds.size) failedAt = wanted[0]!.dynamodb!.SequenceNumber; // unknown id: whole batch failed
        } catch {
          failedAt = wanted[0]!.dynamodb!.SequenceNumber;
        }
      }
      if (failedAt) {
        const n = (this.retries.get(failedAt) ?? 0) + 1;
        this.retries.set(failedAt, n);
        const before = batch[batch.findIndex((r) => r.dynamodb!.SequenceNumber === failedAt) - 1];
        if (before) this.checkpoint(shardId, before.dynamodb!.SequenceNumber!);
        if (n <= MAX_RETRIES) {
          this.iterators.delete(shardId); // re-read from the checkpoint, i.e. from the failed record
          await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** n, 2000)));
          return false;
        }
        console.error(`[local] stream record ${failedAt} failed ${n} times; skipped (the deployed mapping sends it to the forwarder DLQ)`);
        this.retries.delete(failedAt);
      }
      this.checkpoint(shardId, batch[batch.length - 1]!.dynamodb!.SequenceNumber!);
      this.processed += batch.length;
    }
    return true;
  }

  private toLambdaRecord(r: _Record): DynamoDBRecord {
    const d = r.dynamodb!;
    const created = d.ApproximateCreationDateTime;
    return {
      eventID: r.eventID,
      eventName: r.eventName,
      eventVersion: r.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      dynamodb: {
        ...(created ? { ApproximateCreationDateTime: Math.floor((created instanceof Date ? created.getTime() : Number(created) * 1000) / 1000) } : {}),
        Keys: d.Keys as never,
        ...(d.NewImage ? { NewImage: d.NewImage as never } : {}),
        ...(d.OldImage ? { OldImage: d.OldImage as never } : {}),
        SequenceNumber: d.SequenceNumber,
        SizeBytes: d.SizeBytes,
        StreamViewType: d.StreamViewType as never,
      },
      eventSourceARN: this.streamArn,
    } as DynamoDBRecord;
  }
}
