import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { OUTBOX_SK } from '../../contracts/outbox.ts';
import { sesEventForwarding as declaredSesForwarding, type BusForwardingDeclaration } from '../declarations/marketing-consent.ts';
import { acknowledge } from './nag.ts';
import type { Construct } from 'constructs';
import {
  inboundMail as declaredInboundMail,
  rules as declaredRules,
  scheduleTargets as declaredScheduleTargets,
  schedules as declaredSchedules,
  streamForwarder as declaredStreamForwarder,
  mergeAccess,
  type EventPattern,
  type FunctionDeclaration,
  type InboundMailDeclaration,
  type RuleDeclaration,
  type ScheduleDeclaration,
} from '../declarations/index.ts';
import {
  CirrusFunction,
  defaultFunctionsDir,
  functionArn,
  physicalFunctionName,
  type EmailSettings,
  type FunctionContext,
} from './function.ts';

/** The event side of the declarations; defaults to infra/declarations/events.ts. */
export interface EventDeclarations {
  readonly streamForwarder: FunctionDeclaration;
  readonly rules: readonly RuleDeclaration[];
  readonly scheduleTargets: readonly FunctionDeclaration[];
  readonly schedules: readonly ScheduleDeclaration[];
  /** Support email in: the SES receipt rule set (needs the files bucket). */
  readonly inboundMail?: InboundMailDeclaration;
  /** SES's configuration-set events: published to the default bus and forwarded from there to the Cirrus bus. */
  readonly sesForwarding?: BusForwardingDeclaration;
}

export const realEventDeclarations: EventDeclarations = {
  inboundMail: declaredInboundMail,
  sesForwarding: declaredSesForwarding,
  streamForwarder: declaredStreamForwarder,
  rules: declaredRules,
  scheduleTargets: declaredScheduleTargets,
  schedules: declaredSchedules,
};

export interface EventsStackProps extends StackProps {
  readonly table: dynamodb.ITable;
  /** GSI names of the table (from the table declaration). */
  readonly indexNames: readonly string[];
  readonly email: EmailSettings;
  readonly filesBucket?: s3.IBucket;
  readonly declarations?: EventDeclarations;
  /** Defaults to dist/functions. */
  readonly functionsDir?: string;
}

/** The outbox relay's stream filter: only INSERTs of outbox items (sk `~event`) invoke the forwarder. */
export const outboxFilter = lambda.FilterCriteria.filter({
  eventName: lambda.FilterRule.isEqual('INSERT'),
  dynamodb: { NewImage: { sk: { S: lambda.FilterRule.isEqual(OUTBOX_SK) } } },
});

/** Retries of the forwarder before a batch is dead-lettered (each retry bisects the batch). */
export const FORWARDER_RETRY_ATTEMPTS = 10;

function ruleEventPattern(pattern: EventPattern): events.EventPattern {
  // The declaration's pattern is EventBridge JSON already; CDK renders these keys as-is.
  return {
    ...(pattern.source ? { source: [...pattern.source] } : {}),
    ...(pattern['detail-type'] ? { detailType: [...pattern['detail-type']] as string[] } : {}),
    ...(pattern.detail ? { detail: pattern.detail as Record<string, unknown> } : {}),
  };
}

/**
 * Custom bus, outbox relay (table stream → forwarder → bus), one rule per declared rule with a per-target DLQ,
 * and the Scheduler group, role and recurring schedules. Functions used by rules and schedules live here;
 * the routes' deploy units live in the api stack.
 */
export class EventsStack extends Stack {
  readonly bus: events.EventBus;
  readonly scheduleGroupName: string;
  readonly scheduleGroup: scheduler.CfnScheduleGroup;
  readonly schedulerRole: iam.Role;
  readonly schedulesDeadLetterQueue: sqs.Queue;
  /** Declared function name → physical Lambda name of every schedule target (their ARNs go into env). */
  readonly scheduleTargetFunctionNames: ReadonlyMap<string, string>;
  /** Every function created here, by declared name. */
  readonly functions = new Map<string, CirrusFunction>();
  readonly forwarder: CirrusFunction;
  readonly forwarderDeadLetterQueue: sqs.Queue;
  readonly rules = new Map<string, events.Rule>();
  /** SES receiving's rule set (support email); activate it once per region (docs/deploying.md). */
  readonly inboundRuleSet?: ses.ReceiptRuleSet;

  constructor(scope: Construct, id: string, props: EventsStackProps) {
    super(scope, id, props);
    const decls = props.declarations ?? realEventDeclarations;

    this.bus = new events.EventBus(this, 'CirrusBus', { eventBusName: `${this.stackName}-bus` });
    this.scheduleGroupName = `${this.stackName}-schedules`;
    this.scheduleGroup = new scheduler.CfnScheduleGroup(this, 'CirrusSchedules', { name: this.scheduleGroupName });

    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke Cirrus schedule targets',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    this.schedulesDeadLetterQueue = this.queue('SchedulesDLQ');
    this.schedulesDeadLetterQueue.grantSendMessages(this.schedulerRole);

    const targetNames = new Map<string, string>();
    for (const t of decls.scheduleTargets) targetNames.set(t.name, physicalFunctionName(this, t.name));
    this.scheduleTargetFunctionNames = targetNames;

    const context: FunctionContext = {
      functionsDir: props.functionsDir ?? defaultFunctionsDir,
      table: props.table,
      indexNames: props.indexNames,
      bus: this.bus,
      scheduleGroupName: this.scheduleGroupName,
      schedulerRole: this.schedulerRole,
      scheduleTargetArns: new Map([...targetNames].map(([name, physical]) => [name, functionArn(this, physical)])),
      email: props.email,
      ...(props.filesBucket ? { filesBucket: props.filesBucket } : {}),
    };

    // One Lambda per declared function, even when it serves several rules/schedules.
    const byName = new Map<string, FunctionDeclaration>();
    for (const f of [decls.streamForwarder, ...decls.rules.map((r) => r.target), ...decls.scheduleTargets, ...decls.schedules.map((s) => s.target), ...(decls.inboundMail && props.filesBucket ? [decls.inboundMail.target] : [])]) {
      const seen = byName.get(f.name);
      byName.set(f.name, seen ? { ...seen, access: mergeAccess(seen.access, f.access) } : f);
    }
    for (const [name, declaration] of byName) {
      this.functions.set(
        name,
        new CirrusFunction(this, `Fn-${name}`, {
          declaration,
          context,
          functionName: targetNames.get(name),
          ...(name === decls.streamForwarder.name
            ? {
                wildcardReason:
                  'Resource "*" serves X-Ray tracing (xray:PutTraceSegments/PutTelemetryRecords) and the DynamoDB stream event source (dynamodb:ListStreams); neither supports resource-level permissions.',
              }
            : {}),
        }),
      );
    }

    // Outbox relay: table stream → forwarder → bus.
    this.forwarder = this.functions.get(decls.streamForwarder.name)!;
    this.forwarderDeadLetterQueue = this.queue('StreamForwarderDLQ');
    this.forwarder.fn.addEventSource(
      new DynamoEventSource(props.table, {
        // TRIM_HORIZON: outbox items written before the mapping is first enabled are forwarded too (nothing lost).
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: FORWARDER_RETRY_ATTEMPTS,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.forwarderDeadLetterQueue),
        filters: [outboxFilter],
      }),
    );

    // One rule per declaration, each target with its own DLQ and retry policy.
    for (const rule of decls.rules) {
      const dlq = this.queue(`RuleDLQ-${rule.name}`);
      const r = new events.Rule(this, `Rule-${rule.name}`, {
        eventBus: this.bus,
        description: rule.description,
        eventPattern: ruleEventPattern(rule.eventPattern),
      });
      r.addTarget(
        new targets.LambdaFunction(this.functions.get(rule.target.name)!.fn, {
          deadLetterQueue: dlq,
          retryAttempts: rule.retryAttempts,
          maxEventAge: Duration.seconds(rule.maxEventAgeSeconds),
        }),
      );
      this.rules.set(rule.name, r);
    }

    // Marketing email's SES events (issue 10): the configuration set's EventBridge destination can only name the
    // account's default bus, so a rule there forwards them to the Cirrus bus, where the declared rules take them.
    if (decls.sesForwarding) {
      const forwarding = decls.sesForwarding;
      const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
      new ses.CfnConfigurationSetEventDestination(this, 'SesEventsToDefaultBus', {
        configurationSetName: props.email.configurationSetName,
        eventDestination: {
          name: 'cirrus-default-bus',
          enabled: true,
          matchingEventTypes: ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT', 'OPEN', 'CLICK'],
          eventBridgeDestination: { eventBusArn: defaultBus.eventBusArn },
        },
      });
      const forward = new events.Rule(this, `Rule-${forwarding.name}`, {
        eventBus: defaultBus,
        description: forwarding.description,
        eventPattern: ruleEventPattern(forwarding.eventPattern),
      });
      forward.addTarget(new targets.EventBus(this.bus, { deadLetterQueue: this.queue(`RuleDLQ-${forwarding.name}`) }));
      this.rules.set(forwarding.name, forward);
    }

    // Scheduler may invoke schedule targets (one-time schedules created at run time) and recurring schedule targets.
    const invokable = [...new Set([...decls.scheduleTargets.map((t) => t.name), ...decls.schedules.map((s) => s.target.name)])];
    if (invokable.length) {
      this.schedulerRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: invokable.map((name) => this.functions.get(name)!.fn.functionArn),
        }),
      );
    }
    for (const s of decls.schedules) {
      const schedule = new scheduler.CfnSchedule(this, `Schedule-${s.name}`, {
        name: s.name,
        groupName: this.scheduleGroupName,
        description: s.description,
        scheduleExpression: s.expression,
        scheduleExpressionTimezone: s.timezone,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: this.functions.get(s.target.name)!.fn.functionArn,
          roleArn: this.schedulerRole.roleArn,
          deadLetterConfig: { arn: this.schedulesDeadLetterQueue.queueArn },
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
      });
      schedule.addDependency(this.scheduleGroup);
    }

    // Support email in (SVC-1): SES stores each mail in the files bucket, then invokes the function as an Event
    // (Lambda retries twice, then the DLQ). Recipients: context `supportMailDomains` (comma-separated), else
    // every address of the region's verified receiving domains; the function drops addresses no tenant has.
    if (decls.inboundMail && props.filesBucket) {
      const inbound = decls.inboundMail;
      const fn = this.functions.get(inbound.target.name)!.fn;
      fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.queue('InboundMailDLQ')) });
      const domains = String(this.node.tryGetContext('supportMailDomains') ?? '').split(',').map((d) => d.trim()).filter(Boolean);
      const ruleSet = new ses.ReceiptRuleSet(this, 'InboundMailRuleSet', { receiptRuleSetName: `${this.stackName}-inbound` });
      ruleSet.addRule('SupportMail', {
        ...(domains.length ? { recipients: domains } : {}),
        scanEnabled: true,
        tlsPolicy: ses.TlsPolicy.REQUIRE,
        actions: [
          new sesActions.S3({ bucket: props.filesBucket, objectKeyPrefix: inbound.objectKeyPrefix }),
          new sesActions.Lambda({ function: fn, invocationType: sesActions.LambdaInvocationType.EVENT }),
        ],
      });
      (this as { inboundRuleSet?: ses.ReceiptRuleSet }).inboundRuleSet = ruleSet;
      new CfnOutput(this, 'InboundMailRuleSetName', { value: ruleSet.receiptRuleSetName, description: 'Activate once: aws ses set-active-receipt-rule-set --rule-set-name <this>' });
    }

    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
  }

  /** A dead-letter queue: encrypted, TLS only, 14 days retention. */
  private queue(id: string): sqs.Queue {
    const q = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(q, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue (of the stream event source, an EventBridge target or the schedules); it has no DLQ of its own.',
    });
    return q;
  }
}
