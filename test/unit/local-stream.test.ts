import { mkdtempSync, rmSync } from 'node:fs';
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
      eventID: 'e1', eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', eventSourceARN: ARN,
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
});
