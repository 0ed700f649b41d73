import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, addBusinessMs, businessMinutesBetween, businessMsBetween, isOpenAt } from '../../functions/sla/business-time.ts';
import { defaultServiceDesk, type BusinessCalendar } from '../../schemas/service-desk.ts';
import { mulberry32 } from '../support/prng.ts';

const nine = [{ start: '09:00', end: '18:00' }];
const shanghai: BusinessCalendar = {
  ...defaultServiceDesk('Asia/Shanghai').calendars[0]!,
  // National Day week 2026 (1–7 Oct off), with the make-up working days 9 Oct? (Sat 10 Oct entered as worked).
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-10-10'],
};
const berlin: BusinessCalendar = {
  id: 'berlin', name: { en: 'Berlin', 'zh-CN': '柏林' }, timeZone: 'Europe/Berlin',
  // A night shift across midnight on Saturday and DST-sensitive early hours on Sunday.
  weekly: { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine, sat: [{ start: '22:00', end: '24:00' }], sun: [{ start: '01:00', end: '04:00' }] },
  holidays: ['2026-12-25'], workdays: [],
};
const always = defaultServiceDesk('Asia/Shanghai').calendars[1]!;
const calendars = [shanghai, berlin, always];

describe('business time', () => {
  it('a Friday-afternoon target runs over the weekend to Monday morning (Asia/Shanghai)', () => {
    // Fri 2026-12-04 17:00 in Shanghai = 09:00Z; 4 business hours: 1 h on Friday, 3 h on Monday → Mon 12:00 = 04:00Z.
    expect(addBusinessMinutes(shanghai, new Date('2026-12-04T09:00:00Z'), 240).toISOString()).toBe('2026-12-07T04:00:00.000Z');
    expect(businessMinutesBetween(shanghai, new Date('2026-12-04T09:00:00Z'), new Date('2026-12-07T04:00:00Z'))).toBe(240);
  });

  it('a target ending exactly at closing time is due at closing time', () => {
    // Mon 09:00 Shanghai = 01:00Z + 9 h → 18:00 Shanghai = 10:00Z.
    expect(addBusinessMinutes(shanghai, new Date('2026-12-07T01:00:00Z'), 540).toISOString()).toBe('2026-12-07T10:00:00.000Z');
  });

  it('holidays are closed and an adjusted working Saturday is open', () => {
    // Wed 30 Sep 17:00 + 2 h: 1 h on the 30th, then 1–2 Oct closed, 3–4 weekend, 5–7 closed, Thu 8 Oct 10:00.
    expect(addBusinessMinutes(shanghai, new Date('2026-09-30T09:00:00Z'), 120).toISOString()).toBe('2026-10-08T02:00:00.000Z');
    expect(isOpenAt(shanghai, new Date('2026-10-10T03:00:00Z'))).toBe(true); // Sat 10 Oct 11:00, worked
    expect(isOpenAt(shanghai, new Date('2026-10-17T03:00:00Z'))).toBe(false); // an ordinary Saturday
    expect(isOpenAt(shanghai, new Date('2026-10-01T03:00:00Z'))).toBe(false);
  });

  it('Europe/Berlin: the spring-forward Sunday has two open hours, the fall-back Sunday four', () => {
    // 29 Mar 2026: 02:00→03:00, so 01:00–04:00 local is 00:00Z–02:00Z.
    expect(businessMinutesBetween(berlin, new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T12:00:00Z'))).toBe(120);
    // 25 Oct 2026: 03:00→02:00, so 01:00–04:00 local is 23:00Z (the 24th)–03:00Z.
    expect(businessMinutesBetween(berlin, new Date('2026-10-24T23:00:00Z'), new Date('2026-10-25T12:00:00Z'))).toBe(240);
    // The Saturday night shift ends at midnight: Sat 22:00–24:00 local in winter is 21:00Z–23:00Z.
    expect(addBusinessMinutes(berlin, new Date('2026-12-05T21:30:00Z'), 60).toISOString()).toBe('2026-12-05T22:30:00.000Z');
  });

  it('24×7 is wall-clock time', () => {
    expect(addBusinessMinutes(always, new Date('2026-12-05T10:00:00Z'), 1440).toISOString()).toBe('2026-12-06T10:00:00.000Z');
  });

  it('property: adding then measuring gives back the minutes, adding is monotonic and additive, results are open or at a closing', () => {
    const rnd = mulberry32(20261203);
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 400; i++) {
      const cal = calendars[i % calendars.length]!;
      // Any instant of 2026 (both DST changes, the holidays), to the second.
      const from = new Date(base + Math.floor(rnd() * 365 * 86400) * 1000);
      const a = Math.floor(rnd() * 5 * 540) * 60_000;
      const b = Math.floor(rnd() * 2 * 540) * 60_000;
      const ta = addBusinessMs(cal, from, a);
      expect(businessMsBetween(cal, from, ta), `${cal.id} ${from.toISOString()} +${a}`).toBe(a);
      expect(ta.getTime()).toBeGreaterThanOrEqual(from.getTime());
      const tab = addBusinessMs(cal, from, a + b);
      expect(tab.getTime()).toBeGreaterThanOrEqual(ta.getTime());
      if (a > 0) expect(addBusinessMs(cal, ta, b).getTime(), `${cal.id} ${from.toISOString()} +${a}+${b}`).toBe(tab.getTime());
      if (a > 0) expect(isOpenAt(cal, new Date(ta.getTime() - 1))).toBe(true);
    }
  });
});
