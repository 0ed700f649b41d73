import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (PLT-9), one logger per function container. */
export const logger = new Logger({ serviceName: 'cirrus-crm' });
