import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerFunction, whenIdle } from '../../infra/local/lambda.ts';
import { SchedulerEmulator } from '../../infra/local/scheduler.ts';

/**
 * The Scheduler emulator's firings survive a crash of the runtime, and its targets are retried per their
 * RetryPolicy. Sources:
 *   [retry] Scheduler API reference, RetryPolicy: "The maximum number of retry attempts to make before the
 *           request fails. Retry attempts with exponential backoff continue until either the maximum number of
 *           attempts is made or until the duration of the MaximumEventAgeInSeconds is reached"; CreateSchedule:
 *           the default policy is 185 retries over 86400 s (GetSchedule shows it).
 *   [dlq]   Scheduler user guide, "Configuring a dead-letter queue": after the retry policy is exhausted the
 *           failed event goes to the target's DeadLetterConfig queue, the target input as body and the
 *           invocation details (ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS,
 *           SCHEDULED_TIME, SCHEDULE_ARN, TARGET_ARN) as message attributes.
 *   [alo]   EventBridge Scheduler delivers at least once: an invocation interrupted by a crash is made again.
 * A "crash" is an emulator dropped in the middle of an invocation, without stop() or any cleanup; the next
 * emulator opens the same data dir, as the runtime does after kill -9 and a restart.
 */
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:test-durable';
const ROLE = 'arn:aws:iam::000000000000:role/x';
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:schedule-dlq';

type Behaviour = 'ok' | 'throw' | 'hang';
interface Control {
  calls: { name: string }[];
  /** What the target does for the n-th (0-based) call for a schedule name; default 'ok'. */
  plan: Record<string, Behaviour[] | Behaviour>;
  onCall?: () => void;
  hung: (() => void)[];
}
const ctl = ((globalThis as unknown as { __cirrusDurable?: Control }).__cirrusDurable ??= { calls: [], plan: {}, hung: [] });
const named = (name: string) => ctl.calls.filter((c) => c.name === name);
const names = () => ctl.calls.map((c) => c.name).sort();

// The target function: its module lives in a temporary folder (the local Lambda imports it by path) and is
// steered through ctl, so one invocation can hang (a target still running at the crash) or throw.
let fnDir: string;
beforeAll(() => {
  fnDir = mkdtempSync(join(tmpdir(), 'cirrus-sched-durable-fn-'));
  const entry = join(fnDir, 'durable-handler.mjs');
  writeFileSync(entry, `
export async function handler(event) {
  const ctl = globalThis.__cirrusDurable;
  const n = ctl.calls.filter((c) => c.name === event.name).length;
  ctl.calls.push(event);
  ctl.onCall?.();
  const plan = ctl.plan[event.name] ?? 'ok';
  const behaviour = Array.isArray(plan) ? (plan[n] ?? plan[plan.length - 1]) : plan;
  if (behaviour === 'throw') throw new Error('target failed for ' + event.name);
  if (behaviour === 'hang') await new Promise((resolve) => ctl.hung.push(resolve));
  return 'done';
}
`);
  registerFunction({ name: 'test-durable', entry, access: {} });
});
afterAll(() => rmSync(fnDir, { recursive: true, force: true }));

let dir: string;
let now: number;
let s: SchedulerEmulator;

const create = (emulator: SchedulerEmulator, name: string, expression: string, extra: Record<string, unknown> = {}) =>
  emulator.handle('POST', `/schedules/${name}`, new URLSearchParams(), {
    ScheduleExpression: expression, FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: FN, RoleArn: ROLE, Input: JSON.stringify({ name }) }, ...extra,
  });
const exists = (emulator: SchedulerEmulator, name: string) => emulator.handle('GET', `/schedules/${name}`, new URLSearchParams(), {}).then(() => true, () => false);
/** Moves the clock to `iso` and lets due schedules fire, waiting for their invocations. */
const at = async (emulator: SchedulerEmulator, iso: string) => {
  now = Date.parse(iso);
  await emulator.tick();
};
/** Starts a tick whose invocations hang, and waits until the targets of `expected` are running. */
const tickUntilHung = async (emulator: SchedulerEmulator, iso: string, expected: number) => {
  now = Date.parse(iso);
  void emulator.tick();
  await vi.waitFor(() => expect(ctl.hung).toHaveLength(expected), { timeout: 5000, interval: 5 });
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cirrus-sched-durable-'));
  ctl.calls.length = 0;
  ctl.plan = {};
  ctl.onCall = undefined;
  now = Date.parse('2026-01-01T00:00:00Z');
  vi.spyOn(Date, 'now').mockImplementation(() => now);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  s = new SchedulerEmulator(dir, { retryDelayMs: 0 });
});
afterEach(async () => {
  // Let the crashed emulators' hung invocations end (their outcome goes to a journal file replaced since).
  for (const release of ctl.hung.splice(0)) release();
  await whenIdle();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('[alo] a crash during an invocation', () => {
  it('re-fires exactly the firings whose invocation was pending, once, and nothing that had finished', async () => {
    await create(s, 'once', 'at(2026-01-01T00:10:00)');
    await create(s, 'done-before', 'at(2026-01-01T00:05:00)');
    await create(s, 'rate', 'rate(5 minutes)'); // fires at 00:00, 00:05, 00:10, ...
    await at(s, '2026-01-01T00:00:00Z');
    await at(s, '2026-01-01T00:05:00Z');
    expect(names()).toEqual(['done-before', 'rate', 'rate']);

    ctl.plan = { once: 'hang', rate: 'hang' };
    await tickUntilHung(s, '2026-01-01T00:10:00Z', 2);
    expect(names()).toEqual(['done-before', 'once', 'rate', 'rate', 'rate']);

    // kill -9: the emulator is gone without cleanup; a new one starts on the same data dir.
    ctl.calls.length = 0;
    ctl.plan = {};
    const restarted = new SchedulerEmulator(dir, { retryDelayMs: 0 });
    await at(restarted, '2026-01-01T00:10:00Z');
    expect(ctl.calls).toEqual(expect.arrayContaining([{ name: 'once' }, { name: 'rate' }]));
    expect(names()).toEqual(['once', 'rate']); // the two pending firings; 00:10 of rate is not fired a third way
    await at(restarted, '2026-01-01T00:14:59Z');
    expect(names()).toEqual(['once', 'rate']);
    await at(restarted, '2026-01-01T00:15:00Z');
    expect(names()).toEqual(['once', 'rate', 'rate']); // rate goes on from where it was

    // Re-fired and finished: a further restart has nothing pending.
    const again = new SchedulerEmulator(dir, { retryDelayMs: 0 });
    await at(again, '2026-01-01T00:15:00Z');
    expect(names()).toEqual(['once', 'rate', 'rate']);
    expect(await exists(again, 'once')).toBe(true);
  });

  it('a crash after the firing was journaled but before the schedule moved on still fires that time once', async () => {
    await create(s, 'r', 'rate(5 minutes)');
    await create(s, 'gone', 'at(2026-01-01T00:00:00)', { ActionAfterCompletion: 'DELETE' });
    const before = readFileSync(join(dir, 'schedules.jsonl'), 'utf8'); // both due at 00:00, not moved on
    ctl.plan = { r: 'hang', gone: 'hang' };
    await tickUntilHung(s, '2026-01-01T00:00:00Z', 2);
    // The crash came before the schedules' new state reached the disk (the lines appended since are lost).
    writeFileSync(join(dir, 'schedules.jsonl'), before);

    ctl.calls.length = 0;
    ctl.plan = {};
    const restarted = new SchedulerEmulator(dir, { retryDelayMs: 0 });
    await at(restarted, '2026-01-01T00:00:00Z');
    expect(names()).toEqual(['gone', 'r']); // once each: the journal's, not a second one from the old state
    expect(await exists(restarted, 'gone')).toBe(false); // completed, and ActionAfterCompletion DELETE applied
    await at(restarted, '2026-01-01T00:04:59Z');
    expect(names()).toEqual(['gone', 'r']);
    await at(restarted, '2026-01-01T00:05:00Z');
    expect(names()).toEqual(['gone', 'r', 'r']);
  });

  it('[retry] the attempts made before the crash count against MaximumRetryAttempts after it', async () => {
    await create(s, 'b', 'at(2026-01-01T00:01:00)', { Target: { Arn: FN, RoleArn: ROLE, Input: '{"name":"b"}', RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } } });
    ctl.plan = { b: ['throw', 'hang'] };
    await tickUntilHung(s, '2026-01-01T00:01:00Z', 1); // attempt 1 failed, attempt 2 running at the crash
    expect(named('b')).toHaveLength(2);

    ctl.calls.length = 0;
    ctl.plan = { b: 'throw' };
    const restarted = new SchedulerEmulator(dir, { retryDelayMs: 0 });
    await at(restarted, '2026-01-01T00:02:00Z');
    expect(named('b')).toHaveLength(2); // attempt 2 again (it never finished) and attempt 3, the last
    expect(restarted.failures).toMatchObject([{ schedule: 'b', attempts: 3, scheduledTime: '2026-01-01T00:01:00Z' }]);
  });
});

describe('[retry][dlq] RetryPolicy', () => {
  it('retries a failing target until it succeeds, within MaximumRetryAttempts, and records no failure', async () => {
    await create(s, 'flaky', 'at(2026-01-01T00:01:00)', { Target: { Arn: FN, RoleArn: ROLE, Input: '{"name":"flaky"}', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 } } });
    ctl.plan = { flaky: ['throw', 'throw', 'ok'] };
    await at(s, '2026-01-01T00:01:00Z');
    expect(named('flaky')).toHaveLength(3);
    expect(s.failures).toEqual([]);
    ctl.calls.length = 0;
    await at(new SchedulerEmulator(dir, { retryDelayMs: 0 }), '2026-01-01T00:02:00Z');
    expect(ctl.calls).toEqual([]); // finished: nothing pending after a restart
  });

  it('after MaximumRetryAttempts + 1 attempts, records the failure and its dead-letter message, kept across a restart', async () => {
    await create(s, 'broken', 'at(2026-01-01T00:01:00)', {
      Target: { Arn: FN, RoleArn: ROLE, Input: '{"name":"broken"}', RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: DLQ } },
    });
    ctl.plan = { broken: 'throw' };
    await at(s, '2026-01-01T00:01:00Z');
    expect(named('broken')).toHaveLength(3);
    const failure = {
      schedule: 'broken',
      group: 'default',
      scheduledTime: '2026-01-01T00:01:00Z',
      target: FN,
      error: 'target failed for broken',
      attempts: 3,
      deadLetter: {
        queueArn: DLQ,
        body: '{"name":"broken"}',
        attributes: {
          ERROR_MESSAGE: 'target failed for broken',
          EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
          RETRY_ATTEMPTS: '2',
          SCHEDULED_TIME: '2026-01-01T00:01:00Z',
          SCHEDULE_ARN: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/broken',
          TARGET_ARN: FN,
        },
      },
    };
    expect(s.failures).toMatchObject([failure]);
    ctl.calls.length = 0;
    const restarted = new SchedulerEmulator(dir, { retryDelayMs: 0 });
    await at(restarted, '2026-01-01T00:02:00Z');
    expect(ctl.calls).toEqual([]); // dead-lettered firings are not fired again
    expect(restarted.failures).toMatchObject([failure]);
  });

  it('stops retrying once the firing is older than MaximumEventAgeInSeconds', async () => {
    await create(s, 'old', 'at(2026-01-01T00:01:00)', { Target: { Arn: FN, RoleArn: ROLE, Input: '{"name":"old"}', RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 } } });
    ctl.plan = { old: 'throw' };
    ctl.onCall = () => (now += 25_000); // each attempt takes 25 s of the clock
    await at(s, '2026-01-01T00:01:00Z');
    // attempts start at age 0, 25 and 50 s; at 75 s the age limit ends it
    expect(named('old')).toHaveLength(3);
    expect(s.failures).toMatchObject([{ schedule: 'old', attempts: 3 }]);
    expect(s.failures[0]!.deadLetter).toBeUndefined(); // no DeadLetterConfig: the event is dropped
  });

  it('without a RetryPolicy, AWS\'s default applies: 185 retries', async () => {
    await s.handle('POST', '/schedules/default-policy', new URLSearchParams(), {
      ScheduleExpression: 'at(2026-01-01T00:01:00)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: FN, RoleArn: ROLE, Input: '{"name":"default-policy"}' },
    });
    ctl.plan = { 'default-policy': 'throw' };
    await at(s, '2026-01-01T00:01:00Z');
    expect(named('default-policy')).toHaveLength(186);
    expect(s.failures).toMatchObject([{ schedule: 'default-policy', attempts: 186 }]);
  });
});

describe('schedules are kept in an append-only journal', () => {
  it('a CreateSchedule appends one line, never rewrites the others; deletes, group deletes and legacy files survive a restart', async () => {
    const file = join(dir, 'schedules.jsonl');
    for (let i = 0; i < 50; i++) await create(s, `t${i}`, 'at(2026-01-02T00:00:00)');
    const lines = () => readFileSync(file, 'utf8').trim().split('\n');
    expect(lines()).toHaveLength(50); // one per schedule, not 1 + 2 + ... + 50 bytes rewritten
    await s.handle('DELETE', '/schedules/t3', new URLSearchParams(), {});
    await s.handle('POST', '/schedule-groups/tmp', new URLSearchParams(), {});
    await create(s, 'in-tmp', 'rate(1 hour)', { GroupName: 'tmp' });
    const restarted = new SchedulerEmulator(dir, { retryDelayMs: 0 });
    expect(await exists(restarted, 't3')).toBe(false);
    expect(await exists(restarted, 't4')).toBe(true);
    await restarted.handle('DELETE', '/schedule-groups/tmp', new URLSearchParams(), {});
    const third = new SchedulerEmulator(dir, { retryDelayMs: 0 });
    await expect(third.handle('GET', '/schedules/in-tmp', new URLSearchParams({ groupName: 'tmp' }), {})).rejects.toMatchObject({ type: 'ResourceNotFoundException' });
    await expect(third.handle('GET', '/schedule-groups/tmp', new URLSearchParams(), {})).rejects.toMatchObject({ type: 'ResourceNotFoundException' });

    // A data folder from before the journal (schedules.json): moved in once, then read from the journal.
    const legacyDir = mkdtempSync(join(tmpdir(), 'cirrus-sched-legacy-'));
    try {
      const schedule = JSON.parse(lines()[0]!).entry;
      writeFileSync(join(legacyDir, 'schedules.json'), JSON.stringify({ schedules: [{ ...schedule, Name: 'old' }], groups: [] }));
      expect(await exists(new SchedulerEmulator(legacyDir, { retryDelayMs: 0 }), 'old')).toBe(true);
      expect(await exists(new SchedulerEmulator(legacyDir, { retryDelayMs: 0 }), 'old')).toBe(true);
    } finally {
      rmSync(legacyDir, { recursive: true, force: true });
    }
  });
});
