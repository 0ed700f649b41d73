import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionDeclaration } from '../declarations/functions.ts';
import { ROOT, lambdaArn } from './config.ts';

/**
 * In-process "Lambda": each declared function's `entry` is imported lazily once and cached (a warm
 * container), then invoked with a real-shaped event and a Lambda Context. Every invocation is counted
 * (so the clock endpoint can wait for quiet) and logged for `GET /_local/invocations`.
 */
type Handler = (event: unknown, context: Context) => Promise<unknown>;

const functions = new Map<string, FunctionDeclaration>();
const loaded = new Map<string, Promise<Handler>>();
let inFlight = 0;
let idleWaiters: (() => void)[] = [];

export interface InvocationRecord {
  readonly id: string;
  readonly functionName: string;
  readonly trigger: string;
  readonly at: string;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly event: unknown;
  readonly result?: unknown;
}
const invocations: InvocationRecord[] = [];

export function registerFunction(fn: FunctionDeclaration): void {
  const seen = functions.get(fn.name);
  if (seen && seen.entry !== fn.entry) throw new Error(`Function ${fn.name} is declared twice with different entries`);
  functions.set(fn.name, fn);
}

export const findFunction = (name: string) => functions.get(name);
export const functionNameFromArn = (arn: string | undefined) => /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(arn ?? '')?.[1];

async function load(fn: FunctionDeclaration): Promise<Handler> {
  let p = loaded.get(fn.name);
  if (!p) {
    p = import(pathToFileURL(resolve(ROOT, fn.entry)).href).then((mod: { handler?: Handler }) => {
      if (typeof mod.handler !== 'function') throw new Error(`${fn.entry} exports no handler`);
      return mod.handler;
    });
    p.catch(() => loaded.delete(fn.name));
    loaded.set(fn.name, p);
  }
  return p;
}

function contextFor(fn: FunctionDeclaration, requestId: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: lambdaArn(fn.name),
    memoryLimitInMB: String(fn.memoryMb ?? 1024),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - performance.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Invokes a declared function synchronously (RequestResponse); throws what the handler threw, or on timeout. */
export async function invoke(fn: FunctionDeclaration, event: unknown, trigger: string): Promise<unknown> {
  inFlight++;
  const started = performance.now();
  const at = new Date().toISOString();
  const id = randomUUID();
  const timeoutMs = (fn.timeoutSeconds ?? 30) * 1000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const handler = await load(fn);
    const result = await Promise.race([
      handler(event, contextFor(fn, id, started + timeoutMs)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Task timed out after ${fn.timeoutSeconds ?? 30}.00 seconds`)), timeoutMs);
      }),
    ]);
    record({ id, functionName: fn.name, trigger, at, durationMs: Math.round(performance.now() - started), ok: true, event, result });
    return result;
  } catch (error) {
    record({ id, functionName: fn.name, trigger, at, durationMs: Math.round(performance.now() - started), ok: false, error: String((error as Error)?.stack ?? error), event });
    throw error;
  } finally {
    clearTimeout(timer);
    inFlight--;
    if (inFlight === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** Kept for `GET /_local/invocations` with credentials redacted (the handler got the real event). */
function record(r: InvocationRecord): void {
  invocations.push({ ...r, event: redact(r.event), ...(r.result !== undefined ? { result: redact(r.result) } : {}) });
  if (invocations.length > 2000) invocations.splice(0, invocations.length - 2000);
}

export const REDACTED = '[redacted]';
/** Header and field names whose values are credentials: bearer tokens, cookies, signatures, passwords, secrets. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-amz-security-token)$|signature/i;
const SECRET_FIELD = /passw(or)?d|secret|^(id|access|refresh|session)?_?token$|api_?key|signature|^cookies?$|^authorization$/i;

/**
 * A copy of an invocation's event or result with credentials replaced by `[redacted]`: `Authorization`
 * keeps its scheme (`Bearer [redacted]`), cookies keep their names, JSON bodies lose password/secret/token
 * fields. Nothing else changes, so the record still shows what happened.
 */
export function redact(value: unknown, key = '', seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') {
    if (/^authorization$/i.test(key)) return value.replace(/^(\S+\s+)?\S.*$/s, (_m, scheme: string | undefined) => `${scheme ?? ''}${REDACTED}`);
    if (/^cookies$/i.test(key)) return value.replace(/=.*$/s, `=${REDACTED}`);
    if (SECRET_HEADER.test(key) || SECRET_FIELD.test(key)) return REDACTED;
    if (key === 'body' && /^\s*[{[]/.test(value)) {
      try {
        const parsed: unknown = JSON.parse(value);
        const cleaned = redact(parsed, '', seen);
        return JSON.stringify(cleaned) === JSON.stringify(parsed) ? value : JSON.stringify(cleaned);
      } catch {
        return value;
      }
    }
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, /^(cookies|set-cookie)$/i.test(key) ? 'cookies' : '', seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = Array.isArray(v) && (SECRET_HEADER.test(k) || SECRET_FIELD.test(k)) && !/^(cookies|set-cookie)$/i.test(k) ? v.map(() => REDACTED) : redact(v, k, seen);
  }
  return out;
}

/** Work started outside an invocation that must count as "busy" too (retry back-offs, pending deliveries). */
export async function track<T>(work: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await work();
  } finally {
    inFlight--;
    if (inFlight === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

export const busy = () => inFlight > 0;
export const whenIdle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r)));

export function listInvocations(functionName?: string | null): InvocationRecord[] {
  return functionName ? invocations.filter((i) => i.functionName === functionName) : [...invocations];
}
