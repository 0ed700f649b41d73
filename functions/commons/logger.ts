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

export const logger = {
  info: async (message: string, extra: Extra = {}) => (await load()).info(message, extra),
  warn: async (message: string, extra: Extra = {}) => (await load()).warn(message, extra),
  error: async (message: string, extra: Extra = {}) => (await load()).error(message, extra),
};
