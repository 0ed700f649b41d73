import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConflictException, CreateScheduleCommand, type CreateScheduleCommandInput, CreateScheduleGroupCommand, DeleteScheduleCommand,
  DeleteScheduleGroupCommand, GetScheduleCommand, GetScheduleGroupCommand, ListScheduleGroupsCommand, ListSchedulesCommand,
  ResourceNotFoundException, SchedulerClient, UpdateScheduleCommand, ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFunction } from '../../infra/local/lambda.ts';
import { parseJson, readBody, sendJson, sendRestJsonError } from '../../infra/local/protocol.ts';
import { SchedulerEmulator } from '../../infra/local/scheduler.ts';

/**
 * The Scheduler emulator over the wire, with the real SDK client (restJson1). Sources:
 *   [model]   the service model, aws-sdk-js-v3 codegen/sdk-codegen/aws-models/scheduler.json: required members,
 *             lengths, patterns, enums, ranges (FlexibleTimeWindow.MaximumWindowInMinutes 1-1440, RetryPolicy
 *             MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds 60-86400, Name ^[0-9a-zA-Z-_.]+$ 1-64,
 *             RoleArn ^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@\/-]+$, ...), HTTP bindings and error codes.
 *   [api]     CreateSchedule / UpdateSchedule / DeleteScheduleGroup API reference (docs.aws.amazon.com/scheduler/latest/APIReference).
 *   [ftw]     Scheduler user guide "Configuring flexible time windows": OFF has no window, FLEXIBLE needs one.
 *   [ls]      localstack tests/aws/services/scheduler/test_scheduler.snapshot.json, recorded against AWS: the message
 *             "Invalid Schedule Expression <expression>." and that a target function need not exist at creation.
 *   [moto]    moto scheduler (getmoto/moto moto/scheduler): "Schedule <name> already exists.", the default RetryPolicy
 *             AWS fills in, and (PR #8172) "The StartDate you specify cannot be earlier than 5 minutes ago."
 * The server below dispatches like infra/local/app.ts does for /schedules and /schedule-groups.
 */
const ROLE = 'arn:aws:iam::000000000000:role/cirrus-local-scheduler';
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:test-counter';
const base = (Name: string, extra: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput => ({
  Name, ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: FN, RoleArn: ROLE, Input: '{}' }, ...extra,
});

let dir: string;
let server: Server;
let url: string;
let client: SchedulerClient;
let n = 0;
const uniq = (p: string) => `${p}-${++n}`;
const fail = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cirrus-sched-api-'));
  registerFunction({ name: 'test-counter', entry: 'test/support/fixtures/counter-handler.ts', access: {} });
  const emulator = new SchedulerEmulator(dir);
  server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://local');
    try {
      const body = req.method === 'GET' || req.method === 'DELETE' ? {} : parseJson(await readBody(req));
      const [status, out] = await emulator.handle(req.method ?? 'GET', u.pathname, u.searchParams, body);
      sendJson(res, status, out);
    } catch (error) {
      sendRestJsonError(res, error);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new SchedulerClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  client.destroy();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('CreateSchedule refuses what AWS refuses (ValidationException, HTTP 400)', () => {
  const longName = 'a'.repeat(65);
  it.each<[string, (name: string) => CreateScheduleCommandInput]>([
    ['[model] Name pattern', () => base('has space')],
    ['[model] Name pattern', () => base('slash:colon')],
    ['[model] Name at most 64', () => base(longName)],
    ['[model] GroupName pattern', (x) => base(x, { GroupName: 'bad group' })],
    ['[model] ScheduleExpression required', (x) => ({ ...base(x), ScheduleExpression: undefined as unknown as string })],
    ['[model] FlexibleTimeWindow required', (x) => ({ ...base(x), FlexibleTimeWindow: undefined as never })],
    ['[model] FlexibleTimeWindow.Mode required', (x) => base(x, { FlexibleTimeWindow: {} as never })],
    ['[model] FlexibleTimeWindow.Mode OFF|FLEXIBLE', (x) => base(x, { FlexibleTimeWindow: { Mode: 'ON' as never } })],
    ['[ftw] Mode OFF takes no MaximumWindowInMinutes', (x) => base(x, { FlexibleTimeWindow: { Mode: 'OFF', MaximumWindowInMinutes: 10 } })],
    ['[ftw] Mode FLEXIBLE needs MaximumWindowInMinutes', (x) => base(x, { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } })],
    ['[model] MaximumWindowInMinutes at least 1', (x) => base(x, { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 0 } })],
    ['[model] MaximumWindowInMinutes at most 1440', (x) => base(x, { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } })],
    ['[model] Target required', (x) => ({ ...base(x), Target: undefined as never })],
    ['[model] Target.Arn required', (x) => base(x, { Target: { RoleArn: ROLE } as never })],
    ['[model] Target.RoleArn required', (x) => base(x, { Target: { Arn: FN } as never })],
    ['[model] Target.RoleArn pattern', (x) => base(x, { Target: { Arn: FN, RoleArn: 'my-role' } })],
    ['[model] Target.RoleArn is an IAM role', (x) => base(x, { Target: { Arn: FN, RoleArn: 'arn:aws:iam::000000000000:user/me' } })],
    ['[model] Target.Input at least 1 character', (x) => base(x, { Target: { Arn: FN, RoleArn: ROLE, Input: '' } })],
    ['[api] a Lambda target takes well-formed JSON Input', (x) => base(x, { Target: { Arn: FN, RoleArn: ROLE, Input: 'not json' } })],
    ['[model] RetryPolicy.MaximumRetryAttempts 0-185', (x) => base(x, { Target: { Arn: FN, RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 186 } } })],
    ['[model] RetryPolicy.MaximumEventAgeInSeconds 60-86400', (x) => base(x, { Target: { Arn: FN, RoleArn: ROLE, RetryPolicy: { MaximumEventAgeInSeconds: 59 } } })],
    ['[model] RetryPolicy.MaximumEventAgeInSeconds 60-86400', (x) => base(x, { Target: { Arn: FN, RoleArn: ROLE, RetryPolicy: { MaximumEventAgeInSeconds: 86_401 } } })],
    ['[model] DeadLetterConfig.Arn is an SQS queue', (x) => base(x, { Target: { Arn: FN, RoleArn: ROLE, DeadLetterConfig: { Arn: 'arn:aws:sns:us-east-1:000000000000:topic' } } })],
    ['[model] ActionAfterCompletion NONE|DELETE', (x) => base(x, { ActionAfterCompletion: 'KEEP' as never })],
    ['[model] State ENABLED|DISABLED', (x) => base(x, { State: 'PAUSED' as never })],
    ['[model] Description at most 512', (x) => base(x, { Description: 'd'.repeat(513) })],
    ['[model] KmsKeyArn pattern', (x) => base(x, { KmsKeyArn: 'my-key' })],
    ['[api] an IANA time zone', (x) => base(x, { ScheduleExpressionTimezone: 'Mars/Olympus' })],
    ['[api] an IANA time zone, not an offset', (x) => base(x, { ScheduleExpressionTimezone: '+05:00' })],
    ['[moto] StartDate no earlier than 5 minutes ago', (x) => base(x, { StartDate: new Date(Date.now() - 10 * 60_000) })],
    ['[api] EndDate after StartDate', (x) => base(x, { StartDate: new Date(Date.now() + 3_600_000), EndDate: new Date(Date.now() + 60_000) })],
  ])('%s', async (_label, input) => {
    const e = await fail(client.send(new CreateScheduleCommand(input(uniq('bad')))));
    expect(e).toBeInstanceOf(ValidationException);
    expect(e?.$metadata?.httpStatusCode).toBe(400);
  });

  it.each([
    'cron(0 1 * * * *)', 'cron(7 20 * * NOT *)', 'cron(INVALID)', 'cron(0 dummy ? * MON-FRI *)', 'cron(71 8 1 * ? *)', 'cron()',
    'rate(10 seconds)', 'rate(10 years)', 'rate()', 'rate(10)', 'rate(10 minutess)', 'rate(foo minutes)', 'rate(-10 minutes)',
    'rate( 10 minutes )', ' rate(10 minutes)', 'at(2021-12-31T23:59:59Z)', 'at(2021-12-31)',
  ])('[ls] %s -> "Invalid Schedule Expression …."', async (expression) => {
    const e = await fail(client.send(new CreateScheduleCommand(base(uniq('expr'), { ScheduleExpression: expression }))));
    expect(e).toBeInstanceOf(ValidationException);
    expect(e?.message).toBe(`Invalid Schedule Expression ${expression}.`);
  });

  it('[model] constraint errors read like AWS: "1 validation error detected: Value … at \'name\' …"', async () => {
    const e = await fail(client.send(new CreateScheduleCommand(base('has space'))));
    expect(e?.message).toBe("1 validation error detected: Value 'has space' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$");
  });

  it('[model] restJson1 error shape: x-amzn-errortype header and a JSON message', async () => {
    const res = await fetch(`${url}/schedules/ok-name`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ScheduleExpression: 'rate(5 minutes)', Target: { Arn: FN, RoleArn: ROLE } }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('ValidationException');
    const body = (await res.json()) as { message: string };
    expect(body.message).toMatch(/at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null/);
  });
});

describe('CreateSchedule accepts what AWS accepts', () => {
  it.each<[string, Partial<CreateScheduleCommandInput>]>([
    ['[ftw] FLEXIBLE with a window of 1 minute', { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1 } }],
    ['[ftw] FLEXIBLE with a window of 1440 minutes', { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1440 } }],
    ['[ls] a past at()', { ScheduleExpression: 'at(2022-12-31T23:59:59)' }],
    ['[ls] a Lambda function that does not exist (yet)', { Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:dummy', RoleArn: ROLE } }],
    ['[api] a zone for cron', { ScheduleExpression: 'cron(0 9 ? * 2#1 *)', ScheduleExpressionTimezone: 'America/New_York' }],
    ['[api] Input that is text for a non-JSON target', { Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:queue', RoleArn: ROLE, Input: 'plain text' } }],
    ['[moto] StartDate a minute ago', { StartDate: new Date(Date.now() - 60_000) }],
    ['[model] RetryPolicy at its bounds', { Target: { Arn: FN, RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } } }],
  ])('%s', async (_label, extra) => {
    const name = uniq('ok');
    const out = await client.send(new CreateScheduleCommand(base(name, { State: 'DISABLED', ...extra })));
    expect(out.ScheduleArn).toBe(`arn:aws:scheduler:us-east-1:000000000000:schedule/default/${name}`);
  });

  it('[api][moto] GetSchedule shows the defaults AWS fills in', async () => {
    const Name = uniq('defaults');
    await client.send(new CreateScheduleCommand({ ...base(Name, { State: 'DISABLED' }), Target: { Arn: FN, RoleArn: ROLE } }));
    const got = await client.send(new GetScheduleCommand({ Name }));
    expect(got).toMatchObject({
      Name, GroupName: 'default', Arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/default/${Name}`,
      ScheduleExpressionTimezone: 'UTC', State: 'DISABLED', ActionAfterCompletion: 'NONE', FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: FN, RoleArn: ROLE, RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 } },
    });
    expect(got.CreationDate).toBeInstanceOf(Date);
  });
});

describe('conflicts, missing resources and updates', () => {
  it('[api][moto] a second CreateSchedule with the same name is ConflictException (409)', async () => {
    const Name = uniq('dup');
    await client.send(new CreateScheduleCommand(base(Name, { State: 'DISABLED' })));
    const e = await fail(client.send(new CreateScheduleCommand(base(Name, { State: 'DISABLED' }))));
    expect(e).toBeInstanceOf(ConflictException);
    expect(e?.$metadata?.httpStatusCode).toBe(409);
    expect(e?.message).toBe(`Schedule ${Name} already exists.`);
  });

  it('[model] a retried CreateSchedule with the same ClientToken (idempotencyToken) answers like the first', async () => {
    const Name = uniq('idem');
    const first = await client.send(new CreateScheduleCommand(base(Name, { State: 'DISABLED', ClientToken: 'token-1' })));
    const again = await client.send(new CreateScheduleCommand(base(Name, { State: 'DISABLED', ClientToken: 'token-1' })));
    expect(again.ScheduleArn).toBe(first.ScheduleArn);
  });

  it.each<[string, () => Promise<unknown>]>([
    ['[api] GetSchedule of an unknown name', () => client.send(new GetScheduleCommand({ Name: 'nope' }))],
    ['[api] DeleteSchedule of an unknown name', () => client.send(new DeleteScheduleCommand({ Name: 'nope' }))],
    ['[api] UpdateSchedule of an unknown name', () => client.send(new UpdateScheduleCommand(base('nope')))],
    ['[api] GetSchedule in an unknown group', () => client.send(new GetScheduleCommand({ Name: 'x', GroupName: 'elsewhere' }))],
    ['[api] CreateSchedule in an unknown group', () => client.send(new CreateScheduleCommand(base(uniq('g'), { GroupName: 'elsewhere' })))],
    ['[api] ListSchedules of an unknown group', () => client.send(new ListSchedulesCommand({ GroupName: 'elsewhere' }))],
    ['[api] GetScheduleGroup of an unknown group', () => client.send(new GetScheduleGroupCommand({ Name: 'elsewhere' }))],
    ['[api] DeleteScheduleGroup of an unknown group', () => client.send(new DeleteScheduleGroupCommand({ Name: 'elsewhere' }))],
  ])('%s is ResourceNotFoundException (404)', async (_label, call) => {
    const e = await fail(call());
    expect(e).toBeInstanceOf(ResourceNotFoundException);
    expect(e?.$metadata?.httpStatusCode).toBe(404);
  });

  it('[api] UpdateSchedule replaces every field; omitted optional ones return to their defaults', async () => {
    const Name = uniq('upd');
    await client.send(new CreateScheduleCommand(base(Name, { State: 'DISABLED', Description: 'first', ActionAfterCompletion: 'DELETE', ScheduleExpressionTimezone: 'Europe/London' })));
    await client.send(new UpdateScheduleCommand({ Name, ScheduleExpression: 'cron(0 9 ? * MON-FRI *)', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 }, Target: { Arn: FN, RoleArn: ROLE }, State: 'DISABLED' }));
    const got = await client.send(new GetScheduleCommand({ Name }));
    expect(got).toMatchObject({ ScheduleExpression: 'cron(0 9 ? * MON-FRI *)', ScheduleExpressionTimezone: 'UTC', ActionAfterCompletion: 'NONE', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 } });
    expect(got.Description).toBeUndefined();
    expect(got.LastModificationDate!.getTime()).toBeGreaterThanOrEqual(got.CreationDate!.getTime());
  });

  it('[model] ListSchedules: MaxResults 1-100, pages with NextToken, filters by prefix and state', async () => {
    const prefix = uniq('page');
    for (const i of [1, 2, 3]) await client.send(new CreateScheduleCommand(base(`${prefix}-${i}`, { State: i === 2 ? 'ENABLED' : 'DISABLED', ScheduleExpression: 'cron(0 0 1 1 ? 2199)' })));
    const first = await client.send(new ListSchedulesCommand({ NamePrefix: prefix, MaxResults: 2 }));
    expect(first.Schedules!.map((s) => s.Name)).toEqual([`${prefix}-1`, `${prefix}-2`]);
    const second = await client.send(new ListSchedulesCommand({ NamePrefix: prefix, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Schedules!.map((s) => s.Name)).toEqual([`${prefix}-3`]);
    expect(second.NextToken).toBeUndefined();
    expect((await client.send(new ListSchedulesCommand({ NamePrefix: prefix, State: 'ENABLED' }))).Schedules!.map((s) => s.Name)).toEqual([`${prefix}-2`]);
    expect(first.Schedules![0]).toMatchObject({ GroupName: 'default', State: 'DISABLED', Target: { Arn: FN } });
    expect(await fail(client.send(new ListSchedulesCommand({ MaxResults: 0 })))).toBeInstanceOf(ValidationException);
    expect(await fail(client.send(new ListSchedulesCommand({ MaxResults: 101 })))).toBeInstanceOf(ValidationException);
  });
});

describe('schedule groups', () => {
  it('[api] create, get, list, then delete a group with its schedules', async () => {
    const group = uniq('grp');
    const created = await client.send(new CreateScheduleGroupCommand({ Name: group }));
    expect(created.ScheduleGroupArn).toBe(`arn:aws:scheduler:us-east-1:000000000000:schedule-group/${group}`);
    expect(await fail(client.send(new CreateScheduleGroupCommand({ Name: group })))).toBeInstanceOf(ConflictException);
    expect(await client.send(new GetScheduleGroupCommand({ Name: group }))).toMatchObject({ Name: group, State: 'ACTIVE', Arn: created.ScheduleGroupArn });
    const names = (await client.send(new ListScheduleGroupsCommand({}))).ScheduleGroups!.map((g) => g.Name);
    expect(names).toEqual(expect.arrayContaining(['default', group]));

    await client.send(new CreateScheduleCommand(base('in-group', { GroupName: group, State: 'DISABLED' })));
    expect((await client.send(new GetScheduleCommand({ Name: 'in-group', GroupName: group }))).Arn).toBe(`arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/in-group`);
    await client.send(new DeleteScheduleGroupCommand({ Name: group }));
    expect(await fail(client.send(new GetScheduleGroupCommand({ Name: group })))).toBeInstanceOf(ResourceNotFoundException);
    expect((await client.send(new ListSchedulesCommand({ NamePrefix: 'in-group' }))).Schedules).toEqual([]);
  });

  it('[api] the default group cannot be deleted', async () => {
    expect(await fail(client.send(new DeleteScheduleGroupCommand({ Name: 'default' })))).toBeInstanceOf(ValidationException);
  });
});
