import type { Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/commons/logger.ts';
import {
  correlationId,
  correlationIdOf,
  flushMetrics,
  metric,
  traceClient,
  traced,
  withCorrelationId,
  withObservability,
} from '../../functions/commons/observability.ts';

/** What Powertools' Logger and Metrics print (stdout; warnings and errors on stderr): one JSON object a line. */
let lines: Record<string, any>[];
beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const l of String(chunk).split('\n')) if (l.trim().startsWith('{')) lines.push(JSON.parse(l));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.AWS_EXECUTION_ENV;
  delete process.env._X_AMZN_TRACE_ID;
});

const context = (awsRequestId = 'lambda-request-1') => ({ awsRequestId }) as Context;
const httpEvent = (headers: Record<string, string> = {}, requestId = 'apigw-req-1') => ({
  headers,
  requestContext: { requestId, http: { method: 'GET', path: '/api/contacts' } },
});
const bridgeEvent = (detail: Record<string, unknown>) => ({ id: 'eb-event-1', 'detail-type': 'lead.created', source: 'cirrus.crm', detail });
const emf = () => lines.filter((l) => l._aws);
const logs = () => lines.filter((l) => l.message);
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('correlation id of an incoming event', () => {
  it('takes the x-correlation-id header of a request (any case), else API Gateway\'s requestId', () => {
    expect(correlationIdOf(httpEvent({ 'x-correlation-id': 'web-7f3a' }), context())).toBe('web-7f3a');
    expect(correlationIdOf(httpEvent({ 'X-Correlation-Id': 'web-7f3b' }), context())).toBe('web-7f3b');
    expect(correlationIdOf(httpEvent(), context())).toBe('apigw-req-1');
  });

  it('ignores a header that could break a log line or an email header, and falls back to the requestId', () => {
    for (const bad of ['a\r\nBcc: x@example.org', 'has space', 'a;b', '', 'x'.repeat(129), '-leading-dash']) {
      expect(correlationIdOf(httpEvent({ 'x-correlation-id': bad }), context()), JSON.stringify(bad)).toBe('apigw-req-1');
    }
    expect(correlationIdOf(httpEvent({ 'x-correlation-id': 'x'.repeat(128) }), context())).toBe('x'.repeat(128));
  });

  it('takes detail.correlationId of an EventBridge event, else the event id', () => {
    expect(correlationIdOf(bridgeEvent({ correlationId: 'web-7f3a', tenantId: 't' }), context())).toBe('web-7f3a');
    expect(correlationIdOf(bridgeEvent({ tenantId: 't' }), context())).toBe('eb-event-1');
  });

  it('takes a Scheduler input\'s correlationId, else the Lambda request id', () => {
    expect(correlationIdOf({ tenantId: 't', leadId: 'l', correlationId: 'web-7f3a' }, context())).toBe('web-7f3a');
    expect(correlationIdOf({ tenantId: 't', leadId: 'l' }, context('lambda-request-9'))).toBe('lambda-request-9');
    expect(correlationIdOf(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('withObservability', () => {
  it('puts the invocation\'s correlation id into every log line, also when invocations overlap', async () => {
    const handler = withObservability(async (event: { n: number; correlationId: string }) => {
      await logger.info('started', { n: event.n });
      await tick();
      await logger.warn('finished', { n: event.n });
      return correlationId();
    });
    const results = await Promise.all([1, 2, 3].map((n) => handler({ n, correlationId: `req-${n}` }, context())));
    expect(results).toEqual(['req-1', 'req-2', 'req-3']);
    expect(logs()).toHaveLength(6);
    for (const l of logs()) expect(l.correlation_id).toBe(`req-${l.n}`);
    expect(correlationId()).toBeUndefined();
  });

  it('answers an HTTP request with its correlation id in x-correlation-id (unless the handler set one)', async () => {
    const handler = withObservability(async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' }));
    const echoed = await handler(httpEvent({ 'x-correlation-id': 'web-7f3a' }), context());
    expect(echoed.headers).toEqual({ 'content-type': 'application/json', 'x-correlation-id': 'web-7f3a' });
    expect((await handler(httpEvent(), context())).headers).toMatchObject({ 'x-correlation-id': 'apigw-req-1' });
    const own = withObservability(async () => ({ statusCode: 204, headers: { 'X-Correlation-Id': 'mine' } }));
    expect((await own(httpEvent({ 'x-correlation-id': 'web-7f3a' }), context())).headers).toEqual({ 'X-Correlation-Id': 'mine' });
    // Not an HTTP event: the result is returned as it is.
    expect(await withObservability(async () => ({ statusCode: 1 }))(bridgeEvent({}), context())).toEqual({ statusCode: 1 });
  });

  it('writes the recorded metrics as EMF when the invocation ends, one line per dimension set, nothing when none', async () => {
    const handler = withObservability(async (event: { rule?: string }) => {
      metric('LeadAssigned', 'Count', 1, event.rule ? { rule: event.rule } : undefined);
      metric('AssignmentLatency', 'Milliseconds', 42);
      await tick();
      expect(emf()).toEqual([]); // not before the end
      return 'ok';
    });
    await handler({ rule: 'china' }, context());
    expect(emf()).toHaveLength(2);
    const plain = emf().find((l) => !l.rule)!;
    const byRule = emf().find((l) => l.rule)!;
    expect(plain._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Cirrus',
      Dimensions: [['service']],
      Metrics: expect.arrayContaining([{ Name: 'AssignmentLatency', Unit: 'Milliseconds' }]),
    });
    expect(plain).toMatchObject({ service: 'cirrus-crm', AssignmentLatency: 42 });
    expect(byRule._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'rule']]);
    expect(byRule).toMatchObject({ rule: 'china', LeadAssigned: 1 });

    lines.length = 0;
    await withObservability(async () => 'no metrics')({}, context());
    expect(lines).toEqual([]); // no empty EMF line, no "No application metrics" warning
  });

  it('keeps overlapping invocations\' metrics and dimensions apart, and writes them when the handler throws', async () => {
    const handler = withObservability(async (event: { rule: string; fail?: boolean }) => {
      metric('LeadAssigned', 'Count', 1, { rule: event.rule });
      await tick();
      if (event.fail) throw new Error('boom');
      return event.rule;
    });
    const results = await Promise.allSettled([handler({ rule: 'a' }, context()), handler({ rule: 'b', fail: true }, context())]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(emf().map((l) => [l.rule, l.LeadAssigned, l._aws.CloudWatchMetrics[0].Dimensions])).toEqual([
      ['a', 1, [['service', 'rule']]],
      ['b', 1, [['service', 'rule']]],
    ]);
  });

  it('a metric that cannot be written is logged, not thrown', async () => {
    const handler = withObservability(async () => {
      metric('Broken', 'Parsecs' as 'Count', 1);
      return 'still ok';
    });
    expect(await handler({}, context('lambda-request-2'))).toBe('still ok');
    expect(logs()).toEqual([expect.objectContaining({ level: 'WARN', message: 'metrics not published', correlation_id: 'lambda-request-2' })]);
  });

  it('withCorrelationId runs a part of a batch under its record\'s id', async () => {
    const handler = withObservability(async () => {
      const ids = await Promise.all(['rec-1', 'rec-2'].map((id) => withCorrelationId(id, async () => {
        await logger.info('record');
        return correlationId();
      })));
      await logger.info('batch');
      return ids;
    });
    expect(await handler({ correlationId: 'batch-1' }, context())).toEqual(['rec-1', 'rec-2']);
    expect(logs().map((l) => l.correlation_id)).toEqual(['rec-1', 'rec-2', 'batch-1']);
  });

  it('metrics recorded outside an invocation wait for flushMetrics()', async () => {
    metric('ImportedRows', 'Count', 3);
    expect(emf()).toEqual([]);
    await flushMetrics();
    expect(emf()).toEqual([expect.objectContaining({ ImportedRows: 3 })]);
  });
});

describe('tracing follows Powertools\' own configuration', () => {
  it('outside Lambda (no trace id, no AWS_EXECUTION_ENV, no X-Ray daemon) it is off: no SDK middleware, traced() just runs', async () => {
    const client = traceClient(new DynamoDBClient({ region: 'us-east-1' }));
    const handler = withObservability(async () => traced('work', async () => 'done'));
    expect(await handler({}, context())).toBe('done');
    expect(client.middlewareStack.identify().join(' ')).not.toMatch(/XRay/i);
    await expect(withObservability(async () => traced('fails', async () => { throw new Error('boom'); }))({}, context())).rejects.toThrow('boom');
  });

  it('in Lambda it captures the clients registered at init, once the first invocation loads the Tracer', async () => {
    vi.resetModules();
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0';
    const fresh = await import('../../functions/commons/observability.ts');
    const early = fresh.traceClient(new DynamoDBClient({ region: 'us-east-1' }));
    expect(early.middlewareStack.identify().join(' ')).not.toMatch(/XRay/i); // nothing loaded at init
    await fresh.traced('load', async () => undefined).catch(() => undefined);
    expect(early.middlewareStack.identify().join(' ')).toMatch(/XRaySDKInstrumentation/);
    const late = fresh.traceClient(new DynamoDBClient({ region: 'us-east-1' }));
    expect(late.middlewareStack.identify().join(' ')).toMatch(/XRaySDKInstrumentation/);
  });

  it('POWERTOOLS_TRACE_ENABLED=false turns it off in Lambda too', async () => {
    vi.resetModules();
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    process.env.POWERTOOLS_TRACE_ENABLED = 'false';
    try {
      const fresh = await import('../../functions/commons/observability.ts');
      const client = fresh.traceClient(new DynamoDBClient({ region: 'us-east-1' }));
      expect(await fresh.withObservability(async () => fresh.traced('work', async () => 'done'))({}, context())).toBe('done');
      expect(client.middlewareStack.identify().join(' ')).not.toMatch(/XRay/i);
    } finally {
      delete process.env.POWERTOOLS_TRACE_ENABLED;
    }
  });
});
