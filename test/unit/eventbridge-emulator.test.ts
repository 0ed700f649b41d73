import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeEmulator } from '../../infra/local/eventbridge.ts';
import { parseJson, readBody, sendAwsJsonError, sendJson } from '../../infra/local/protocol.ts';
import { registerFunction, whenIdle } from '../../infra/local/lambda.ts';
import type { RuleDeclaration } from '../../infra/declarations/events.ts';
import { EVENT_BUS_NAME } from '../../infra/local/config.ts';

/**
 * The EventBridge emulator on the wire (awsJson 1.1, as the runtime serves it), driven by the AWS SDK v3 client.
 * Sources: EventBridge API reference (PutEvents, TestEventPattern), user guide "Calculating PutEvents event entry
 * size" (eb-putevent-size), and AWS answers recorded in github:localstack/localstack
 * tests/aws/services/events/test_events.snapshot.json.
 */
const calls = () => ((globalThis as unknown as { __cirrusCounter?: unknown[] }).__cirrusCounter ??= []);
const counter = { name: 'test-counter', entry: 'test/support/fixtures/counter-handler.ts', access: {} };
const rule = (eventPattern: object): RuleDeclaration => ({
  name: 'r', description: 'test', eventPattern: eventPattern as RuleDeclaration['eventPattern'], target: counter, retryAttempts: 0, maxEventAgeSeconds: 60,
});

let dir: string;
let server: Server;
let emulator: EventBridgeEmulator;
let client: EventBridgeClient;

beforeAll(async () => {
  registerFunction(counter);
  dir = mkdtempSync(join(tmpdir(), 'cirrus-eb-'));
  emulator = new EventBridgeEmulator([rule({ source: ['cirrus.test'], detail: { ip: [{ cidr: '10.0.0.0/8' }] } })], dir, 1);
  server = createServer(async (req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    try {
      sendJson(res, 200, await emulator.handle(operation, parseJson(await readBody(req))), 'application/x-amz-json-1.1');
    } catch (error) {
      sendAwsJsonError(res, error);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  client = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  calls().length = 0;
});

const entry = (extra: Record<string, unknown> = {}) => ({ Source: 'cirrus.test', DetailType: 't', Detail: JSON.stringify({ ip: '10.1.2.3' }), ...extra });
const event = '{"id":"1","source":"s","detail-type":"t","account":"123456789012","region":"us-east-1","time":"2024-01-01T00:00:00Z","detail":{"n":300}}';

describe('EventBridge emulator on the wire', () => {
  it('TestEventPattern refuses an invalid pattern with InvalidEventPatternException (HTTP 400) and AWS\'s message', async () => {
    const error = await client.send(new TestEventPatternCommand({ EventPattern: '{"source": "aws.ec2"}', Event: event })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidEventPatternException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toBe('Event pattern is not valid. Reason: "source" must be an object or an array\n at [Source: (String)"{"source": "aws.ec2"}"; line: 1, column: 13]');
  });

  it('TestEventPattern refuses an Event that is not a full event with ValidationException', async () => {
    const error = await client.send(new TestEventPatternCommand({ EventPattern: '{"source":["s"]}', Event: '{"source":"s"}' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException', message: 'Parameter Event is not valid.', $metadata: { httpStatusCode: 400 } });
  });

  it('TestEventPattern matches numbers by value (300 = 3.0e2) and by the Event text', async () => {
    await expect(client.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"n":[3.0e2]}}', Event: event }))).resolves.toMatchObject({ Result: true });
    await expect(client.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"n":[{"numeric":[">",300]}]}}', Event: event }))).resolves.toMatchObject({ Result: false });
  });

  it('delivers a Cirrus-bus event to a rule using cidr', async () => {
    const out = await client.send(new PutEventsCommand({ Entries: [entry({ EventBusName: EVENT_BUS_NAME })] }));
    expect(out.FailedEntryCount).toBe(0);
    await whenIdle();
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({ source: 'cirrus.test', detail: { ip: '10.1.2.3' } });
  });

  it('does not run the Cirrus bus rules for events on the default bus or an unknown bus, which AWS still accepts', async () => {
    // AWS answers an EventId for a bus that does not exist and delivers it nowhere (test_put_events_nonexistent_event_bus).
    const out = await client.send(new PutEventsCommand({ Entries: [entry(), entry({ EventBusName: 'default' }), entry({ EventBusName: 'no-such-bus' })] }));
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries?.every((e) => typeof e.EventId === 'string')).toBe(true);
    await whenIdle();
    expect(calls()).toHaveLength(0);
  });

  it('sizes entries by the documented sum: a 240 KB Detail is accepted, over 256 KB per request is refused', async () => {
    const big = JSON.stringify({ ip: '10.0.0.1', pad: '"'.repeat(120 * 1024) }); // 240 KB as sent, 480 KB once re-escaped
    expect(Buffer.byteLength(big)).toBeGreaterThan(240 * 1024);
    await expect(client.send(new PutEventsCommand({ Entries: [entry({ EventBusName: EVENT_BUS_NAME, Detail: big })] }))).resolves.toMatchObject({ FailedEntryCount: 0 });
    const half = JSON.stringify({ pad: 'x'.repeat(130 * 1024) });
    const error = await client.send(new PutEventsCommand({ Entries: [entry({ Detail: half }), entry({ Detail: half })] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException', message: 'Total size of the entries in the request is over the limit.', $metadata: { httpStatusCode: 400 } });
    await whenIdle();
  });

  it('counts Time as 14 bytes and Resources by their UTF-8 bytes', () => {
    expect(EventBridgeEmulator.entrySize({ Source: 'é', DetailType: 'ab', Detail: '{}', Resources: ['arn:x', 'ü'], Time: new Date() })).toBe(14 + 2 + 2 + 2 + 5 + 2);
    expect(EventBridgeEmulator.entrySize({ Source: 'a', DetailType: 'b', Detail: '{}' })).toBe(4);
  });

  it('refuses to start with a declared rule whose pattern is invalid, naming the rule in one line', () => {
    const start = () => new EventBridgeEmulator([{ ...rule({ detail: { a: [{ wildcard: 'a**' }] } }), name: 'bad-rule' }], dir);
    expect(start).toThrow(/^EventBridge rule bad-rule has an invalid event pattern: Event pattern is not valid\. Reason: Consecutive wildcard characters at pos 2$/);
  });
});
