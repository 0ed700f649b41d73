import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';

/** The context value naming the address that receives alarm emails: `cdk deploy -c alarmEmail=ops@example.com`. */
export const ALARM_EMAIL_CONTEXT = 'alarmEmail';
/** Namespace of the figures Cirrus computes itself: EMF metrics (functions/commons/observability.ts) and log metric filters. */
export const CIRRUS_METRICS_NAMESPACE = 'Cirrus';

/** Thresholds of the alarms (operators read them in the alarm descriptions too). */
export const THRESHOLDS = {
  /** Percent of API requests answered 5xx in two consecutive 5-minute periods (with at least MIN_REQUESTS). */
  api5xxPercent: 1,
  apiMinRequests: 20,
  /** 429 answers (stage/route throttling or a partner's rate limit) in 5 minutes. */
  api429PerFiveMinutes: 10,
  /** Age of the oldest stream record the forwarder has not relayed yet. */
  iteratorAgeMs: 60_000,
} as const;

/**
 * What to do when the alarms of one consumer fire, by its declared name (infra/declarations/events.ts): added
 * to the descriptions of its Errors alarm and its rule's dead-letter queue alarm (`RuleDLQ-<name>`).
 */
export const RUNBOOKS: Readonly<Record<string, string>> = {
  'metadata-field-purge': 'A field purge job may be stuck: GET /api/metadata/jobs/{id} shows its status, examined and cleared counts; once the cause is fixed, POST /api/metadata/objects/{object}/fields/{field}/purge again (or a redrive of the message) resumes it from its last checkpoint.',
};
const runbookOf = (name: string) => {
  const key = Object.keys(RUNBOOKS).find((k) => name === k || name.endsWith(`RuleDLQ-${k}`));
  return key ? ` ${RUNBOOKS[key]}` : '';
};

export interface MonitoringStackProps extends StackProps {
  /** Every Lambda to watch, by its declared (unit/function) name: errors and throttles alarms each. */
  readonly functions: Iterable<readonly [string, lambda.IFunction]>;
  /** Every dead-letter queue: any message in one is a lost delivery someone must look at. */
  readonly deadLetterQueues: Iterable<readonly [string, sqs.IQueue]>;
  readonly httpApi: apigw.IHttpApi;
  /** The API stage; its access log group (when it has one) yields the 429 count. */
  readonly httpStage?: apigw.HttpStage;
  /** Functions fed by a stream event source mapping (the outbox forwarder): iterator age. */
  readonly streamConsumers: Iterable<readonly [string, lambda.IFunction]>;
  /** Defaults to the context value alarmEmail; no subscription when neither names an address. */
  readonly alarmEmail?: string;
}

/** Every SQS queue defined in the given scopes, by construct path below its stack: the DLQs of the events stack. */
export function queuesIn(...scopes: IConstruct[]): [string, sqs.IQueue][] {
  return scopes.flatMap((scope) =>
    scope.node
      .findAll()
      .filter((c): c is sqs.Queue => c instanceof sqs.Queue)
      .map((q) => [q.node.path.split('/').slice(1).join('/'), q] as [string, sqs.IQueue]),
  );
}

/** The log group an HTTP API stage writes its access logs to, if it is one of the stage's own stack. */
function accessLogGroupOf(stage: apigw.HttpStage): logs.LogGroup | undefined {
  const cfn = stage.node.defaultChild as { accessLogSettings?: { destinationArn?: string } } | undefined;
  const arn = cfn?.accessLogSettings?.destinationArn;
  if (!arn) return undefined;
  return Stack.of(stage)
    .node.findAll()
    .find((c): c is logs.LogGroup => c instanceof logs.LogGroup && c.logGroupArn === arn);
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * CloudWatch alarms (always synthesized) on what means lost or failing work: a message in any dead-letter
 * queue, the HTTP API's 5xx rate, 429 answers, Lambda errors and throttles per function, and the outbox
 * relay falling behind the table stream. Every alarm notifies one SNS topic (KMS-encrypted, TLS only), with
 * an email subscription when `-c alarmEmail=…` names an address. One dashboard shows the same figures.
 *
 * It reads the other stacks' function, queue, API and log group names through their outputs (cdk.json makes
 * cross-stack references weak: Fn::GetStackOutput, not exports), so no import lock keeps a removed deploy
 * unit's output alive in the stack that held it.
 */
export class MonitoringStack extends Stack {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const functions = [...props.functions];
    const queues = [...props.deadLetterQueues];
    const streamConsumers = [...props.streamConsumers];

    // CloudWatch can only publish to an encrypted topic whose key lets it (the AWS-managed alias/aws/sns does not).
    this.key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the Cirrus alarm topic; CloudWatch alarms may use it to publish',
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Cirrus CRM alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    const email = props.alarmEmail ?? (this.node.tryGetContext(ALARM_EMAIL_CONTEXT) as string | undefined);
    if (email) {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`Context ${ALARM_EMAIL_CONTEXT} is not an email address: "${email}"`);
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    // Dead-letter queues: one message is one delivery that exhausted its retries.
    for (const [name, queue] of queues) {
      this.alarm(`DLQ-${name}`, {
        description: `A message is waiting in dead-letter queue ${name}: an event, a schedule or a stream batch exhausted its retries. Inspect the message, fix the cause, redrive it.${runbookOf(name)}`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }

    // The HTTP API.
    const requests = props.httpApi.metricCount({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    const serverErrors = props.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    const clientErrors = props.httpApi.metricClientError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    const serverErrorRate = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${THRESHOLDS.apiMinRequests}, 100 * errors / requests, 0)`,
      usingMetrics: { requests, errors: serverErrors },
      period: FIVE_MINUTES,
      label: 'API 5xx %',
    });
    this.alarm('Api5xxRate', {
      description: `More than ${THRESHOLDS.api5xxPercent}% of API requests answered 5xx in two consecutive 5-minute periods (at least ${THRESHOLDS.apiMinRequests} requests). Look at the API access logs (status 5xx, integrationError) and the units' logs.`,
      metric: serverErrorRate,
      threshold: THRESHOLDS.api5xxPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
    });
    // HTTP APIs publish no 429 metric of their own: count 429 lines of the access log.
    const accessLogs = props.httpStage ? accessLogGroupOf(props.httpStage) : undefined;
    let throttled: cloudwatch.Metric | undefined;
    if (accessLogs) {
      const filter = new logs.MetricFilter(this, 'Api429Filter', {
        logGroup: accessLogs,
        filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
        metricNamespace: CIRRUS_METRICS_NAMESPACE,
        metricName: 'ApiThrottled',
        metricValue: '1',
        defaultValue: 0,
        unit: cloudwatch.Unit.COUNT,
      });
      throttled = filter.metric({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM, label: 'API 429' });
      this.alarm('Api429', {
        description: `At least ${THRESHOLDS.api429PerFiveMinutes} API requests were answered 429 in 5 minutes (stage or route throttling, or a partner over its rate). Check the routes in the access log and the declared throttles.`,
        metric: throttled,
        threshold: THRESHOLDS.api429PerFiveMinutes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    // Every function: errors (it threw or timed out; an HTTP 5xx answer is counted above) and throttles.
    for (const [name, fn] of functions) {
      this.alarm(`Errors-${name}`, {
        description: `Lambda ${name} failed (threw, timed out or ran out of memory) in the last 5 minutes. Its log group has the error with its correlation_id.${runbookOf(name)}`,
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      this.alarm(`Throttles-${name}`, {
        description: `Lambda ${name} was throttled in the last 5 minutes: the account's concurrency (or the function's reserved concurrency) is exhausted.`,
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }

    // The outbox relay: how far the forwarder lags behind the table stream.
    const iteratorAges = streamConsumers.map(([name, fn]) => {
      const age = fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM, label: `${name} iterator age` });
      this.alarm(`IteratorAge-${name}`, {
        description: `The oldest table stream record not yet handled by ${name} is over ${THRESHOLDS.iteratorAgeMs / 1000} s old in 3 of 5 minutes: events reach the bus late (records expire from the stream after 24 h). Check ${name}'s errors and its dead-letter queue.`,
        metric: age,
        threshold: THRESHOLDS.iteratorAgeMs,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      });
      return age;
    });

    // One dashboard with the same figures.
    const perFunction = (metric: (fn: lambda.IFunction) => cloudwatch.Metric) =>
      functions.map(([name, fn]) => metric(fn).with({ label: name }));
    const wide = 12;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-overview`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors (5 min)',
        left: [requests.with({ label: 'requests' }), clientErrors.with({ label: '4xx' }), serverErrors.with({ label: '5xx' }), ...(throttled ? [throttled] : [])],
        right: [serverErrorRate],
        width: wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        left: [
          props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p50', label: 'p50' }),
          props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'p99' }),
          props.httpApi.metricIntegrationLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'integration p99' }),
        ],
        width: wide,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Lambda errors', left: perFunction((fn) => fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM })), width: wide }),
      new cloudwatch.GraphWidget({ title: 'Lambda throttles', left: perFunction((fn) => fn.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM })), width: wide }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Lambda duration p99 (ms)', left: perFunction((fn) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })), width: wide }),
      new cloudwatch.GraphWidget({ title: 'Lambda invocations', left: perFunction((fn) => fn.metricInvocations({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM })), width: wide }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues (messages waiting)',
        left: queues.map(([name, q]) => q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM, label: name })),
        width: wide,
      }),
      new cloudwatch.GraphWidget({ title: 'Outbox relay: stream iterator age (ms)', left: iteratorAges, width: wide }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `Application metrics (EMF, namespace ${CIRRUS_METRICS_NAMESPACE})`,
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${CIRRUS_METRICS_NAMESPACE},service} service="cirrus-crm"', 'Sum', 300)`,
            usingMetrics: {},
            label: '',
            period: FIVE_MINUTES,
          }),
        ],
        width: 24,
      }),
    );
  }

  private alarm(
    id: string,
    options: {
      description: string;
      metric: cloudwatch.IMetric;
      threshold: number;
      comparisonOperator: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `Alarm-${id.replace(/[^A-Za-z0-9-]+/g, '-')}`, {
      alarmName: `${this.stackName}-${id}`.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 255),
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      ...(options.datapointsToAlarm ? { datapointsToAlarm: options.datapointsToAlarm } : {}),
      // No data is no failure: idle functions, empty queues.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
