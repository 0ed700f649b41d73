import { describe, expect, it } from 'vitest';
import { ExpressionError, isTimeZone, nextFiring, parseExpression, zonedToUtc } from '../../infra/local/schedule-expression.ts';

/**
 * Scheduler expressions, table-driven. Sources (each row names one):
 *   [cron-ref]  EventBridge "Cron expressions reference" (docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html):
 *               field/wildcard table, its examples, its Limits section.
 *   [types]     EventBridge Scheduler user guide "Schedule types" (docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):
 *               rate/cron/at syntax, "Daylight saving time".
 *   [repost]    AWS re:Post knowledge center "eventbridge-scheduler-adjust-dst" (AWS official): spring-forward times are
 *               skipped, fall-back times run once, a `days` rate is 24 hours.
 *   [rate-ref]  EventBridge "Rate expressions": 1 takes a singular unit, more a plural one; value a positive integer
 *               (CreateSchedule API reference: "a value as a positive integer").
 *   [ls-sched]  localstack tests/aws/services/scheduler/test_scheduler.py + .snapshot.json, recorded against AWS
 *               (markers.aws.validated): CreateSchedule answers for these expressions.
 *   [ls-events] localstack tests/aws/services/events/test_events_schedule.py (aws.validated): cron strings AWS accepts.
 *   [quartz]    Quartz CronExpression (the syntax AWS cron follows: year 1970-2199, L/W/#): `L` alone in day-of-week
 *               is Saturday, `W` never crosses the month, `#` takes 1-5, L/W/# stand alone, ranges may wrap (22-2).
 */
const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));
const next = (expr: string, after: string, tz = 'UTC', anchor?: string) => iso(nextFiring(parseExpression(expr), t(after), tz, anchor ? t(anchor) : undefined));
/** The next `count` firings after `after`. */
const seq = (expr: string, after: string, count: number, tz = 'UTC') => {
  const parsed = parseExpression(expr);
  const out: (string | undefined)[] = [];
  let at = t(after);
  for (let i = 0; i < count; i++) {
    const n = nextFiring(parsed, at, tz);
    out.push(iso(n));
    if (n === undefined) break;
    at = n;
  }
  return out;
};

describe('cron(): the next firing (UTC)', () => {
  // 2026-01-01 is a Thursday.
  it.each([
    ['[cron-ref] 10:00 every day', 'cron(0 10 * * ? *)', '2026-01-01T10:00:00Z', ['2026-01-02T10:00:00Z']],
    ['[cron-ref] 12:15 every day', 'cron(15 12 * * ? *)', '2026-01-01T00:00:00Z', ['2026-01-01T12:15:00Z']],
    ['[cron-ref] 18:00 Monday to Friday', 'cron(0 18 ? * MON-FRI *)', '2026-01-02T18:00:00Z', ['2026-01-05T18:00:00Z']],
    ['[cron-ref] 08:00 on the 1st', 'cron(0 8 1 * ? *)', '2026-01-01T08:00:00Z', ['2026-02-01T08:00:00Z']],
    ['[cron-ref] every 15 minutes', 'cron(0/15 * * * ? *)', '2026-01-01T00:00:00Z', ['2026-01-01T00:15:00Z', '2026-01-01T00:30:00Z', '2026-01-01T00:45:00Z']],
    ['[cron-ref] every 10 minutes Mon-Fri', 'cron(0/10 * ? * MON-FRI *)', '2026-01-02T23:55:00Z', ['2026-01-05T00:00:00Z']],
    ['[cron-ref] every 5 minutes 08:00-17:55 Mon-Fri', 'cron(0/5 8-17 ? * MON-FRI *)', '2026-01-05T17:55:00Z', ['2026-01-06T08:00:00Z']],
    ['[cron-ref] 1/10 = the 1st, 11th, 21st ... minute', 'cron(1/10 * * * ? *)', '2026-01-01T00:00:00Z', ['2026-01-01T00:01:00Z', '2026-01-01T00:11:00Z', '2026-01-01T00:21:00Z']],
    ['[types] 09:00 on the first Monday (2#1)', 'cron(0 9 ? * 2#1 *)', '2026-01-01T00:00:00Z', ['2026-01-05T09:00:00Z', '2026-02-02T09:00:00Z']],
    ['[cron-ref] 3#2 = the second Tuesday', 'cron(0 0 ? * 3#2 *)', '2026-01-01T00:00:00Z', ['2026-01-13T00:00:00Z']],
    ['[cron-ref] 3W = weekday nearest the 3rd (Sat 3 Jan -> Fri 2)', 'cron(0 0 3W * ? *)', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00Z', '2026-02-03T00:00:00Z']],
    ['[quartz] 15W, the 15th a Sunday -> Monday 16', 'cron(0 9 15W * ? *)', '2026-02-01T00:00:00Z', ['2026-02-16T09:00:00Z']],
    ['[quartz] 1W, the 1st a Saturday -> Monday 3 (no jump into July)', 'cron(0 9 1W * ? *)', '2026-07-31T00:00:00Z', ['2026-08-03T09:00:00Z']],
    ['[quartz] 31W, the 31st a Sunday -> Friday 29', 'cron(0 9 31W * ? *)', '2026-05-01T00:00:00Z', ['2026-05-29T09:00:00Z']],
    ['[quartz] 31W skips months without a 31st', 'cron(0 9 31W * ? *)', '2026-06-01T00:00:00Z', ['2026-07-31T09:00:00Z']],
    ['[cron-ref] L in day-of-month = last day (leap year)', 'cron(0 0 L * ? *)', '2028-02-01T00:00:00Z', ['2028-02-29T00:00:00Z', '2028-03-31T00:00:00Z']],
    ['[quartz] LW = last weekday (31 Jan a Saturday)', 'cron(0 9 LW * ? *)', '2026-01-01T00:00:00Z', ['2026-01-30T09:00:00Z']],
    ['[quartz] LW = last weekday (31 May a Sunday)', 'cron(0 9 LW * ? *)', '2026-05-01T00:00:00Z', ['2026-05-29T09:00:00Z']],
    ['[quartz] L alone in day-of-week = every Saturday', 'cron(0 0 ? * L *)', '2026-01-01T00:00:00Z', ['2026-01-03T00:00:00Z', '2026-01-10T00:00:00Z']],
    ['[cron-ref] 5L = the last Thursday', 'cron(0 12 ? * 5L *)', '2026-01-01T00:00:00Z', ['2026-01-29T12:00:00Z', '2026-02-26T12:00:00Z']],
    ['[ls-events] 6L in 2002-2005 = last Friday, then never', 'cron(15 10 ? * 6L 2002-2005)', '2005-12-01T00:00:00Z', ['2005-12-30T10:15:00Z', undefined]],
    ['[ls-events] SAT#3 = the third Saturday', 'cron(0 2 ? * SAT#3 *)', '2026-01-01T00:00:00Z', ['2026-01-17T02:00:00Z']],
    ['[ls-events] every minute of the third Saturday', 'cron(* * ? * SAT#3 *)', '2026-01-17T23:58:00Z', ['2026-01-17T23:59:00Z', '2026-02-21T00:00:00Z']],
    ['[ls-events] every 5 minutes, Sun-Thu of January 2022 only', 'cron(0/5 5 ? JAN 1-5 2022)', '2022-01-01T04:00:00Z', ['2022-01-02T05:00:00Z']],
    ['[ls-events] ... and nothing after January 2022', 'cron(0/5 5 ? JAN 1-5 2022)', '2022-01-31T06:00:00Z', [undefined]],
    ['[ls-events] every 30 minutes 00:00-02:30 Mon-Fri', 'cron(0/30 0-2 ? * MON-FRI *)', '2026-01-05T02:30:00Z', ['2026-01-06T00:00:00Z']],
    ['[ls-sched] 0-15/1 at 08:00-08:15, Mon-Sat', 'cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)', '2026-01-05T08:15:00Z', ['2026-01-06T08:00:00Z']],
    ['[ls-sched] 1-31/30 = minutes 1 and 31, Sat and Sun', 'cron(1-31/30 1-1 ? * 1,7 *)', '2026-01-01T00:00:00Z', ['2026-01-03T01:01:00Z', '2026-01-03T01:31:00Z', '2026-01-04T01:01:00Z']],
    ['[ls-sched] 0-59/10 0-23/2', 'cron(0-59/10 0-23/2 ? * * *)', '2026-01-01T00:50:00Z', ['2026-01-01T02:00:00Z']],
    ['[quartz] wrapping hours 20-2', 'cron(0 20-2 * * ? *)', '2026-01-01T02:00:00Z', ['2026-01-01T20:00:00Z', '2026-01-01T21:00:00Z', '2026-01-01T22:00:00Z', '2026-01-01T23:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02T01:00:00Z', '2026-01-02T02:00:00Z', '2026-01-02T20:00:00Z']],
    ['[quartz] wrapping days FRI-MON', 'cron(0 12 ? * FRI-MON *)', '2026-01-01T12:00:00Z', ['2026-01-02T12:00:00Z', '2026-01-03T12:00:00Z', '2026-01-04T12:00:00Z', '2026-01-05T12:00:00Z', '2026-01-09T12:00:00Z']],
    ['[quartz] wrapping minutes with a step 50-10/10', 'cron(50-10/10 * * * ? *)', '2026-01-01T00:00:00Z', ['2026-01-01T00:10:00Z', '2026-01-01T00:50:00Z', '2026-01-01T01:00:00Z']],
    ['[quartz] wrapping months NOV-FEB', 'cron(0 0 1 NOV-FEB ? *)', '2026-02-01T00:00:00Z', ['2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z']],
    ['[cron-ref] names are accepted in lower case too ([quartz] upper-cases)', 'cron(0 0 1 jan,jul ? *)', '2026-02-01T00:00:00Z', ['2026-07-01T00:00:00Z']],
    ['[cron-ref] a day that never comes never fires', 'cron(0 0 30 2 ? *)', '2026-01-01T00:00:00Z', [undefined]],
  ])('%s: %s', (_label, expr, after, expected) => {
    expect(seq(expr, after, expected.length)).toEqual(expected);
  });
});

describe('cron() and daylight saving time', () => {
  // US clocks go forward on 2026-03-08 (02:00 EST -> 03:00 EDT) and back on 2026-11-01 (02:00 EDT -> 01:00 EST).
  it.each([
    ['[types][repost] a time in the spring-forward gap is skipped, not shifted', 'cron(30 2 * * ? *)', 'America/New_York', '2026-03-07T12:00:00Z', ['2026-03-09T06:30:00Z']],
    ['[types] the day before, EST', 'cron(30 2 * * ? *)', 'America/New_York', '2026-03-06T12:00:00Z', ['2026-03-07T07:30:00Z']],
    ['[types][repost] every 30 minutes across the gap: 01:30 EST, then 03:00 EDT', 'cron(0/30 * * * ? *)', 'America/New_York', '2026-03-08T06:00:00Z', ['2026-03-08T06:30:00Z', '2026-03-08T07:00:00Z']],
    ['[types][repost] a time in the fall-back overlap fires once, at its first occurrence', 'cron(30 1 * * ? *)', 'America/New_York', '2026-10-31T12:00:00Z', ['2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z']],
    ['[types][repost] every 30 minutes across the overlap: 01:00 and 01:30 run once', 'cron(0/30 * * * ? *)', 'America/New_York', '2026-11-01T04:50:00Z', ['2026-11-01T05:00:00Z', '2026-11-01T05:30:00Z', '2026-11-01T07:00:00Z', '2026-11-01T07:30:00Z']],
    ['[types] Europe/London spring-forward gap (01:30 on 29 Mar) is skipped', 'cron(30 1 * * ? *)', 'Europe/London', '2026-03-28T12:00:00Z', ['2026-03-30T00:30:00Z']],
    ['[types] evaluated in the zone: 08:00 Shanghai is 00:00 UTC', 'cron(0 8 * * ? *)', 'Asia/Shanghai', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00Z']],
    ['[types] 08:00 New York follows the switch to EDT', 'cron(0 8 * * ? *)', 'America/New_York', '2026-03-07T14:00:00Z', ['2026-03-08T12:00:00Z']],
  ])('%s', (_label, expr, tz, after, expected) => {
    expect(seq(expr, after, expected.length, tz)).toEqual(expected);
  });

  it('[repost] a rate in days is 24 hours, also on a 23-hour day', () => {
    const parsed = parseExpression('rate(1 day)');
    const anchor = t('2026-03-07T12:00:00Z');
    expect(iso(nextFiring(parsed, anchor, 'America/New_York', anchor))).toBe('2026-03-08T12:00:00Z');
  });
});

describe('rate(): first firing at its anchor (StartDate, or creation), then every period', () => {
  it.each([
    ['[types] without StartDate the schedule starts immediately', 'rate(5 minutes)', '2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    ['[types] the anchor itself is the first occurrence', 'rate(5 minutes)', '2026-01-01T00:04:59Z', '2026-01-01T00:05:00Z', '2026-01-01T00:05:00Z'],
    ['[types] then one period later', 'rate(5 minutes)', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:05:00Z'],
    ['[types] counted from the anchor, not from the last look', 'rate(1 hour)', '2026-01-01T02:30:00Z', '2026-01-01T00:00:00Z', '2026-01-01T03:00:00Z'],
    ['[types] days', 'rate(2 days)', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z'],
  ])('%s', (_label, expr, after, anchor, expected) => {
    // "after" is exclusive: the first row asks from one millisecond before the anchor.
    expect(iso(nextFiring(parseExpression(expr), t(after), 'UTC', t(anchor)))).toBe(expected);
  });
});

describe('at(): once, at the wall-clock time in its zone', () => {
  it.each([
    ['[types] UTC', 'at(2026-03-01T10:00:00)', 'UTC', '2026-02-01T00:00:00Z', '2026-03-01T10:00:00Z'],
    ['[types] in the schedule time zone', 'at(2026-03-01T10:00:00)', 'Asia/Shanghai', '2026-02-01T00:00:00Z', '2026-03-01T02:00:00Z'],
    ['[types] never after it has passed', 'at(2026-03-01T10:00:00)', 'UTC', '2026-03-01T10:00:00Z', undefined],
  ])('%s', (_label, expr, tz, after, expected) => {
    expect(next(expr, after, tz)).toBe(expected);
  });

  it('converts wall-clock times to UTC', () => {
    expect(zonedToUtc({ year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 0 }, 'Europe/London')).toBe(t('2026-07-01T11:00:00Z'));
  });
});

describe('valid expressions', () => {
  it.each([
    ['[ls-sched] past at() is accepted', 'at(2022-12-31T23:59:59)'],
    ['[rate-ref]', 'rate(1 minute)'],
    ['[rate-ref]', 'rate(5 minutes)'],
    ['[rate-ref]', 'rate(1 hour)'],
    ['[rate-ref]', 'rate(12 hours)'],
    ['[rate-ref]', 'rate(1 day)'],
    ['[rate-ref]', 'rate(7 days)'],
    ['[ls-sched]', 'cron(0 18 ? * MON-FRI *)'],
    ['[ls-sched]', 'cron(*/15 * * * ? *)'],
    ['[ls-sched]', 'cron(30-30 13-13 ? * 2,4,6 *)'],
    ['[ls-events]', 'cron(5,35 14 * * ? *)'],
    ['[ls-events]', 'cron(0/30 20-23 ? * MON-FRI *)'],
    ['[cron-ref] year range', 'cron(0 0 1 1 ? 1970-2199)'],
    ['[cron-ref] year step', 'cron(0 0 1 1 ? 2026/2)'],
    ['[cron-ref] day-of-month step', 'cron(0 12 1/5 * ? *)'],
    ['[cron-ref] month names in a range with a step', 'cron(0 0 1 JAN-DEC/3 ? *)'],
    ['[quartz] FRIL = 6L', 'cron(0 0 ? * FRIL *)'],
  ])('%s %s', (_label, expr) => {
    expect(() => parseExpression(expr)).not.toThrow();
  });
});

describe('invalid expressions (AWS answers ValidationException)', () => {
  it.each([
    ['[ls-sched] both day fields set', 'cron(0 1 * * * *)'],
    ['[ls-sched] unknown day name', 'cron(7 20 * * NOT *)'],
    ['[ls-sched]', 'cron(INVALID)'],
    ['[ls-sched] unknown hour', 'cron(0 dummy ? * MON-FRI *)'],
    ['[ls-sched] minute 71', 'cron(71 8 1 * ? *)'],
    ['[ls-sched]', 'cron()'],
    ['[ls-sched]', 'rate(10 seconds)'],
    ['[ls-sched]', 'rate(10 years)'],
    ['[ls-sched]', 'rate()'],
    ['[ls-sched]', 'rate(10)'],
    ['[ls-sched]', 'rate(10 minutess)'],
    ['[ls-sched]', 'rate(foo minutes)'],
    ['[ls-sched]', 'rate(-10 minutes)'],
    ['[ls-sched] no trimming inside', 'rate( 10 minutes )'],
    ['[ls-sched] no trimming outside', ' rate(10 minutes)'],
    ['[ls-sched] no zone suffix', 'at(2021-12-31T23:59:59Z)'],
    ['[ls-sched] a date alone', 'at(2021-12-31)'],
    ['[rate-ref] 1 takes the singular', 'rate(1 minutes)'],
    ['[rate-ref] 1 takes the singular', 'rate(1 hours)'],
    ['[rate-ref] more take the plural', 'rate(5 hour)'],
    ['[rate-ref] a positive integer', 'rate(0 minutes)'],
    ['[cron-ref] six fields', 'cron(0 9 * * *)'],
    ['[cron-ref] one of the day fields must be ?', 'cron(0 9 * * MON *)'],
    ['[cron-ref] not both ?', 'cron(0 9 ? * ? *)'],
    ['[cron-ref] ? only in the day fields', 'cron(? 9 1 * ? *)'],
    ['[cron-ref] hours 0-23', 'cron(0 24 * * ? *)'],
    ['[cron-ref] minutes 0-59', 'cron(60 * * * ? *)'],
    ['[cron-ref] day-of-month 1-31', 'cron(0 0 32 * ? *)'],
    ['[cron-ref] month 1-12', 'cron(0 0 1 13 ? *)'],
    ['[cron-ref] day-of-week 1-7', 'cron(0 0 ? * 8 *)'],
    ['[cron-ref] day-of-week 1-7 (no 0)', 'cron(0 0 ? * 0 *)'],
    ['[cron-ref] year 1970-2199', 'cron(0 0 1 1 ? 1969)'],
    ['[cron-ref] year 1970-2199', 'cron(0 0 1 1 ? 2200)'],
    ['[cron-ref] only one # expression in day-of-week', 'cron(0 9 ? * 3#1,6#3 *)'],
    ['[cron-ref] W only in day-of-month', 'cron(0 9 ? * 2W *)'],
    ['[cron-ref] # only in day-of-week', 'cron(0 9 3#2 * ? *)'],
    ['[cron-ref] no / in day-of-week (its wildcards are , - * ? L #)', 'cron(0 9 ? * 1/2 *)'],
    ['[cron-ref] L only in the day fields', 'cron(0 L 1 * ? *)'],
    ['[quartz] # takes 1-5', 'cron(0 9 ? * 2#6 *)'],
    ['[quartz] L does not combine with other days', 'cron(0 0 L,15 * ? *)'],
    ['[quartz] W does not combine with other days', 'cron(0 0 1W,15 * ? *)'],
    ['[quartz] year ranges do not wrap', 'cron(0 0 1 1 ? 2030-2026)'],
    ['[quartz] minute step at most 59', 'cron(0/60 * * * ? *)'],
    ['[types] at() needs a real date', 'at(2026-02-30T10:00:00)'],
    ['[types] at() month 1-12', 'at(2026-13-01T10:00:00)'],
    ['[types] no other expression kinds', 'every day'],
  ])('%s %s', (_label, expr) => {
    expect(() => parseExpression(expr)).toThrow(ExpressionError);
  });
});

describe('time zones are IANA names', () => {
  it.each([
    ['UTC', true],
    ['America/New_York', true],
    ['Asia/Kolkata', true],
    ['Europe/London', true],
    ['Mars/Olympus', false],
    ['+05:00', false],
    ['america/new_york', false],
    ['', false],
  ])('[types] %s -> %s', (tz, ok) => {
    expect(isTimeZone(tz)).toBe(ok);
  });
});
