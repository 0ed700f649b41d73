import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerFunction, whenIdle } from '../../infra/local/lambda.ts';
import { SchedulerEmulator } from '../../infra/local/scheduler.ts';

/**
 * When the Scheduler emulator invokes its targets, on a clock the test moves. Sources:
 *   [types]  Scheduler user guide "Schedule types": a rate schedule without StartDate starts invoking right after
 *            creation, StartDate sets its first occurrence; "Daylight saving time": a cron time that does not exist
 *            on a spring-forward day is skipped, a repeated fall-back time runs once.
 *   [repost] AWS re:Post "eventbridge-scheduler-adjust-dst" (AWS official), the same DST rules.
 *   [api]    CreateSchedule API reference: EndDate "the date before which the schedule can invoke its target";
 *            ActionAfterCompletion DELETE removes the schedule once it completes; State DISABLED does not invoke.
 *   [ls]     localstack test_scheduler.py (recorded against AWS): CreateSchedule succeeds for a function that does
 *            not exist; AWS only fails when it invokes it.
 */
const calls = () => ((globalThis as unknown as { __cirrusCounter?: { name?: string }[] }).__cirrusCounter ??= []);
const names = () => calls().map((c) => c.name);
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:test-counter';
const ROLE = 'arn:aws:iam::000000000000:role/x';

let dir: string;
let now: number;
let s: SchedulerEmulator;

/** Moves the clock to `iso` and lets due schedules fire. */
const at = async (iso: string) => {
  now = Date.parse(iso);
  await s.tick();
  await whenIdle();
};
const create = (name: string, expression: string, extra: Record<string, unknown> = {}) =>
  s.handle('POST', `/schedules/${name}`, new URLSearchParams(), {
    ScheduleExpression: expression, FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: FN, RoleArn: ROLE, Input: JSON.stringify({ name }) }, ...extra,
  });
const exists = (name: string) => s.handle('GET', `/schedules/${name}`, new URLSearchParams(), {}).then(() => true, () => false);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cirrus-sched-fire-'));
  registerFunction({ name: 'test-counter', entry: 'test/support/fixtures/counter-handler.ts', access: {} });
  calls().length = 0;
  now = Date.parse('2026-01-01T00:00:00Z');
  vi.spyOn(Date, 'now').mockImplementation(() => now);
  s = new SchedulerEmulator(dir);
});
afterEach(async () => {
  await whenIdle();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('rate()', () => {
  it('[types] without StartDate: first invocation right after creation, then every period', async () => {
    await create('r', 'rate(5 minutes)');
    await at('2026-01-01T00:00:00Z');
    expect(names()).toEqual(['r']);
    await at('2026-01-01T00:04:59Z');
    expect(names()).toEqual(['r']);
    await at('2026-01-01T00:05:00Z');
    expect(names()).toEqual(['r', 'r']);
  });

  it('[types] with StartDate: first invocation at StartDate, not StartDate + rate', async () => {
    await create('r', 'rate(1 hour)', { StartDate: Date.parse('2026-01-01T00:30:00Z') / 1000 });
    await at('2026-01-01T00:29:59Z');
    expect(names()).toEqual([]);
    await at('2026-01-01T00:30:00Z');
    expect(names()).toEqual(['r']);
    await at('2026-01-01T01:29:00Z');
    expect(names()).toEqual(['r']);
    await at('2026-01-01T01:30:00Z');
    expect(names()).toEqual(['r', 'r']);
  });

  it('[api] EndDate stops it; with ActionAfterCompletion DELETE the completed schedule is removed', async () => {
    await create('keep', 'rate(5 minutes)', { EndDate: Date.parse('2026-01-01T00:12:00Z') / 1000 });
    await create('drop', 'rate(5 minutes)', { EndDate: Date.parse('2026-01-01T00:12:00Z') / 1000, ActionAfterCompletion: 'DELETE' });
    for (const time of ['00:00', '00:05', '00:10', '00:15', '00:20']) await at(`2026-01-01T${time}:00Z`);
    expect(names().filter((n) => n === 'keep')).toHaveLength(3);
    expect(names().filter((n) => n === 'drop')).toHaveLength(3);
    expect(await exists('keep')).toBe(true);
    expect(await exists('drop')).toBe(false);
  });

  it('[api] a DISABLED schedule does not invoke; enabled again it resumes without replaying what it missed', async () => {
    const body = { ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: FN, RoleArn: ROLE, Input: '{"name":"d"}' } };
    await s.handle('POST', '/schedules/d', new URLSearchParams(), { ...body, State: 'DISABLED' });
    await at('2026-01-01T01:02:00Z');
    expect(names()).toEqual([]);
    await s.handle('PUT', '/schedules/d', new URLSearchParams(), { ...body, State: 'ENABLED' });
    await at('2026-01-01T01:04:59Z');
    expect(names()).toEqual([]);
    await at('2026-01-01T01:05:00Z');
    expect(names()).toEqual(['d']);
  });
});

describe('cron() on the schedule time zone, across DST', () => {
  it('[types][repost] 02:30 New York on the spring-forward day is skipped, not run at 03:30 EDT', async () => {
    now = Date.parse('2026-03-07T12:00:00Z');
    await create('gap', 'cron(30 2 * * ? *)', { ScheduleExpressionTimezone: 'America/New_York' });
    await at('2026-03-08T07:30:00Z'); // 03:30 EDT, where a shifting scheduler would fire
    await at('2026-03-08T12:00:00Z');
    expect(names()).toEqual([]);
    await at('2026-03-09T06:30:00Z'); // 02:30 EDT the next day
    expect(names()).toEqual(['gap']);
  });

  it('[types][repost] 01:30 New York on the fall-back day runs once', async () => {
    now = Date.parse('2026-10-31T12:00:00Z');
    await create('twice', 'cron(30 1 * * ? *)', { ScheduleExpressionTimezone: 'America/New_York' });
    await at('2026-11-01T05:30:00Z'); // 01:30 EDT
    expect(names()).toEqual(['twice']);
    await at('2026-11-01T06:30:00Z'); // 01:30 EST, the same wall time again
    await at('2026-11-01T12:00:00Z');
    expect(names()).toEqual(['twice']);
    await at('2026-11-02T06:30:00Z');
    expect(names()).toEqual(['twice', 'twice']);
  });

  it('[types] cron with StartDate: the first matching time on or after StartDate', async () => {
    await create('c', 'cron(0 * * * ? *)', { StartDate: Date.parse('2026-01-01T02:30:00Z') / 1000 });
    await at('2026-01-01T02:00:00Z');
    expect(names()).toEqual([]);
    await at('2026-01-01T03:00:00Z');
    expect(names()).toEqual(['c']);
  });
});

describe('at() and targets', () => {
  it('[api] at(): fires once; ActionAfterCompletion DELETE removes it; nothing fires again after a restart', async () => {
    await create('once', 'at(2026-01-01T00:10:00)', { ActionAfterCompletion: 'DELETE' });
    await at('2026-01-01T00:09:59Z');
    expect(names()).toEqual([]);
    await at('2026-01-01T00:10:00Z');
    expect(names()).toEqual(['once']);
    expect(await exists('once')).toBe(false);
    s = new SchedulerEmulator(dir);
    await at('2026-01-02T00:00:00Z');
    expect(names()).toEqual(['once']);
  });

  it('[types] at() in the schedule time zone', async () => {
    await create('tz', 'at(2026-01-01T09:00:00)', { ScheduleExpressionTimezone: 'Asia/Tokyo' });
    await at('2025-12-31T23:59:00Z');
    expect(names()).toEqual([]);
    await at('2026-01-01T00:00:00Z'); // 09:00 in Tokyo
    expect(names()).toEqual(['tz']);
  });

  it('[ls] a target that is not a function of this deployment is accepted; its invocation is recorded as failed', async () => {
    await create('ghost', 'at(2026-01-01T00:01:00)', { Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:nope', RoleArn: ROLE, Input: '{}' } });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await at('2026-01-01T00:01:00Z');
    expect(s.failures.map((f) => f.schedule)).toEqual(['ghost']);
    expect(errors).toHaveBeenCalled();
  });
});
