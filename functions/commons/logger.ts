import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs (PLT-9) through Powertools' Logger, loaded on the first log line rather than at
 * cold start: a request handler that succeeds logs nothing, and the Logger module is the largest part of
 * our init time after the AWS SDK (see docs/performance.md). Await each call so the line is written before
 * the invocation ends.
 */
let instance: Promise<Logger> | undefined;
const load = () =>
  (instance ??= import('@aws-lambda-powertools/logger').then(({ Logger }) => new Logger({ serviceName: 'cirrus-crm' })));

type Extra = Record<string, unknown>;

/**
 * Keys that every log line of the current invocation carries (its `correlation_id`), set by
 * withObservability() in observability.ts. They are merged into each line rather than given to the
 * Logger's appendKeys(): appendKeys lives on the one Logger of the container and is only scoped per
 * invocation on Lambda managed instances, while the local runtime runs concurrent invocations of every
 * function in one process; an AsyncLocalStorage keeps each invocation's keys its own in both.
 */
export const logContext = new AsyncLocalStorage<Readonly<Extra>>();

const line = (level: 'info' | 'warn' | 'error') => async (message: string, extra: Extra = {}) => {
  const keys = logContext.getStore();
  (await load())[level](message, keys ? { ...keys, ...extra } : extra);
};

export const logger = {
  info: line('info'),
  warn: line('warn'),
  error: line('error'),
};
