import { resolve } from 'node:path';

/** Fixed names of the local deployment; the same values reach the handlers through process.env. */
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';
export const USER_POOL_ID = 'local_cirrus';
export const USER_POOL_CLIENT_ID = 'cirrus-local-client';
export const TABLE_NAME = 'cirrus-local';
export const EVENT_BUS_NAME = 'cirrus-local-bus';
export const SCHEDULE_GROUP_NAME = 'cirrus-local-schedules';
export const SCHEDULER_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/cirrus-local-scheduler`;
export const SES_CONFIGURATION_SET = 'cirrus-local';
export const MAIL_FROM = 'no-reply@cirrus.local';
export const ROOT = resolve(import.meta.dirname, '../..');

export const lambdaArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;

export interface RuntimeConfig {
  readonly port: number;
  readonly host: string;
  /** The URL the browser uses; the Cognito issuer and APP_URL derive from it, never from a request's Host. */
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly inMemoryDynamo: boolean;
  readonly issuer: string;
  /** The SMTP listener of SES receiving (support email); undefined when SMTP_PORT=off. */
  readonly smtpPort: number | undefined;
}

export function readConfig(env = process.env): RuntimeConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  const smtp = env.SMTP_PORT ?? '2525';
  const smtpPort = smtp === 'off' ? undefined : Number(smtp);
  if (smtpPort !== undefined && (!Number.isInteger(smtpPort) || smtpPort < 0 || smtpPort > 65535)) throw new Error(`SMTP_PORT must be a port number or "off", not "${env.SMTP_PORT}"`);
  const publicUrl = (env.CIRRUS_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    publicUrl,
    dataDir: resolve(env.DATA_DIR ?? '.data'),
    inMemoryDynamo: env.CIRRUS_DYNAMODB_IN_MEMORY === '1',
    issuer: `${publicUrl}/${USER_POOL_ID}`,
    smtpPort,
  };
}
