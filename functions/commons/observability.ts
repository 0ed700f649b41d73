import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { logContext, logger } from './logger.ts';

/**
 * Operations (PLT-9): a correlation id per invocation, EMF metrics and X-Ray subsegments, next to the Logger.
 *
 * Like the Logger, Powertools' Tracer and Metrics are imported on first use, never at module load, so a
 * function's init stays what it was (docs/performance.md): the Tracer when the first invocation that carries
 * an X-Ray trace (`_X_AMZN_TRACE_ID`, set by Lambda for every invocation) starts, Metrics only when an
 * invocation recorded a metric. Whether tracing is then on is Powertools' own, env-driven decision: it traces
 * in Lambda (`AWS_EXECUTION_ENV` set, function tracing Active) unless `POWERTOOLS_TRACE_ENABLED=false`;
 * without a trace id (the local runtime, tests) there is nothing to join, the Tracer is not even loaded and
 * nothing talks to an X-Ray daemon. Metrics print EMF lines to stdout, which CloudWatch turns into
 * metrics (namespace Cirrus); `POWERTOOLS_METRICS_DISABLED=true` (or `POWERTOOLS_DEV=true`) silences them.
 *
 *   export const handler = withObservability(async (event) => { ... });
 *   metric('LeadAssigned', 'Count', 1, { rule: ruleId });   // flushed when the invocation ends
 *   await traced('assignment rules', () => decide(lead));    // a subsegment of the handler's
 *   correlationId();                                         // put it into outbox events and email headers
 */

export const SERVICE_NAME = 'cirrus-crm';
export const METRICS_NAMESPACE = 'Cirrus';
export const CORRELATION_HEADER = 'x-correlation-id';

export type MetricUnit = Parameters<Metrics['addMetric']>[1];
export type Dimensions = Readonly<Record<string, string>>;

interface MetricEntry {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly value: number;
  readonly dimensions?: Dimensions;
}

interface Invocation {
  readonly correlationId: string;
  readonly metrics: MetricEntry[];
}

const invocation = new AsyncLocalStorage<Invocation>();

// ---------------------------------------------------------------------------------------------------------
// Correlation id

/**
 * What a correlation id may look like: it goes into log lines, event details and email headers, so a
 * caller-supplied value is only taken when it is short and has no spaces, separators or control characters.
 */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+=/-]{0,127}$/;

const safe = (value: unknown): string | undefined => (typeof value === 'string' && SAFE_ID.test(value) ? value : undefined);

function header(headers: unknown, name: string): unknown {
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/**
 * The correlation id an event carries, first match wins:
 * - an API Gateway request: its `x-correlation-id` header, else the API Gateway `requestContext.requestId`;
 * - an EventBridge event: `detail.correlationId` (copied from the outbox item), else the event's `id`;
 * - a Scheduler target or a direct invocation: the input's top-level `correlationId`;
 * - otherwise the Lambda request id (or a new UUID when there is no context).
 */
export function correlationIdOf(event: unknown, context?: Pick<Context, 'awsRequestId'>): string {
  const e = (event && typeof event === 'object' ? event : {}) as Record<string, unknown>;
  const detail = e.detail && typeof e.detail === 'object' ? (e.detail as Record<string, unknown>) : undefined;
  const requestContext = e.requestContext && typeof e.requestContext === 'object' ? (e.requestContext as Record<string, unknown>) : undefined;
  const isEventBridge = typeof e['detail-type'] === 'string';
  return (
    safe(header(e.headers, CORRELATION_HEADER)) ??
    safe(requestContext?.requestId) ??
    safe(detail?.correlationId) ??
    (isEventBridge ? safe(e.id) : undefined) ??
    safe(e.correlationId) ??
    safe(context?.awsRequestId) ??
    randomUUID()
  );
}

/** The correlation id of the invocation this code runs in (undefined outside withObservability). */
export function correlationId(): string | undefined {
  return invocation.getStore()?.correlationId;
}

/**
 * Runs `fn` under another correlation id, e.g. per record in a batch whose records carry their own
 * (the stream forwarder's outbox items); log lines and metrics inside it carry that id.
 */
export function withCorrelationId<T>(id: string, fn: () => Promise<T>): Promise<T> {
  const metrics = invocation.getStore()?.metrics ?? orphanMetrics;
  const keys = { ...logContext.getStore(), correlation_id: id };
  return invocation.run({ correlationId: id, metrics }, () => logContext.run(keys, fn));
}

// ---------------------------------------------------------------------------------------------------------
// Metrics (EMF)

/** Metrics recorded outside a wrapped invocation (scripts, tests); written by flushMetrics(). */
const orphanMetrics: MetricEntry[] = [];

let metricsInstance: Promise<Metrics> | undefined;
const loadMetrics = () =>
  (metricsInstance ??= import('@aws-lambda-powertools/metrics').then(
    ({ Metrics }) => new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  ));

/**
 * Records a metric for the current invocation; it is written (one EMF line per dimension set) when the
 * invocation ends. Dimensions besides `service` are optional; keep their values few (each combination is a
 * CloudWatch metric of its own), never ids of records or users.
 */
export function metric(name: string, unit: MetricUnit, value: number, dimensions?: Dimensions): void {
  (invocation.getStore()?.metrics ?? orphanMetrics).push({ name, unit, value, ...(dimensions ? { dimensions } : {}) });
}

async function publish(entries: MetricEntry[]): Promise<void> {
  if (!entries.length) return;
  const batch = entries.splice(0, entries.length);
  try {
    const metrics = await loadMetrics();
    // From here on synchronous, so concurrent invocations in one process (the local runtime) never mix
    // their dimensions on the shared Metrics object.
    const groups = new Map<string, MetricEntry[]>();
    for (const e of batch) {
      const key = JSON.stringify(Object.entries(e.dimensions ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    for (const group of groups.values()) {
      if (group[0]!.dimensions) metrics.addDimensions({ ...group[0]!.dimensions });
      for (const e of group) metrics.addMetric(e.name, e.unit, e.value);
      metrics.publishStoredMetrics();
    }
  } catch (error) {
    // A metric that cannot be written must not fail the invocation it describes.
    await logger.warn('metrics not published', { error: error as Error, metrics: batch.map((e) => e.name) });
  }
}

/** Writes the metrics recorded so far in this invocation (or outside any); withObservability calls it at the end. */
export function flushMetrics(): Promise<void> {
  return publish(invocation.getStore()?.metrics ?? orphanMetrics);
}

// ---------------------------------------------------------------------------------------------------------
// Tracing (X-Ray)

let tracerInstance: Promise<Tracer> | undefined;
/** AWS SDK clients created at init, captured once the Tracer is loaded (if tracing is enabled). */
const untracedClients = new Set<object>();
let loadedTracer: Tracer | undefined;

/** The Tracer, when this invocation has an X-Ray trace to add subsegments to; undefined otherwise. */
const tracerForInvocation = async (): Promise<Tracer | undefined> => (process.env._X_AMZN_TRACE_ID ? loadTracer() : undefined);

const loadTracer = () =>
  (tracerInstance ??= import('@aws-lambda-powertools/tracer').then(({ Tracer }) => {
    const tracer = new Tracer({ serviceName: SERVICE_NAME });
    loadedTracer = tracer;
    for (const client of untracedClients) tracer.captureAWSv3Client(client);
    untracedClients.clear();
    return tracer;
  }));

/**
 * Marks an AWS SDK v3 client for X-Ray: every call it makes becomes a subsegment once the Tracer is loaded
 * (at the start of the first traced invocation). Returns the client itself, so it wraps a constructor call.
 */
export function traceClient<T extends object>(client: T): T {
  if (loadedTracer) loadedTracer.captureAWSv3Client(client);
  else untracedClients.add(client);
  return client;
}

/** Runs `fn` in an X-Ray subsegment named `name` (errors recorded on it); just runs it when tracing is off. */
export async function traced<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const tracer = await tracerForInvocation();
  if (!tracer?.isTracingEnabled()) return fn();
  return tracer.provider.captureAsyncFunc(name, async (subsegment?: { close(): void }) => {
    try {
      return await fn();
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment?.close();
    }
  }) as Promise<T>;
}

// ---------------------------------------------------------------------------------------------------------
// The wrapper

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

function isHttpResult(event: unknown, result: unknown): result is { statusCode: number; headers?: Record<string, unknown> } {
  const requestContext = (event as { requestContext?: { http?: unknown } } | null)?.requestContext;
  return !!requestContext?.http && !!result && typeof result === 'object' && typeof (result as { statusCode?: unknown }).statusCode === 'number';
}

/**
 * Wraps a Lambda handler (a middy handler or a plain async function): the invocation gets its correlation
 * id (in every log line as `correlation_id`, from correlationId(), and in an HTTP answer's
 * `x-correlation-id` header), SDK calls and the handler become X-Ray subsegments when tracing is on, and the
 * metrics it recorded are written when it ends, whether it returned or threw.
 */
export function withObservability<E, R>(handler: Handler<E, R>): Handler<E, R> {
  return async (event, context) => {
    const state: Invocation = { correlationId: correlationIdOf(event, context), metrics: [] };
    return invocation.run(state, () =>
      logContext.run({ correlation_id: state.correlationId }, async () => {
        try {
          const tracer = await tracerForInvocation();
          const result = tracer?.isTracingEnabled()
            ? await traceHandler(tracer, state.correlationId, () => handler(event, context))
            : await handler(event, context);
          if (isHttpResult(event, result)) {
            const headers = result.headers ?? {};
            if (!Object.keys(headers).some((k) => k.toLowerCase() === CORRELATION_HEADER)) {
              return { ...result, headers: { ...headers, [CORRELATION_HEADER]: state.correlationId } } as R;
            }
          }
          return result;
        } finally {
          await publish(state.metrics);
        }
      }),
    );
  };
}

/** The handler's subsegment, as Powertools' captureLambdaHandler makes it (without the response as metadata: it holds customer data). */
function traceHandler<R>(tracer: Tracer, id: string, run: () => Promise<R>): Promise<R> {
  return tracer.provider.captureAsyncFunc(`## ${process.env._HANDLER ?? 'handler'}`, async (subsegment?: { close(): void }) => {
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    tracer.putAnnotation('correlation_id', id);
    try {
      return await run();
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment?.close();
    }
  }) as Promise<R>;
}
