import { randomUUID } from 'node:crypto';
import { OUTBOX_SK } from '../../contracts/outbox.ts';
import { join } from 'node:path';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record, type AttributeValue, type Shard } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { FunctionDeclaration } from '../declarations/functions.ts';
import { ACCOUNT_ID, REGION, lambdaArn } from './config.ts';
import { writeFileDurably } from './delivery-journal.ts';
import { invoke } from './lambda.ts';
import { readJson } from './store.ts';

/**
 * The table stream → forwarder event source mapping, as deployed (infra/stacks/events-stack.ts:
 * BatchSize 100, BisectBatchOnFunctionError, ReportBatchItemFailures, MaximumRetryAttempts 10,
 * MaximumRecordAgeInSeconds 1 day, an on-failure destination). Polls DynamoDB Local's stream (~every
 * 100 ms), follows new and closed shards (parents first), applies the mapping's filter (INSERTs of
 * `~event` items only) and invokes the forwarder with a DynamoDBStreamEvent in the AWS shape.
 *
 * A shard's checkpoint (persisted, fsync'd) moves past a record only once the forwarder's invocation for
 * it succeeded, or once it went to the on-failure destination: records are never skipped unrecorded, and
 * a restart resumes after the checkpoint (records after it may be delivered twice; the forwarder's
 * consumers dedupe on the outbox event id). Failures, as Lambda handles them:
 *  - a partial batch response checkpoints before the lowest failed sequence number and retries from
 *    there ("split at the returned sequence number"); an empty, missing or unknown itemIdentifier fails
 *    the whole batch (docs: services-ddb-batchfailurereporting);
 *  - a failing batch of more than one record is bisected, which costs no retry (docs:
 *    services-dynamodb-errors); a failing single record is retried up to MaximumRetryAttempts, then its
 *    batch info goes to the on-failure destination (condition RetryAttemptsExhausted, or
 *    RecordAgeExceeded once it is older than MaximumRecordAgeInSeconds) and the shard moves on.
 * The destination is DATA_DIR/stream-failures.json (`failures`); besides AWS's metadata each entry
 * carries the records themselves (`records`), as an S3 destination would, so a poison record can be read.
 */
interface Checkpoints {
  streamArn?: string;
  shards: Record<string, { sequenceNumber?: string; done?: boolean }>;
}

/** The on-failure destination's invocation record (AWS shape) plus, locally, the records themselves. */
export interface StreamFailure {
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: 'Unhandled' };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord?: string;
    approximateArrivalOfLastRecord?: string;
    batchSize: number;
    streamArn: string;
  };
  /** Local only: the failed records and the last error. */
  records: DynamoDBRecord[];
  error?: string;
}

export interface StreamMappingOptions {
  /** MaximumRetryAttempts (events-stack.ts FORWARDER_RETRY_ATTEMPTS). */
  maxRetries?: number;
  /** MaximumRecordAgeInSeconds; -1 is infinite, as in Lambda. */
  maxRecordAgeSeconds?: number;
  bisectBatchOnFunctionError?: boolean;
  /** First back-off between retries of a failing record (doubles, at most 1 s); tests use 0. */
  retryDelayMs?: number;
}

const BATCH_SIZE = 100;

export const outboxFilter = (r: _Record) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.sk?.S === OUTBOX_SK;

/** The wall clock, not the runtime's movable one: DynamoDB Local stamps records with real time. */
const realNow = () => performance.timeOrigin + performance.now();

/**
 * DynamoDB Local writes an empty map in a stream record as `{}` instead of `{"M":{}}` (GetItem answers
 * it correctly), which no AttributeValue reader accepts: a lead posted with `"utm":{}` became a poison
 * record. DynamoDB Streams sends `{"M":{}}`; so does this.
 */
export function repairImage(image: Record<string, AttributeValue> | undefined): Record<string, AttributeValue> | undefined {
  if (!image) return image;
  const fix = (v: AttributeValue): AttributeValue => {
    if (v && typeof v === 'object' && Object.keys(v).length === 0) return { M: {} };
    if (v?.M) return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, fix(x)])) };
    if (v?.L) return { L: v.L.map(fix) };
    return v;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, fix(v)]));
}

/** `arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/<label>` → the same ARN in the runtime's region and account. */
export function awsStreamArn(localArn: string): string {
  const m = /^arn:aws:dynamodb:[^:]*:[^:]*:(table\/.+)$/.exec(localArn);
  return m ? `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:${m[1]}` : localArn;
}

interface Pending {
  seq: string;
  record: DynamoDBRecord;
}

const isoSeconds = (epochSeconds: number | undefined) => (epochSeconds === undefined ? undefined : new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export class StreamPoller {
  private readonly client: DynamoDBStreamsClient;
  private readonly file: string;
  private readonly failuresFile: string;
  private cp: Checkpoints;
  private iterators = new Map<string, string>();
  private shards: Shard[] = [];
  private lastDescribe = 0;
  private stopped = false;
  private running?: Promise<void>;
  private readonly recordArn: string;
  private readonly options: Required<StreamMappingOptions>;
  /** The on-failure destination: batches that kept failing, oldest first. */
  readonly failures: StreamFailure[];
  /** Polls completed in which every open shard answered with no records. */
  quietPolls = 0;
  processed = 0;
  private failuresInARow = 0;

  constructor(endpoint: string, private readonly streamArn: string, private readonly target: FunctionDeclaration, dataDir: string, client?: DynamoDBStreamsClient, options: StreamMappingOptions = {}) {
    this.client = client ?? new DynamoDBStreamsClient({ endpoint, region: REGION });
    this.file = join(dataDir, 'stream-checkpoints.json');
    this.failuresFile = join(dataDir, 'stream-failures.json');
    this.recordArn = awsStreamArn(streamArn);
    this.options = { maxRetries: 10, maxRecordAgeSeconds: 86_400, bisectBatchOnFunctionError: true, retryDelayMs: 50, ...options };
    this.cp = readJson<Checkpoints>(this.file, { shards: {} });
    this.failures = readJson<StreamFailure[]>(this.failuresFile, []);
    // A new table (fresh DynamoDB Local data) has a new stream: old checkpoints mean nothing.
    if (this.cp.streamArn !== streamArn) this.cp = { streamArn, shards: {} };
    this.save();
  }

  private save() {
    writeFileDurably(this.file, JSON.stringify(this.cp, null, 1));
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
      if (this.stopped) break;
      const id = shard.ShardId!;
      if (this.cp.shards[id]?.done) continue;
      // Children wait until their parent is fully read (order within a key is preserved).
      if (shard.ParentShardId && known.has(shard.ParentShardId) && !this.cp.shards[shard.ParentShardId]?.done) continue;
      const iterator = this.iterators.get(id) ?? (await this.iteratorFor(id));
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
      if (records.length && !(await this.deliver(id, records))) {
        this.iterators.delete(id); // stopped midway: the next start re-reads from the checkpoint
        continue;
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

  /**
   * Hands the records to the forwarder in batches of BATCH_SIZE read records; returns false only when the
   * poller was stopped before they were all handled (nothing past the checkpoint is lost).
   */
  private async deliver(shardId: string, records: _Record[]): Promise<boolean> {
    for (let i = 0; i < records.length; i += BATCH_SIZE) {
      const batch = records.slice(i, i + BATCH_SIZE);
      const wanted = batch.filter(outboxFilter).map((r) => ({ seq: r.dynamodb!.SequenceNumber!, record: this.toLambdaRecord(r) }));
      if (wanted.length && !(await this.invokeWithRetries(shardId, wanted))) return false;
      this.checkpoint(shardId, batch[batch.length - 1]!.dynamodb!.SequenceNumber!);
      this.processed += batch.length;
    }
    return true;
  }

  /** One mapping batch through partial responses, bisection, retries and the on-failure destination. */
  private async invokeWithRetries(shardId: string, batch: Pending[]): Promise<boolean> {
    const work: Pending[][] = [batch];
    while (work.length) {
      let current = work.shift()!;
      let retries = 0;
      let invocations = 0;
      for (;;) {
        if (this.stopped) return false;
        let failedAt: number | undefined;
        let functionError: string | undefined;
        invocations++;
        try {
          const res = (await invoke(this.target, { Records: current.map((p) => p.record) }, 'dynamodb-stream')) as DynamoDBBatchResponse | undefined | null;
          const failures = res?.batchItemFailures ?? [];
          if (failures.length) {
            const index = new Map(current.map((p, i) => [p.seq, i]));
            const positions = failures.map((f) => (typeof f?.itemIdentifier === 'string' ? index.get(f.itemIdentifier) : undefined));
            // An empty, missing or unknown identifier fails the whole batch; otherwise the lowest sequence number wins.
            failedAt = positions.some((p) => p === undefined) ? 0 : Math.min(...(positions as number[]));
          }
        } catch (error) {
          functionError = String((error as Error)?.message ?? error);
          failedAt = 0;
        }
        if (failedAt === undefined) break;
        if (failedAt > 0) {
          // Split at the returned sequence number: what came before it succeeded.
          this.checkpoint(shardId, current[failedAt - 1]!.seq);
          current = current.slice(failedAt);
          continue;
        }
        if (this.options.bisectBatchOnFunctionError && current.length > 1) {
          const half = Math.ceil(current.length / 2);
          work.unshift(current.slice(0, half), current.slice(half));
          break;
        }
        retries++;
        const created = current[0]!.record.dynamodb?.ApproximateCreationDateTime;
        const tooOld = created !== undefined && this.options.maxRecordAgeSeconds >= 0 && realNow() / 1000 - created > this.options.maxRecordAgeSeconds;
        if (retries > this.options.maxRetries || tooOld) {
          this.toFailureDestination(shardId, current, tooOld ? 'RecordAgeExceeded' : 'RetryAttemptsExhausted', invocations, functionError);
          break;
        }
        await new Promise((r) => setTimeout(r, Math.min(this.options.retryDelayMs * 2 ** (retries - 1), 1000)));
      }
    }
    return true;
  }

  private toFailureDestination(shardId: string, batch: Pending[], condition: StreamFailure['requestContext']['condition'], invocations: number, functionError: string | undefined): void {
    const first = batch[0]!;
    const last = batch[batch.length - 1]!;
    console.error(`[local] stream records ${first.seq}..${last.seq} failed after ${invocations} invocation(s) (${condition}); sent to the on-failure destination (GET /_aws/stream/failures)`);
    this.failures.push({
      requestContext: { requestId: randomUUID(), functionArn: lambdaArn(this.target.name), condition, approximateInvokeCount: invocations },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(functionError ? { functionError: 'Unhandled' as const } : {}) },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first.seq,
        endSequenceNumber: last.seq,
        ...(first.record.dynamodb?.ApproximateCreationDateTime !== undefined ? { approximateArrivalOfFirstRecord: isoSeconds(first.record.dynamodb.ApproximateCreationDateTime) } : {}),
        ...(last.record.dynamodb?.ApproximateCreationDateTime !== undefined ? { approximateArrivalOfLastRecord: isoSeconds(last.record.dynamodb.ApproximateCreationDateTime) } : {}),
        batchSize: batch.length,
        streamArn: this.recordArn,
      },
      records: batch.map((p) => p.record),
      ...(functionError ? { error: functionError } : {}),
    });
    writeFileDurably(this.failuresFile, JSON.stringify(this.failures, null, 1));
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
        Keys: repairImage(d.Keys as never) as never,
        ...(d.NewImage ? { NewImage: repairImage(d.NewImage as never) as never } : {}),
        ...(d.OldImage ? { OldImage: repairImage(d.OldImage as never) as never } : {}),
        SequenceNumber: d.SequenceNumber,
        SizeBytes: d.SizeBytes,
        StreamViewType: d.StreamViewType as never,
      },
      eventSourceARN: this.recordArn,
    } as DynamoDBRecord;
  }
}
