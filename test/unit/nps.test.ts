import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { nextRound, npsCron, roundIdAt } from '../../functions/nps/cadence.ts';
import { npsFigures } from '../../functions/nps/answer.ts';
import { defaultNpsSettings, netPromoterScore, npsAnswer, npsCategory, npsSettings } from '../../schemas/nps.ts';

/** NPS (issue 9, SVC-5): when rounds happen, the score and its bands, and the settings' validation. */
const s = (extra: Partial<ReturnType<typeof defaultNpsSettings>> = {}) => ({ ...defaultNpsSettings(), ...extra });
const at = (iso: string) => new Date(iso);
const next = (x: Parameters<typeof nextRound>[0], iso: string) => nextRound(x, at(iso)).toISOString();

describe('NPS cadence', () => {
  it('the cron expression: minutes, hours, the day, every month or the quarter months', () => {
    expect(npsCron(s())).toBe('cron(0 10 1 1,4,7,10 ? *)');
    expect(npsCron(s({ cadence: 'monthly', dayOfMonth: 15, time: '09:05' }))).toBe('cron(5 9 15 * ? *)');
    expect(npsCron(s({ cadence: 'monthly', dayOfMonth: 28, time: '23:59' }))).toBe('cron(59 23 28 * ? *)');
  });

  it('monthly: the day and time of this month when still ahead, else of the next; strictly after', () => {
    const m = s({ cadence: 'monthly', dayOfMonth: 15, time: '10:00', timeZone: 'Asia/Shanghai' });
    expect(next(m, '2026-12-03T00:00:00Z')).toBe('2026-12-15T02:00:00.000Z');
    expect(next(m, '2026-12-15T02:00:00Z')).toBe('2027-01-15T02:00:00.000Z');
    expect(next(m, '2026-12-15T01:59:59Z')).toBe('2026-12-15T02:00:00.000Z');
  });

  it('quarterly (Asia/Shanghai): January, April, July and October, across the year end', () => {
    const q = s({ cadence: 'quarterly', dayOfMonth: 1, time: '10:00', timeZone: 'Asia/Shanghai' });
    expect(next(q, '2026-12-03T00:00:00Z')).toBe('2027-01-01T02:00:00.000Z');
    expect(next(q, '2027-01-01T02:00:00Z')).toBe('2027-04-01T02:00:00.000Z');
    expect(next(q, '2027-08-20T00:00:00Z')).toBe('2027-10-01T02:00:00.000Z');
    // 1 January 01:00 in Shanghai is still 31 December in UTC: the round is that morning, not a quarter later.
    expect(next(q, '2026-12-31T17:00:00Z')).toBe('2027-01-01T02:00:00.000Z');
  });

  it('Europe/Berlin across the DST change: 10:00 stays 10:00 local (09:00Z in winter, 08:00Z in summer)', () => {
    const b = s({ cadence: 'monthly', dayOfMonth: 15, time: '10:00', timeZone: 'Europe/Berlin' });
    expect(next(b, '2027-03-01T00:00:00Z')).toBe('2027-03-15T09:00:00.000Z');
    expect(next(b, '2027-03-15T09:00:00Z')).toBe('2027-04-15T08:00:00.000Z');
    expect(next(b, '2027-10-01T00:00:00Z')).toBe('2027-10-15T08:00:00.000Z');
    expect(next(b, '2027-10-15T08:00:00Z')).toBe('2027-11-15T09:00:00.000Z');
    // 02:30 on 28 March 2027 does not exist in Berlin (the clocks jump 02:00 → 03:00): the round is at 03:30 CEST.
    const gap = s({ cadence: 'monthly', dayOfMonth: 28, time: '02:30', timeZone: 'Europe/Berlin' });
    expect(next(gap, '2027-03-01T00:00:00Z')).toBe('2027-03-28T01:30:00.000Z');
  });

  it('property: the next round is after the instant, on the day and time in the zone, and none lies between', () => {
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const zones = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'UTC'];
    for (let run = 0; run < 300; run++) {
      const x = s({
        cadence: rand(2) ? 'monthly' : 'quarterly', dayOfMonth: 1 + rand(28),
        time: `${String(rand(24)).padStart(2, '0')}:${String(rand(60)).padStart(2, '0')}`, timeZone: zones[rand(zones.length)]!,
      });
      const after = new Date(Date.UTC(2026, 0, 1) + rand(3 * 365) * 86400_000 + rand(86400) * 1000);
      const r = nextRound(x, after);
      expect(r.getTime()).toBeGreaterThan(after.getTime());
      const local = Temporal.Instant.fromEpochMilliseconds(r.getTime()).toZonedDateTimeISO(x.timeZone);
      expect(local.day).toBe(x.dayOfMonth);
      if (x.cadence === 'quarterly') expect([1, 4, 7, 10]).toContain(local.month);
      // Not more than a cadence away, and there is no earlier round after `after`.
      expect(r.getTime() - after.getTime()).toBeLessThanOrEqual((x.cadence === 'monthly' ? 32 : 93) * 86400_000);
      const before = new Date(r.getTime() - 1);
      if (before.getTime() > after.getTime()) expect(nextRound(x, before).getTime()).toBe(r.getTime());
    }
  });

  it('a round is the tenant-local date it runs on', () => {
    expect(roundIdAt(at('2026-12-31T17:00:00Z'), 'Asia/Shanghai')).toBe('2027-01-01');
    expect(roundIdAt(at('2026-12-31T17:00:00Z'), 'Europe/Berlin')).toBe('2026-12-31');
  });
});

describe('NPS score and bands', () => {
  it('9–10 promoters, 7–8 passives, 0–6 detractors', () => {
    expect(Array.from({ length: 11 }, (_, i) => npsCategory(i))).toEqual([
      'detractor', 'detractor', 'detractor', 'detractor', 'detractor', 'detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter',
    ]);
    expect(npsFigures(10)).toEqual({ npsResponses: 1, npsPromoters: 1, npsPassives: 0, npsDetractors: 0 });
    expect(npsFigures(7)).toEqual({ npsResponses: 1, npsPromoters: 0, npsPassives: 1, npsDetractors: 0 });
    expect(npsFigures(0)).toEqual({ npsResponses: 1, npsPromoters: 0, npsPassives: 0, npsDetractors: 1 });
  });

  it('no answers: null; all promoters 100, all detractors −100', () => {
    expect(netPromoterScore({ responses: 0, promoters: 0, detractors: 0 })).toBeNull();
    expect(netPromoterScore({ responses: 4, promoters: 4, detractors: 0 })).toBe(100);
    expect(netPromoterScore({ responses: 4, promoters: 0, detractors: 4 })).toBe(-100);
    expect(netPromoterScore({ responses: 3, promoters: 1, detractors: 2 })).toBe(-33);
  });

  it('property: any set of answers scores a whole number in −100..100, never −0, and matches the definition', () => {
    let seed = 5;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let run = 0; run < 2000; run++) {
      const scores = Array.from({ length: 1 + rand(60) }, () => rand(11));
      const promoters = scores.filter((x) => npsCategory(x) === 'promoter').length;
      const detractors = scores.filter((x) => npsCategory(x) === 'detractor').length;
      const nps = netPromoterScore({ responses: scores.length, promoters, detractors })!;
      expect(Number.isInteger(nps)).toBe(true);
      expect(nps).toBeGreaterThanOrEqual(-100);
      expect(nps).toBeLessThanOrEqual(100);
      expect(Object.is(nps, -0)).toBe(false);
      expect(Math.abs(nps - ((promoters - detractors) / scores.length) * 100)).toBeLessThanOrEqual(0.5);
    }
    expect(Object.is(netPromoterScore({ responses: 3, promoters: 1, detractors: 1 }), 0)).toBe(true);
  });
});

describe('NPS settings and answers', () => {
  const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => (r.error?.issues ?? []).map((i) => i.path.join('.')).sort();

  it('the defaults are valid settings', () => {
    expect(npsSettings.safeParse(defaultNpsSettings()).success).toBe(true);
  });

  it('names every bad field', () => {
    const r = npsSettings.safeParse({
      enabled: 'yes', segmentViewId: 'vw-leads-abc', cadence: 'weekly', dayOfMonth: 29, time: '7:00', timeZone: 'Nowhere/City',
      question: { en: '   ', 'zh-CN': 'x'.repeat(301) }, quietDays: 0, extra: 1,
    });
    expect(r.success).toBe(false);
    expect(paths(r)).toEqual(expect.arrayContaining(['enabled', 'segmentViewId', 'cadence', 'dayOfMonth', 'time', 'timeZone', 'question.en', 'question.zh-CN', 'quietDays']));
    expect(paths(npsSettings.safeParse({ ...defaultNpsSettings(), dayOfMonth: 0, quietDays: 366, time: '24:00' }))).toEqual(['dayOfMonth', 'quietDays', 'time']);
    expect(npsSettings.safeParse({ ...defaultNpsSettings(), segmentViewId: 'vw-contacts-01ABCDEFGHJK' }).success).toBe(true);
  });

  it('an answer is a whole score 0–10 with an optional comment', () => {
    expect(npsAnswer.safeParse({ score: 0 }).success).toBe(true);
    expect(npsAnswer.safeParse({ score: 10, comment: 'great' }).success).toBe(true);
    for (const score of [-1, 11, 7.5, '9']) expect(npsAnswer.safeParse({ score }).success).toBe(false);
    expect(npsAnswer.safeParse({ score: 8, mood: 'ok' }).success).toBe(false);
  });
});
