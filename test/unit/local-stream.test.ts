import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamsClient, _Record } from '@aws-sdk/client-dynamodb-streams';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerFunction } from '../../infra/local/lambda.ts';
import { StreamPoller } from '../../infra/local/stream.ts';

/** A fake DynamoDB Streams API over fixed shards: iterators are "<shard>@<index>". */
function fakeStreams(shards: { id: string; parent?: string; closed: boolean; records: _Record[] }[]) {
  return {
    send: async (cmd: { constructor: { name: string }; input: any }) => {
      const input = cmd.input;
      switch (cmd.constructor.name) {
        case 'DescribeStreamCommand':
          return { StreamDescription: { Shards: shards.map((s) => ({ ShardId: s.id, ...(s.parent ? { ParentShardId: s.parent } : {}), SequenceNumberRange: { StartingSequenceNumber: '0', ...(s.closed ? { EndingSequenceNumber: '9' } : {}) } })) } };
        case 'GetShardIteratorCommand': {
          const shard = shards.find((s) => s.id === input.ShardId)!;
          const i = input.ShardIteratorType === 'TRIM_HORIZON' ? 0 : shard.records.findIndex((r) => r.dynamodb!.SequenceNumber === input.SequenceNumber) + 1;
          return { ShardIterator: `${shard.id}@${i}` };
        }
        case 'GetRecordsCommand': {
          const [id, at] = String(input.ShardIterator).split('@') as [string, string];
          const shard = shards.find((s) => s.id === id)!;
          const records = shard.records.slice(Number(at));
          const end = Number(at) + records.length;
          return { Records: records, NextShardIterator: shard.closed && records.length === 0 ? undefined : `${id}@${end}` };
        }
        default:
          throw new Error(cmd.constructor.name);
      }
    },
    destroy: () => undefined,
  } as unknown as DynamoDBStreamsClient;
}

const rec = (seq: string, eventName = 'INSERT', sk = '~event'): _Record => ({
  eventID: `e${seq}`, eventName: eventName as never, eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'ddblocal',
  dynamodb: { ApproximateCreationDateTime: new Date(1_700_000_000_000), Keys: { pk: { S: 'p' }, sk: { S: sk } }, NewImage: { pk: { S: 'p' }, sk: { S: sk } }, SequenceNumber: seq, SizeBytes: 10, StreamViewType: 'NEW_AND_OLD_IMAGES' },
});

const g = globalThis as unknown as { __streamSeen?: string[][]; __failOnce?: Set<string> };
const target = { name: 'test-stream', entry: 'test/support/fixtures/stream-handler.ts', access: {} };
const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/1';
/** What records carry: the same stream in the runtime's region (DynamoDB Local says `ddblocal`). */
const RECORD_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/1';

describe('table stream poller (local runtime)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cirrus-stream-'));
    registerFunction(target);
    g.__streamSeen = [];
    g.__failOnce = new Set();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('filters like the mapping, sends AWS-shaped records and retries from the first failed one', async () => {
    const shards = [{ id: 's1', closed: false, records: [rec('1'), rec('2', 'MODIFY'), rec('3', 'INSERT', '~record'), rec('4'), rec('5'), rec('6')] }];
    g.__failOnce = new Set(['4']);
    const poller = new StreamPoller('', ARN, target, dir, fakeStreams(shards));
    await poller.pollOnce();
    await poller.pollOnce();
    expect(g.__streamSeen).toEqual([['1', '4', '5', '6'], ['4', '5', '6']]);
    await poller.pollOnce();
    expect(g.__streamSeen).toHaveLength(2);
  });

  it('hands the forwarder a DynamoDBStreamEvent in the AWS shape', async () => {
    const shards = [{ id: 's1', closed: false, records: [rec('1')] }];
    const poller = new StreamPoller('', ARN, target, dir, fakeStreams(shards));
    await poller.pollOnce();
    const { listInvocations } = await import('../../infra/local/lambda.ts');
    const last = listInvocations('test-stream').at(-1)!;
    expect(last.event).toEqual({ Records: [{
      eventID: 'e1', eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', eventSourceARN: RECORD_ARN,
      dynamodb: { ApproximateCreationDateTime: 1_700_000_000, Keys: { pk: { S: 'p' }, sk: { S: '~event' } }, NewImage: { pk: { S: 'p' }, sk: { S: '~event' } }, SequenceNumber: '1', SizeBytes: 10, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }] });
  });

  it('reads a closed parent before its child and resumes from the checkpoint after a restart', async () => {
    const shards = [
      { id: 'child', parent: 'parent', closed: false, records: [rec('3')] },
      { id: 'parent', closed: true, records: [rec('1'), rec('2')] },
    ];
    const first = new StreamPoller('', ARN, target, dir, fakeStreams(shards));
    for (let i = 0; i < 3; i++) await first.pollOnce();
    expect(g.__streamSeen!.flat()).toEqual(['1', '2', '3']);
    shards[0]!.records.push(rec('4'));
    const restarted = new StreamPoller('', ARN, target, dir, fakeStreams(shards));
    for (let i = 0; i < 3; i++) await restarted.pollOnce();
    expect(g.__streamSeen!.flat()).toEqual(['1', '2', '3', '4']);
  });

  it('gives an empty map as {"M":{}} although DynamoDB Local streams it as {}', async () => {
    const r = rec('1');
    // What DynamoDB Local 2026-01-16 answers GetRecords with for an item holding utm: {} (nested too).
    r.dynamodb!.NewImage = { pk: { S: 'p' }, sk: { S: '~event' }, utm: {} as never, data: { M: { utm: {} as never, tags: { L: [{} as never] } } } };
    const poller = new StreamPoller('', ARN, target, dir, fakeStreams([{ id: 's1', closed: false, records: [r] }]));
    await poller.pollOnce();
    const { listInvocations } = await import('../../infra/local/lambda.ts');
    const image = (listInvocations('test-stream').at(-1)!.event as { Records: { dynamodb: { NewImage: unknown } }[] }).Records[0]!.dynamodb.NewImage;
    expect(image).toEqual({ pk: { S: 'p' }, sk: { S: '~event' }, utm: { M: {} }, data: { M: { utm: { M: {} }, tags: { L: [{ M: {} }] } } } });
  });

  it('retries only from the reported record, then sends a record that keeps failing to the on-failure destination and moves on', async () => {
    const records = ['1', '2', '3', '4', '5', '6'].map((n) => rec(n));
    // '3' fails every time (a poison record); the fixture reports what __failOnce.delete() accepts.
    g.__failOnce = { delete: (s: string) => s === '3' } as unknown as Set<string>;
    const poller = new StreamPoller('', ARN, target, dir, fakeStreams([{ id: 's1', closed: false, records }]), { retryDelayMs: 0, maxRetries: 3, maxRecordAgeSeconds: -1 });
    await poller.pollOnce();
    const seen = g.__streamSeen!;
    expect(seen[0]).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(seen[1]).toEqual(['3', '4', '5', '6']); // checkpoint before the lowest failure, retry from it
    // Bisected until '3' stands alone; it then gets its 3 retries (4 invocations) and nothing after it is held back.
    expect(seen.filter((b) => b.length === 1 && b[0] === '3')).toHaveLength(4);
    expect(seen.flat().filter((s) => s !== '3')).toEqual(expect.arrayContaining(['1', '2', '4', '5', '6']));
    expect(poller.failures).toHaveLength(1);
    const f = poller.failures[0]!;
    expect(f.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test-stream', approximateInvokeCount: 4 });
    expect(f.responseContext.functionError).toBeUndefined();
    expect(f.DDBStreamBatchInfo).toMatchObject({ shardId: 's1', startSequenceNumber: '3', endSequenceNumber: '3', batchSize: 1, streamArn: RECORD_ARN });
    expect(f.records.map((r) => r.dynamodb!.SequenceNumber)).toEqual(['3']);

    // The destination and the checkpoint are on disk: a restart neither redelivers nor forgets.
    const before = seen.length;
    const restarted = new StreamPoller('', ARN, target, dir, fakeStreams([{ id: 's1', closed: false, records }]), { retryDelayMs: 0 });
    await restarted.pollOnce();
    expect(g.__streamSeen!.length).toBe(before);
    expect(restarted.failures.map((x) => x.DDBStreamBatchInfo.startSequenceNumber)).toEqual(['3']);
  });

  it('bisects a batch whose invocation throws until the failing record is isolated', async () => {
    const file = join(dir, 'throwing-handler.mjs');
    writeFileSync(file, `export async function handler(event) {
      const seqs = event.Records.map((r) => r.dynamodb.SequenceNumber);
      (globalThis.__throwSeen ??= []).push(seqs);
      if (seqs.includes('5')) throw new Error('cannot read record 5');
      return {};
    }`);
    const thrower = { name: 'test-stream-throws', entry: file, access: {} };
    registerFunction(thrower);
    const seen: string[][] = ((globalThis as { __throwSeen?: string[][] }).__throwSeen = []);
    const records = ['1', '2', '3', '4', '5', '6', '7', '8'].map((n) => rec(n));
    const poller = new StreamPoller('', ARN, thrower, dir, fakeStreams([{ id: 's1', closed: false, records }]), { retryDelayMs: 0, maxRetries: 2, maxRecordAgeSeconds: -1 });
    await poller.pollOnce();
    // [1..8] → [1..4] ok, [5..8] → [5,6] → [5] ×3 (1 + 2 retries) → dead-lettered; [6] ok; [7,8] ok.
    expect(seen).toEqual([['1', '2', '3', '4', '5', '6', '7', '8'], ['1', '2', '3', '4'], ['5', '6', '7', '8'], ['5', '6'], ['5'], ['5'], ['5'], ['6'], ['7', '8']]);
    expect(poller.failures.map((f) => [f.DDBStreamBatchInfo.startSequenceNumber, f.responseContext.functionError, f.error])).toEqual([['5', 'Unhandled', 'cannot read record 5']]);
  });

  it('gives up on a failing record older than MaximumRecordAgeInSeconds at once (RecordAgeExceeded)', async () => {
    g.__failOnce = { delete: (s: string) => s === '1' } as unknown as Set<string>;
    // rec() is stamped 2023-11-14, far older than the deployed mapping's one day.
    const poller = new StreamPoller('', ARN, target, dir, fakeStreams([{ id: 's1', closed: false, records: [rec('1')] }]), { retryDelayMs: 0 });
    await poller.pollOnce();
    expect(g.__streamSeen).toEqual([['1']]);
    expect(poller.failures.map((f) => [f.requestContext.condition, f.DDBStreamBatchInfo.approximateArrivalOfFirstRecord])).toEqual([['RecordAgeExceeded', '2023-11-14T22:13:20Z']]);
  });

  it('does not move the checkpoint past a batch that was never forwarded (stopped while retrying)', async () => {
    g.__failOnce = { delete: (s: string) => s === '2' } as unknown as Set<string>;
    const records = [rec('1'), rec('2')];
    const poller = new StreamPoller('', ARN, target, dir, fakeStreams([{ id: 's1', closed: false, records }]), { retryDelayMs: 200, maxRecordAgeSeconds: -1 });
    const polling = poller.pollOnce();
    await new Promise((r) => setTimeout(r, 50));
    await poller.stop();
    await polling;
    g.__failOnce = new Set();
    g.__streamSeen = [];
    const restarted = new StreamPoller('', ARN, target, dir, fakeStreams([{ id: 's1', closed: false, records }]));
    await restarted.pollOnce();
    expect(g.__streamSeen).toEqual([['2']]);
  });
});

describe('stream forwarder (functions/platform/stream-forwarder.ts)', () => {
  it('reports only the record it cannot read and forwards the others', async () => {
    const received: { DetailType: string; Detail: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const entries = JSON.parse(body).Entries as { DetailType: string; Detail: string }[];
        received.push(...entries);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `ev${i}` })) }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${(server.address() as { port: number }).port}`, AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', EVENT_BUS_NAME: 'bus', POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    try {
      const { handler } = await import('../../functions/platform/stream-forwarder.ts');
      const outbox = (seq: string, extra: Record<string, unknown> = {}) => ({
        eventName: 'INSERT', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1',
        dynamodb: { SequenceNumber: seq, Keys: { pk: { S: 'T#t#lead#1' }, sk: { S: '~event' } }, NewImage: { pk: { S: 'T#t#lead#1' }, sk: { S: '~event' }, name: { S: 'lead.created' }, occurredAt: { S: '2025-01-01T00:00:00Z' }, eventId: { S: `e${seq}` }, ...extra } },
      });
      const out = await handler({ Records: [outbox('10'), outbox('11', { data: { M: { utm: {} } } }), outbox('12', { data: { M: { utm: { M: {} } } } })] } as never, {} as never);
      expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: '11' }] });
      expect(received.map((e) => JSON.parse(e.Detail).eventId)).toEqual(['e10', 'e12']);
      expect(JSON.parse(received[1]!.Detail).data).toEqual({ utm: {} });
    } finally {
      process.env = saved;
      server.close();
    }
  });
});
