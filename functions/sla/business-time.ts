import { Temporal } from 'temporal-polyfill';
import { WEEKDAYS, type BusinessCalendar } from '#schemas/service-desk.ts';

/**
 * Business-time arithmetic over a calendar (SVC-4), pure: which instants are open (weekly hours in the
 * calendar's time zone, less holidays, plus adjusted working days), how many business milliseconds lie
 * between two instants, and which instant is N business minutes after another. Wall times become instants
 * through Temporal, so a day with a DST change has the hours it really has (Europe/Berlin's 29 March 2026
 * loses 02:00–03:00; a wall time that does not exist moves forward).
 *
 * Conventions: `addBusiness(t, 0)` is `t`; otherwise the result is inside an open interval or at its end
 * (a target that ends exactly at 18:00 is due at 18:00, not at 09:00 the next day).
 */

const MINUTE = 60_000;
/** A calendar open at least once a year is required; past this many days without an open minute, give up. */
const MAX_DAYS = 800;

interface Interval { start: number; end: number }

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The open intervals of one local date, as epoch-millisecond instants. */
function openOn(cal: BusinessCalendar, date: Temporal.PlainDate): Interval[] {
  const iso = date.toString();
  if (cal.holidays.includes(iso)) return [];
  const hours = cal.workdays.includes(iso) ? cal.workdayHours ?? cal.weekly.mon : cal.weekly[WEEKDAYS[date.dayOfWeek - 1]!];
  const out: Interval[] = [];
  for (const h of hours) {
    const s = minutesOf(h.start);
    const e = minutesOf(h.end);
    if (e <= s) continue;
    const at = (m: number) => (m >= 1440 ? date.add({ days: 1 }) : date)
      .toZonedDateTime({ timeZone: cal.timeZone, plainTime: Temporal.PlainTime.from({ hour: Math.floor((m % 1440) / 60), minute: m % 60 }) })
      .epochMilliseconds;
    const start = at(s);
    const end = at(e);
    if (end > start) out.push({ start, end });
  }
  return out.sort((a, b) => a.start - b.start);
}

const localDate = (cal: BusinessCalendar, t: number) => Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(cal.timeZone).toPlainDate();

/** Whether the calendar has any open hours at all (a calendar with none cannot time a target). */
export function hasOpenHours(cal: BusinessCalendar): boolean {
  return Object.values(cal.weekly).some((d) => d.some((h) => minutesOf(h.end) > minutesOf(h.start)))
    || (cal.workdays.length > 0 && (cal.workdayHours ?? cal.weekly.mon).some((h) => minutesOf(h.end) > minutesOf(h.start)));
}

/** The instant `ms` business milliseconds after `from`. */
export function addBusinessMs(cal: BusinessCalendar, from: Date, ms: number): Date {
  let left = ms;
  const t0 = from.getTime();
  if (left <= 0) return new Date(t0);
  // Start the day before: an interval of the previous local date may still be open (hours past midnight).
  let date = localDate(cal, t0).subtract({ days: 1 });
  for (let i = 0; i < MAX_DAYS; i++, date = date.add({ days: 1 })) {
    for (const iv of openOn(cal, date)) {
      const start = Math.max(iv.start, t0);
      if (start >= iv.end) continue;
      const room = iv.end - start;
      if (left <= room) return new Date(start + left);
      left -= room;
    }
  }
  throw new RangeError(`The calendar ${cal.id} has no open hours within ${MAX_DAYS} days of ${from.toISOString()}`);
}

/** The instant `minutes` business minutes after `from`. */
export const addBusinessMinutes = (cal: BusinessCalendar, from: Date, minutes: number) => addBusinessMs(cal, from, minutes * MINUTE);

/** Business milliseconds in [a, b) (0 when b is not after a). */
export function businessMsBetween(cal: BusinessCalendar, a: Date, b: Date): number {
  const from = a.getTime();
  const to = b.getTime();
  if (to <= from) return 0;
  let total = 0;
  let date = localDate(cal, from).subtract({ days: 1 });
  const last = localDate(cal, to);
  for (let i = 0; i < MAX_DAYS * 4 && Temporal.PlainDate.compare(date, last) <= 0; i++, date = date.add({ days: 1 })) {
    for (const iv of openOn(cal, date)) {
      const s = Math.max(iv.start, from);
      const e = Math.min(iv.end, to);
      if (e > s) total += e - s;
    }
  }
  return total;
}

export const businessMinutesBetween = (cal: BusinessCalendar, a: Date, b: Date) => businessMsBetween(cal, a, b) / MINUTE;

/** Whether the instant is within open hours. */
export function isOpenAt(cal: BusinessCalendar, t: Date): boolean {
  const ms = t.getTime();
  const d = localDate(cal, ms);
  return [d.subtract({ days: 1 }), d].some((date) => openOn(cal, date).some((iv) => iv.start <= ms && ms < iv.end));
}
