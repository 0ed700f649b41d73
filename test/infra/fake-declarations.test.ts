import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleTargetEnvName } from '../../infra/declarations/index.ts';
import { AwsSolutionsChecks } from '../../infra/stacks/nag.ts';
import { callback, digest, fakeEvents, fakeFunctions, fakeRoutes, fakeTable, fakeUnits, notifier } from './fake-declarations.ts';
import { synthesize, type Synthesized } from './support.ts';

/** Rules, schedules and schedule targets are empty in today's declarations; prove the stacks handle them. */
let s: Synthesized;
beforeAll(() => {
  s = synthesize({ table: fakeTable, routes: fakeRoutes, units: fakeUnits, events: fakeEvents, appUrl: 'https://crm.example.org' }, fakeFunctions);
});

const resourcesOf = (t: Template, type: string) => Object.entries(t.findResources(type)) as [string, { Properties: any; DependsOn?: string[] }][];
const functionNamed = (t: Template, name: string) =>
  resourcesOf(t, 'AWS::Lambda::Function').find(([, fn]) => String(fn.Properties.Description).startsWith(`Cirrus ${name} (`));
const statementsOfFunction = (t: Template, name: string) => {
  const [, fn] = functionNamed(t, name)!;
  const role = fn.Properties.Role['Fn::GetAtt'][0];
  return resourcesOf(t, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
};

describe('EventBridge rules from the declaration', () => {
  it('one rule per declared rule, on the Cirrus bus, with its pattern', () => {
    const rules = resourcesOf(s.templates.events, 'AWS::Events::Rule');
    expect(rules).toHaveLength(fakeEvents.rules.length);
    for (const decl of fakeEvents.rules) {
      const rule = rules.find(([, r]) => r.Properties.Description === decl.description);
      expect(rule, decl.name).toBeDefined();
      expect(JSON.stringify(rule![1].Properties.EventBusName)).toContain('CirrusBus');
      expect(rule![1].Properties.EventPattern).toEqual(JSON.parse(JSON.stringify(decl.eventPattern)));
    }
  });

  it('each target has its own DLQ, the declared retry attempts and maximum event age', () => {
    const rules = resourcesOf(s.templates.events, 'AWS::Events::Rule');
    const dlqs = new Set<string>();
    for (const decl of fakeEvents.rules) {
      const [, rule] = rules.find(([, r]) => r.Properties.Description === decl.description)!;
      expect(rule.Properties.Targets).toHaveLength(1);
      const target = rule.Properties.Targets[0];
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: decl.retryAttempts, MaximumEventAgeInSeconds: decl.maxEventAgeSeconds });
      const dlq = target.DeadLetterConfig.Arn['Fn::GetAtt'][0] as string;
      expect(dlq).toMatch(/^RuleDLQ/);
      dlqs.add(dlq);
      expect(JSON.stringify(target.Arn)).toContain('Fnfakenotifier');
    }
    expect(dlqs.size).toBe(fakeEvents.rules.length);
  });

  it('EventBridge may invoke the target and write to its DLQs', () => {
    const t = s.templates.events;
    t.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });
    const queues = resourcesOf(t, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(fakeEvents.rules.length + 2); // + forwarder DLQ + schedules DLQ
    for (const [, q] of queues) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
  });
});

describe('Scheduler from the declaration', () => {
  it('one schedule per declared schedule: in the group, flexible window off, timezone, DLQ, via the scheduler role', () => {
    const t = s.templates.events;
    const schedules = resourcesOf(t, 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const [, sched] = schedules[0]!;
    expect(sched.Properties).toMatchObject({
      Name: 'weekly-forecast',
      GroupName: 'CirrusEvents-schedules',
      ScheduleExpression: 'cron(0 8 ? * MON *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(sched.Properties.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toMatch(/^SchedulesDLQ/);
    expect(sched.Properties.Target.RoleArn['Fn::GetAtt'][0]).toMatch(/^SchedulerRole/);
    expect(JSON.stringify(sched.Properties.Target.Arn)).toContain('Fnfakedigest');
    expect(sched.DependsOn).toEqual([expect.stringMatching(/^CirrusSchedules/)]);
  });

  it('the scheduler role may invoke exactly the schedule targets and scheduled functions, and write the DLQ', () => {
    const t = s.templates.events;
    const [roleId] = resourcesOf(t, 'AWS::IAM::Role').find(([id]) => id.startsWith('SchedulerRole'))!;
    const statements = resourcesOf(t, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const invoke = statements.filter((st) => [st.Action].flat().includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    const resources = JSON.stringify(invoke[0].Resource);
    expect(resources).toContain('Fnfakecallback');
    expect(resources).toContain('Fnfakedigest');
    expect(resources).not.toContain('Fnfakenotifier');
    expect(statements.some((st) => [st.Action].flat().includes('sqs:SendMessage'))).toBe(true);
  });

  it('schedule targets have stable names, so their ARNs reach functions without a dependency cycle', () => {
    const [, fn] = functionNamed(s.templates.events, callback.name)!;
    expect(fn.Properties.FunctionName).toBe(`CirrusEvents-${callback.name}`);
  });
});

describe('access → environment and IAM', () => {
  it('functions with schedules access get the group, role and each target ARN, may create schedules in the group and pass the role', () => {
    for (const [t, name] of [[s.templates.api, 'fake-tasks'], [s.templates.events, callback.name]] as const) {
      const [, fn] = functionNamed(t, name)!;
      const env = fn.Properties.Environment.Variables;
      expect(env.SCHEDULE_GROUP_NAME).toBe('CirrusEvents-schedules');
      expect(env.SCHEDULER_ROLE_ARN).toBeDefined();
      expect(JSON.stringify(env[scheduleTargetEnvName(callback.name)])).toContain(`function:CirrusEvents-${callback.name}`);
      const statements = statementsOfFunction(t, name);
      const create = statements.find((st) => [st.Action].flat().includes('scheduler:CreateSchedule'));
      expect([create.Action].flat().sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule']);
      expect(JSON.stringify(create.Resource)).toContain(':schedule/CirrusEvents-schedules/*');
      const pass = statements.find((st) => st.Action === 'iam:PassRole');
      expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
      expect(JSON.stringify(pass.Resource)).toContain('SchedulerRole');
    }
  });

  it('functions without schedules access get no target ARNs and no scheduler permissions', () => {
    const [, fn] = functionNamed(s.templates.events, digest.name)!;
    expect(fn.Properties.Environment.Variables[scheduleTargetEnvName(callback.name)]).toBeUndefined();
    expect(JSON.stringify(statementsOfFunction(s.templates.events, digest.name))).not.toContain('scheduler:');
  });

  it('functions that send email get MAIL_FROM, SES_CONFIGURATION_SET, APP_URL and ses:SendEmail pinned to the sender', () => {
    for (const name of [notifier.name, digest.name]) {
      const [, fn] = functionNamed(s.templates.events, name)!;
      expect(fn.Properties.Environment.Variables).toMatchObject({
        MAIL_FROM: 'crm@example.org',
        SES_CONFIGURATION_SET: 'CirrusEmail-mail',
        APP_URL: 'https://crm.example.org',
      });
      const send = statementsOfFunction(s.templates.events, name).find((st) => st.Action === 'ses:SendEmail');
      expect(send.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'crm@example.org' } });
      expect(JSON.stringify(send.Resource)).toContain(':configuration-set/CirrusEmail-mail');
    }
    const [, plain] = functionNamed(s.templates.api, 'fake-tasks')!;
    expect(plain.Properties.Environment.Variables.MAIL_FROM).toBeUndefined();
  });

  it('declared memory and timeout; read access is read-only on the table and its declared index', () => {
    const [, fn] = functionNamed(s.templates.events, digest.name)!;
    expect(fn.Properties.Timeout).toBe(60);
    expect(fn.Properties.MemorySize).toBe(512);
    const [, n] = functionNamed(s.templates.events, notifier.name)!;
    expect(n.Properties.MemorySize).toBe(256);
    const statements = statementsOfFunction(s.templates.events, digest.name);
    const actions = statements.flatMap((st) => [st.Action].flat());
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(JSON.stringify(statements)).toContain('/index/ByOwner');
  });

  it('a unit is one Lambda for all its routes, with the union of their access and the unit\'s memory and timeout', () => {
    s.templates.api.resourceCountIs('AWS::Lambda::Function', 2);
    expect(resourcesOf(s.templates.api, 'AWS::ApiGatewayV2::Integration')).toHaveLength(2);
    expect(resourcesOf(s.templates.api, 'AWS::Lambda::Permission')).toHaveLength(2);
    const [, fn] = functionNamed(s.templates.api, 'fake-tasks')!;
    expect(fn.Properties.MemorySize).toBe(256);
    expect(fn.Properties.Timeout).toBe(20);
    const actions = statementsOfFunction(s.templates.api, 'fake-tasks').flatMap((st) => [st.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['events:PutEvents', 'scheduler:CreateSchedule', 'dynamodb:PutItem']));
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:ListBucket']));
    expect(fn.Properties.Environment.Variables.FILES_BUCKET).toBeDefined();
    const publicActions = statementsOfFunction(s.templates.api, 'fake-public').flatMap((st) => [st.Action].flat());
    expect(publicActions.some((a: string) => a.startsWith('dynamodb:') || a.startsWith('events:') || a.startsWith('s3:'))).toBe(false);
    const [, publicFn] = functionNamed(s.templates.api, 'fake-public')!;
    expect(publicFn.Properties.Environment.Variables.FILES_BUCKET).toBeUndefined();
  });

  it('route throttles are per route key', () => {
    const [, stage] = resourcesOf(s.templates.api, 'AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties.RouteSettings).toEqual({
      'GET /api/health': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      'POST /api/tasks': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      'POST /api/notifications/test': { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2 },
    });
  });
});

describe('cdk-nag on the fake declarations', () => {
  it('AwsSolutions: no unacknowledged findings (rules, schedules, email and scheduler access included)', () => {
    const report = new AwsSolutionsChecks(s.app).validateScope(s.app);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });
});
