import { existsSync } from 'node:fs';
import path from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { grantFiles } from './files-access.ts';
import { acknowledge, iam5ResourceFinding, type Acknowledgement } from './nag.ts';
import { Construct } from 'constructs';
import { scheduleTargetEnvName, type FunctionDeclaration } from '../declarations/index.ts';

export const DEFAULT_MEMORY_MB = 512;
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const SERVICE_NAME = 'cirrus-crm';

/** Table read: single items, batches, queries (TransactGetItems is authorised as GetItem). */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'] as const;
/** Table write, including what TransactWriteItems is authorised as (Put/Update/Delete/ConditionCheckItem). */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** Where the bundles of bin/build-functions.ts land; each function deploys dist/functions/<name>. */
export const defaultFunctionsDir = path.resolve(import.meta.dirname, '..', '..', 'dist', 'functions');

/** What every Cirrus function may be wired to. Filled by the stacks; shared by the api and events stacks. */
export interface FunctionContext {
  readonly functionsDir: string;
  readonly table: dynamodb.ITable;
  /** GSI names of the table; functions get Query on exactly these index ARNs (no index/* wildcard). */
  readonly indexNames: readonly string[];
  readonly bus: events.IEventBus;
  readonly scheduleGroupName: string;
  readonly schedulerRole: iam.IRole;
  /** Name → ARN of every schedule target (one-time schedules point at these). */
  readonly scheduleTargetArns: ReadonlyMap<string, string>;
  readonly email: EmailSettings;
  /** The tenant files bucket (functions with `access.files` get FILES_BUCKET and least-privilege grants). */
  readonly filesBucket?: s3.IBucket;
}

export interface EmailSettings {
  readonly mailFrom: string;
  readonly configurationSetName: string;
  /** The CloudFront URL when known at synth (context `appUrl`); otherwise the SSM parameter below. */
  readonly appUrl?: string;
  /** SSM parameter the web stack writes with the CloudFront URL; read at run time when appUrl is unset. */
  readonly appUrlParameterName: string;
}

/** Stable, deploy-wide physical function names are only used where an ARN must be known before creation. */
export function physicalFunctionName(stack: Stack, name: string): string {
  return `${stack.stackName}-${name}`.slice(0, 64);
}

export function functionArn(stack: Stack, functionName: string): string {
  return stack.formatArn({ service: 'lambda', resource: 'function', resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** The environment a function receives (see docs/deploying.md): shared names plus what its `access` needs. */
export function functionEnvironment(decl: FunctionDeclaration, ctx: FunctionContext): Record<string, string> {
  const env: Record<string, string> = {
    TABLE_NAME: ctx.table.tableName,
    EVENT_BUS_NAME: ctx.bus.eventBusName,
    SCHEDULE_GROUP_NAME: ctx.scheduleGroupName,
    SCHEDULER_ROLE_ARN: ctx.schedulerRole.roleArn,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    NODE_OPTIONS: '--enable-source-maps',
  };
  if (decl.access.schedules) {
    for (const [name, arn] of ctx.scheduleTargetArns) env[scheduleTargetEnvName(name)] = arn;
  }
  if (decl.access.files && ctx.filesBucket) env.FILES_BUCKET = ctx.filesBucket.bucketName;
  if (decl.access.sendEmail) {
    env.MAIL_FROM = ctx.email.mailFrom;
    env.SES_CONFIGURATION_SET = ctx.email.configurationSetName;
    if (ctx.email.appUrl) env.APP_URL = ctx.email.appUrl;
    else env.APP_URL_PARAMETER = ctx.email.appUrlParameterName;
  }
  return env;
}

export interface CirrusFunctionProps {
  readonly declaration: FunctionDeclaration;
  readonly context: FunctionContext;
  /** Set when the ARN must be known before the function exists (schedule targets). */
  readonly functionName?: string;
  /** Reason for `Resource::*` when the function needs more than X-Ray there (e.g. dynamodb:ListStreams). */
  readonly wildcardReason?: string;
}

/**
 * One declared function: its own role (least privilege from `access`), its own log group, arm64, Node 22,
 * X-Ray active, code from dist/functions/<name>.
 */
export class CirrusFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly declaration: FunctionDeclaration;

  constructor(scope: Construct, id: string, props: CirrusFunctionProps) {
    super(scope, id);
    const { declaration: decl, context: ctx } = props;
    this.declaration = decl;
    const stack = Stack.of(this);

    const bundle = path.join(ctx.functionsDir, decl.name);
    if (!existsSync(path.join(bundle, 'index.mjs'))) {
      throw new Error(`The bundle of function ${decl.name} is missing (${path.join(bundle, 'index.mjs')}): run npm run build:functions first.`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Our own role instead of the AWSLambdaBasicExecutionRole managed policy: logs go to this log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Cirrus function ${decl.name}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );

    this.fn = new lambda.Function(this, 'Function', {
      description: `Cirrus ${decl.name} (${decl.entry})`,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      code: lambda.Code.fromAsset(bundle, { exclude: ['meta.json'] }),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: decl.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(decl.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup: this.logGroup,
      role: this.role,
      environment: functionEnvironment(decl, ctx),
    });

    const { access } = decl;
    if (access.table) {
      const indexArns = ctx.indexNames.map((name) => `${ctx.table.tableArn}/index/${name}`);
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: access.table === 'readwrite' ? [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS] : [...TABLE_READ_ACTIONS],
          resources: [ctx.table.tableArn],
        }),
      );
      if (indexArns.length) {
        this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
      }
    }
    if (access.putEvents) ctx.bus.grantPutEventsTo(this.role);
    if (access.files) {
      if (!ctx.filesBucket) throw new Error(`Function ${decl.name} declares files access but no files bucket was given`);
      grantFiles(this.role, ctx.filesBucket, access.files);
    }
    const acks: Acknowledgement[] = [
      {
        id: 'AwsSolutions-L1',
        reason: 'Cirrus pins Node.js 22 (nodejs22.x, the Node of package.json and of the local runtime); moving to a newer runtime is a deliberate, tested upgrade.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: props.wildcardReason ??
          'X-Ray active tracing: xray:PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Resource "*").',
      },
    ];
    if (access.schedules) {
      const schedulesArn = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${ctx.scheduleGroupName}/*` });
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
          resources: [schedulesArn],
        }),
      );
      acks.push({
        id: iam5ResourceFinding(this, schedulesArn),
        reason: 'One-time schedules are named at run time (one per timer); access is limited to schedules inside the Cirrus schedule group.',
      });
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [ctx.schedulerRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      );
    }
    if (access.sendEmail) {
      const identitiesArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' });
      acks.push({
        id: iam5ResourceFinding(this, identitiesArn),
        reason: 'SES authorises SendEmail against the identity of the From domain or address, which the operator verifies after deploy; the ses:FromAddress condition pins the sender to MAIL_FROM.',
      });
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            identitiesArn,
            stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: ctx.email.configurationSetName }),
          ],
          conditions: { StringEquals: { 'ses:FromAddress': ctx.email.mailFrom } },
        }),
      );
      if (!ctx.email.appUrl) {
        this.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['ssm:GetParameter'],
            resources: [
              stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: ctx.email.appUrlParameterName.replace(/^\//, '') }),
            ],
          }),
        );
      }
    }

    acknowledge(this, ...acks);
  }
}
