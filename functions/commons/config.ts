import { scheduleTargetEnvName } from '#contracts/schedules.ts';

/**
 * The one typed view of a function's configuration (the environment the CDK and the local runtime give it,
 * docs/deploying.md). Nothing else in functions/ reads process.env: a missing name fails here, with the
 * name, on first use — not as `undefined` deep inside an SDK call.
 */
type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string, why: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (${why})`);
  return value;
}

export function configFrom(env: Env) {
  return {
    /** The single table. */
    tableName: () => required(env, 'TABLE_NAME', 'every function with table access gets it'),
    /** The Cirrus bus the outbox relay puts events on. */
    eventBusName: () => required(env, 'EVENT_BUS_NAME', 'the outbox relay needs it'),
    /** Where one-time schedules (call-back timers...) are created, and the role Scheduler assumes. */
    schedules: () => ({
      groupName: required(env, 'SCHEDULE_GROUP_NAME', 'functions with schedules access get it'),
      roleArn: required(env, 'SCHEDULER_ROLE_ARN', 'functions with schedules access get it'),
    }),
    /** The Lambda ARN of a declared schedule target (contracts/schedules.ts). */
    scheduleTargetArn: (name: string) => required(env, scheduleTargetEnvName(name), `the ARN of schedule target ${name}`),
    /** Sender and configuration set of emails (functions with sendEmail access). */
    mail: () => ({
      from: required(env, 'MAIL_FROM', 'functions with sendEmail access get it'),
      ...(env.SES_CONFIGURATION_SET ? { configurationSet: env.SES_CONFIGURATION_SET } : {}),
    }),
    /** The web app's URL, or the SSM parameter holding it (known only after the first deploy). */
    appUrl: (): { url: string } | { parameter: string } | undefined =>
      env.APP_URL ? { url: env.APP_URL.replace(/\/$/, '') } : env.APP_URL_PARAMETER ? { parameter: env.APP_URL_PARAMETER } : undefined,
    /** Tenant files (functions with files access). */
    files: () => ({
      bucket: required(env, 'FILES_BUCKET', 'the function does not declare access.files'),
      forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    }),
  };
}

/** The running function's configuration. */
export const config = configFrom(process.env);
export type Config = ReturnType<typeof configFrom>;
