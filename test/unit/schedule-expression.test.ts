import { describe, expect, it } from 'vitest';
import { ExpressionError, nextFiring, parseExpression, zonedToUtc } from '../../infra/local/schedule-expression.ts';

const t = (iso: string) => Date.parse(iso);
const next = (expr: string, after: string, tz = 'UTC', anchor?: string) => {
  const n = nextFiring(parseExpression(expr), t(after), tz, anchor ? t(anchor) : undefined);
  return n === undefined ? undefined : new Date(n).toISOString();
};

describe('Scheduler expressions (local runtime)', () => {
  it('at(): fires once at the wall-clock time in its zone, never after', () => {
    expect(next('at(2026-03-01T10:00:00)', '2026-02-01T00:00:00Z')).toBe('2026-03-01T10:00:00.000Z');
    expect(next('at(2026-03-01T10:00:00)', '2026-02-01T00:00:00Z', 'Asia/Shanghai')).toBe('2026-03-01T02:00:00.000Z');
    expect(next('at(2026-03-01T10:00:00)', '2026-03-01T10:00:00Z')).toBeUndefined();
    expect(() => parseExpression('at(2026-13-01T10:00:00)')).toThrow(ExpressionError);
  });

  it('rate(): counts periods from its anchor', () => {
    expect(next('rate(5 minutes)', '2026-01-01T00:00:00Z')).toBe('2026-01-01T00:05:00.000Z');
    expect(next('rate(1 hour)', '2026-01-01T02:30:00Z', 'UTC', '2026-01-01T00:00:00Z')).toBe('2026-01-01T03:00:00.000Z');
    expect(next('rate(2 days)', '2026-01-01T00:00:00Z')).toBe('2026-01-03T00:00:00.000Z');
    expect(() => parseExpression('rate(1 minutes)')).toThrow(ExpressionError);
    expect(() => parseExpression('rate(0 minutes)')).toThrow(ExpressionError);
  });

  it('cron(): 6 fields, day-of-week 1 = Sunday, ranges, steps, lists and names', () => {
    expect(next('cron(0 9 ? * MON-FRI *)', '2026-11-21T12:00:00Z')).toBe('2026-11-23T09:00:00.000Z'); // Sat → Mon
    expect(next('cron(0 9 ? * 2 *)', '2026-11-23T09:00:00Z')).toBe('2026-11-30T09:00:00.000Z'); // 2 = Monday
    expect(next('cron(*/15 * * * ? *)', '2026-01-01T00:07:00Z')).toBe('2026-01-01T00:15:00.000Z');
    expect(next('cron(0 0 1 JAN,JUL ? *)', '2026-02-01T00:00:00Z')).toBe('2026-07-01T00:00:00.000Z');
    expect(next('cron(30 8 1 * ? 2027)', '2026-02-01T00:00:00Z')).toBe('2027-01-01T08:30:00.000Z');
    expect(next('cron(0 8 * * ? 2020)', '2026-02-01T00:00:00Z')).toBeUndefined();
  });

  it('cron(): evaluated in the schedule time zone, across DST', () => {
    expect(next('cron(0 8 * * ? *)', '2026-01-01T00:00:00Z', 'Asia/Shanghai')).toBe('2026-01-02T00:00:00.000Z');
    expect(next('cron(0 8 * * ? *)', '2026-03-07T14:00:00Z', 'America/New_York')).toBe('2026-03-08T12:00:00.000Z'); // EDT starts
    expect(next('cron(0 8 * * ? *)', '2026-03-06T12:00:00Z', 'America/New_York')).toBe('2026-03-06T13:00:00.000Z'); // EST
  });

  it('refuses malformed cron', () => {
    expect(() => parseExpression('cron(0 9 * * *)')).toThrow(/6 fields/);
    expect(() => parseExpression('cron(0 9 * * MON *)')).toThrow(/"\?"/);
    expect(() => parseExpression('cron(0 25 * * ? *)')).toThrow(ExpressionError);
    expect(() => parseExpression('cron(0 9 L * ? *)')).toThrow(/not supported/);
    expect(() => parseExpression('every day')).toThrow(ExpressionError);
  });

  it('converts wall-clock times to UTC', () => {
    expect(zonedToUtc({ year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 0 }, 'Europe/London')).toBe(t('2026-07-01T11:00:00Z'));
  });
});
