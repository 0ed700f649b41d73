import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchedulerEmulator } from '../../infra/local/scheduler.ts';
import { registerFunction, whenIdle } from '../../infra/local/lambda.ts';
import { HttpApi, flattenClaims } from '../../infra/local/http-api.ts';
import { routes } from '../../contracts/routes.ts';
import type { CognitoEmulator } from '../../infra/local/cognito.ts';

const calls = () => ((globalThis as unknown as { __cirrusCounter?: unknown[] }).__cirrusCounter ??= []);
const counterArn = 'arn:aws:lambda:us-east-1:000000000000:function:test-counter';
const group = 'cirrus-local-schedules';
const at = (ms: number) => `at(${new Date(ms).toISOString().slice(0, 19)})`;

describe('Scheduler emulator (local runtime)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cirrus-sched-'));
    registerFunction({ name: 'test-counter', entry: 'test/support/fixtures/counter-handler.ts', access: {} });
    calls().length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const create = (s: SchedulerEmulator, name: string, expression: string, extra: Record<string, unknown> = {}) =>
    s.handle('POST', `/schedules/${name}`, new URLSearchParams(), {
      GroupName: group, ScheduleExpression: expression, FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: counterArn, RoleArn: 'arn:aws:iam::000000000000:role/x', Input: JSON.stringify({ name }) }, ...extra,
    });

  it('fires a due one-time schedule once, never again, even after a restart', async () => {
    const first = new SchedulerEmulator(dir);
    await create(first, 'once', at(Date.now() - 1000));
    await first.tick();
    await first.tick();
    expect(calls()).toEqual([{ name: 'once' }]);
    const restarted = new SchedulerEmulator(dir);
    await restarted.tick();
    await whenIdle();
    expect(calls()).toHaveLength(1);
    const [, got] = await restarted.handle('GET', '/schedules/once', new URLSearchParams({ groupName: group }), {});
    expect(got).toMatchObject({ Name: 'once', GroupName: group, Arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/once` });
  });

  it('does not fire a future schedule, deletes a completed one with ActionAfterCompletion DELETE', async () => {
    const s = new SchedulerEmulator(dir);
    await create(s, 'later', at(Date.now() + 3_600_000));
    await create(s, 'gone', at(Date.now() - 1), { ActionAfterCompletion: 'DELETE' });
    await s.tick();
    expect(calls()).toEqual([{ name: 'gone' }]);
    await expect(s.handle('GET', '/schedules/gone', new URLSearchParams({ groupName: group }), {})).rejects.toMatchObject({ type: 'ResourceNotFoundException', status: 404 });
    const [, list] = await s.handle('GET', '/schedules', new URLSearchParams({ ScheduleGroup: group }), {});
    expect((list as { Schedules: { Name: string }[] }).Schedules.map((x) => x.Name)).toEqual(['later']);
  });

  it('answers Scheduler errors: conflict, validation, unknown group', async () => {
    const s = new SchedulerEmulator(dir);
    await create(s, 'dup', 'rate(5 minutes)');
    await expect(create(s, 'dup', 'rate(5 minutes)')).rejects.toMatchObject({ type: 'ConflictException', status: 409 });
    await expect(create(s, 'bad', 'rate(5 weeks)')).rejects.toMatchObject({ type: 'ValidationException', status: 400 });
    await expect(create(s, 'tz', 'rate(5 minutes)', { ScheduleExpressionTimezone: 'Mars/Olympus' })).rejects.toMatchObject({ type: 'ValidationException' });
    await expect(create(s, 'g', 'rate(5 minutes)', { GroupName: 'other' })).rejects.toMatchObject({ type: 'ResourceNotFoundException', status: 404 });
  });
});

describe('HTTP API (local runtime)', () => {
  it('flattens claims the way API Gateway hands them to the integration', () => {
    expect(flattenClaims({ sub: 's', 'cognito:groups': ['rep', 'manager'], exp: 5, email_verified: true })).toEqual({
      sub: 's', 'cognito:groups': '[rep manager]', exp: '5', email_verified: 'true',
    });
  });

  it('matches declared routes with path parameters, literal segments first', () => {
    const http = new HttpApi(routes, {} as CognitoEmulator, 'localhost:3000');
    const hit = http.match('GET', '/api/contacts/abc');
    expect(hit).toMatchObject({ route: { name: 'contacts-get' }, pathParameters: { id: 'abc' } });
    expect(http.match('POST', '/api/assignment-rules/test')).toMatchObject({ route: { name: 'assignment-rules-test' } });
    expect(http.match('DELETE', '/api/health')).toBe('method');
    // One segment under /api is the generic `GET /api/{object}` (custom objects; it answers 404 for an unknown one).
    expect(http.match('GET', '/api/nothing')).toMatchObject({ route: { name: 'objects-list' }, pathParameters: { object: 'nothing' } });
    expect(http.match('GET', '/api/no/such/route/here')).toBeUndefined();
  });
});
