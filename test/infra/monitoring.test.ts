import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCirrusStacks } from '../../infra/stacks/app.ts';
import { RUNBOOKS, THRESHOLDS } from '../../infra/stacks/monitoring-stack.ts';
import { cdkContext, placeholderFunctions, placeholderWeb, synthesize, type Synthesized } from './support.ts';

/** The real declarations, synthesized once without an alarm address. */
let s: Synthesized;
let t: Template;
beforeAll(() => {
  s = synthesize();
  t = s.templates.monitoring;
});

type Resource = { Properties: any };
const alarms = () => Object.values(t.findResources('AWS::CloudWatch::Alarm')) as Resource[];
/** An alarm's one metric, whether rendered flat (MetricName, Dimensions) or as a labelled MetricStat. */
const metricOf = (a: Resource): { MetricName?: string; Namespace?: string; Dimensions?: { Name: string; Value: unknown }[] } =>
  a.Properties.MetricName ? a.Properties : a.Properties.Metrics?.length === 1 ? a.Properties.Metrics[0].MetricStat.Metric : {};
const alarmsOn = (metricName: string) => alarms().filter((a) => metricOf(a).MetricName === metricName);
const dimension = (a: Resource, name: string) => metricOf(a).Dimensions?.find((d) => d.Name === name)?.Value;
/** A cross-stack reference ({ Fn::GetStackOutput }) → the stack it reads and the logical id behind that output. */
function referenced(value: unknown): { stack: string; logicalId: string } {
  const ref = (value as { 'Fn::GetStackOutput': { StackName: string; OutputName: string } })['Fn::GetStackOutput'];
  const stack = (Object.entries(s.stacks).find(([, st]) => st.stackName === ref.StackName)?.[0] ?? '') as keyof Synthesized['templates'];
  const output = s.templates[stack].toJSON().Outputs[ref.OutputName].Value;
  return { stack, logicalId: output.Ref ?? output['Fn::GetAtt'][0] };
}

describe('monitoring stack', () => {
  it('alarms when any dead-letter queue holds a message: one alarm per DLQ of the events stack', () => {
    const queues = Object.keys(s.templates.events.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThanOrEqual(3); // forwarder, schedules, one per rule
    const dlqAlarms = alarmsOn('ApproximateNumberOfMessagesVisible');
    expect(dlqAlarms).toHaveLength(queues.length);
    for (const a of dlqAlarms) {
      expect(a.Properties).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    }
    // Every queue is watched, each by its own alarm (QueueName imported from the events stack).
    const watched = dlqAlarms.map((a) => referenced(dimension(a, 'QueueName')));
    expect(watched.map((w) => w.stack)).toEqual(queues.map(() => 'events'));
    expect(watched.map((w) => w.logicalId).sort()).toEqual(queues.sort());
  });

  it('alarms on Lambda errors and throttles of every function of the api and events stacks', () => {
    const apiFns = Object.keys(s.templates.api.findResources('AWS::Lambda::Function'));
    const eventFns = Object.keys(s.templates.events.findResources('AWS::Lambda::Function'));
    expect(apiFns.length).toBe(s.stacks.api.functions.size);
    for (const metricName of ['Errors', 'Throttles']) {
      const forMetric = alarmsOn(metricName);
      expect(forMetric.every((a) => metricOf(a).Namespace === 'AWS/Lambda' && a.Properties.Threshold === 0)).toBe(true);
      const watched = forMetric.map((a) => referenced(dimension(a, 'FunctionName')));
      expect(watched.filter((w) => w.stack === 'api').map((w) => w.logicalId).sort(), metricName).toEqual(apiFns.sort());
      expect(watched.filter((w) => w.stack === 'events').map((w) => w.logicalId).sort(), metricName).toEqual(eventFns.sort());
      expect(watched).toHaveLength(apiFns.length + eventFns.length);
    }
  });

  it('a stuck field purge is seen: the purge worker\'s errors and its rule\'s dead-letter queue alarm, saying how to resume the job', () => {
    const worker = s.stacks.events.functions.get('metadata-field-purge');
    expect(worker).toBeDefined();
    const workerId = s.stacks.events.getLogicalId(worker!.fn.node.defaultChild as any);
    const errors = alarmsOn('Errors').filter((a) => referenced(dimension(a, 'FunctionName')).logicalId === workerId);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(errors[0]!.Properties.AlarmDescription).toContain(RUNBOOKS['metadata-field-purge']);

    // The rule's target DLQ (the queue its EventBridge target sends to after 20 retries) has its alarm too.
    const rules = Object.values(s.templates.events.findResources('AWS::Events::Rule')) as Resource[];
    const purgeRule = rules.find((r) => r.Properties.Targets?.some((x: any) => x.Arn?.['Fn::GetAtt']?.[0] === workerId));
    expect(purgeRule).toBeDefined();
    const dlqId = purgeRule!.Properties.Targets[0].DeadLetterConfig.Arn['Fn::GetAtt'][0];
    expect(purgeRule!.Properties.Targets[0].RetryPolicy.MaximumRetryAttempts).toBe(20);
    const dlqAlarm = alarmsOn('ApproximateNumberOfMessagesVisible').filter((a) => referenced(dimension(a, 'QueueName')).logicalId === dlqId);
    expect(dlqAlarm).toHaveLength(1);
    expect(dlqAlarm[0]!.Properties.AlarmDescription).toContain(RUNBOOKS['metadata-field-purge']);
    // Only the purge's alarms carry its runbook.
    expect(alarms().filter((a) => a.Properties.AlarmDescription.includes('field purge job'))).toHaveLength(2);
  });

  it('alarms on the HTTP API\'s 5xx rate (percent of requests, with a floor of requests) and on 429 answers', () => {
    const [rate, ...others] = alarms().filter((a) => a.Properties.Metrics?.some((m: { Expression?: string }) => m.Expression));
    expect(others).toEqual([]);
    expect(rate).toBeDefined();
    const expression = rate!.Properties.Metrics.find((m: { Expression?: string }) => m.Expression).Expression;
    expect(expression).toBe(`IF(requests >= ${THRESHOLDS.apiMinRequests}, 100 * errors / requests, 0)`);
    const used = Object.fromEntries(rate!.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat.Metric.MetricName]));
    expect(used).toEqual({ requests: 'Count', errors: '5xx' });
    expect(rate!.Properties).toMatchObject({ Threshold: THRESHOLDS.api5xxPercent, EvaluationPeriods: 2 });

    // 429s: a metric filter on the API stage's access log group (HTTP APIs publish no 429 metric).
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'Cirrus', MetricName: 'ApiThrottled', MetricValue: '1', DefaultValue: 0 })],
    });
    const [filter] = Object.values(t.findResources('AWS::Logs::MetricFilter')) as Resource[];
    const accessLogs = referenced(filter!.Properties.LogGroupName);
    const stage = Object.values(s.templates.api.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
    expect(accessLogs.stack).toBe('api');
    expect(stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0]).toBe(accessLogs.logicalId);
    const throttled = alarmsOn('ApiThrottled');
    expect(throttled).toHaveLength(1);
    expect(metricOf(throttled[0]!).Namespace).toBe('Cirrus');
    expect(throttled[0]!.Properties.Threshold).toBe(THRESHOLDS.api429PerFiveMinutes);
  });

  it('alarms when the outbox forwarder falls behind the table stream (iterator age)', () => {
    const [age, ...more] = alarmsOn('IteratorAge');
    expect(more).toEqual([]);
    expect(age!.Properties).toMatchObject({ Threshold: THRESHOLDS.iteratorAgeMs, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
    expect(age!.Properties.Metrics[0].MetricStat.Stat).toBe('Maximum');
    // The function that has the DynamoDB stream mapping.
    const mappings = Object.values(s.templates.events.findResources('AWS::Lambda::EventSourceMapping')) as Resource[];
    expect(mappings).toHaveLength(1);
    expect(referenced(dimension(age!, 'FunctionName'))).toEqual({ stack: 'events', logicalId: mappings[0]!.Properties.FunctionName.Ref });
  });

  it('every alarm notifies the one topic when it fires and when it clears; the topic is KMS-encrypted and TLS-only', () => {
    t.resourceCountIs('AWS::SNS::Topic', 1);
    const [topicId] = Object.keys(t.findResources('AWS::SNS::Topic'));
    for (const a of alarms()) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: topicId }]);
      expect(a.Properties.AlarmDescription.length).toBeGreaterThan(40);
    }
    const [keyId] = Object.keys(t.findResources('AWS::KMS::Key'));
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('has no email subscription unless -c alarmEmail names an address; then exactly that one', () => {
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    const app = new App({ context: { ...cdkContext, mailFrom: 'crm@example.org', alarmEmail: 'ops@example.com' } });
    const stacks = createCirrusStacks(app, { env: undefined, functionsDir: placeholderFunctions(), webAssetPath: placeholderWeb(), nag: false });
    const withEmail = Template.fromStack(stacks.monitoring);
    withEmail.resourceCountIs('AWS::SNS::Subscription', 1);
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });

    const bad = new App({ context: { ...cdkContext, alarmEmail: 'not an address' } });
    expect(() => createCirrusStacks(bad, { env: undefined, functionsDir: placeholderFunctions(), webAssetPath: placeholderWeb(), nag: false })).toThrow(/alarmEmail/);
  });

  it('has one dashboard with the alarms, the API, every function, the DLQs, the relay and the application metrics', () => {
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(t.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    const source = dashboard!.Properties.DashboardBody;
    const body = typeof source === 'string' ? source : (source['Fn::Join'][1] as unknown[]).filter((p) => typeof p === 'string').join('');
    for (const title of ['Alarms', 'API requests and errors', 'API latency', 'Lambda errors', 'Lambda throttles', 'Dead-letter queues', 'iterator age', 'Application metrics']) {
      expect(body).toContain(title);
    }
    for (const name of [...s.stacks.api.functions.keys(), ...s.stacks.events.functions.keys()]) expect(body).toContain(`"label":"${name}"`);
    expect(body).toContain("SEARCH('{Cirrus,service}");
  });
});
