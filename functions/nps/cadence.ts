import { Temporal } from 'temporal-polyfill';
import type { NpsSettings } from '#schemas/nps.ts';

/**
 * When NPS rounds happen: on `dayOfMonth` at `time` in `timeZone`, every month or every quarter (January,
 * April, July, October). The same rule is the schedule's cron expression (EventBridge Scheduler keeps 10:00 at
 * 10:00 across daylight saving) and `nextRound`, which the settings page shows.
 */
export const QUARTER_MONTHS = [1, 4, 7, 10] as const;

type Cadence = Pick<NpsSettings, 'cadence' | 'dayOfMonth' | 'time' | 'timeZone'>;

/** `cron(0 10 1 1,4,7,10 ? *)` for quarterly on the 1st at 10:00. */
export function npsCron(s: Cadence): string {
  const [h, m] = s.time.split(':').map(Number);
  return `cron(${m} ${h} ${s.dayOfMonth} ${s.cadence === 'quarterly' ? QUARTER_MONTHS.join(',') : '*'} ? *)`;
}

/** The first round strictly after `after`, as an instant. */
export function nextRound(s: Cadence, after: Date): Date {
  const [h = 0, m = 0] = s.time.split(':').map(Number);
  const now = Temporal.Instant.fromEpochMilliseconds(after.getTime());
  const local = now.toZonedDateTimeISO(s.timeZone);
  for (let i = 0; i < 15; i++) {
    const month = Temporal.PlainYearMonth.from({ year: local.year, month: local.month }).add({ months: i });
    if (s.cadence === 'quarterly' && !(QUARTER_MONTHS as readonly number[]).includes(month.month)) continue;
    const at = Temporal.ZonedDateTime.from({ timeZone: s.timeZone, year: month.year, month: month.month, day: s.dayOfMonth, hour: h, minute: m });
    if (Temporal.Instant.compare(at.toInstant(), now) > 0) return new Date(at.epochMilliseconds);
  }
  throw new Error('no next NPS round'); // unreachable: a quarter month comes within 15 months
}

/** A round's id: the tenant-local date it runs on (`2027-01-01`), so a second firing or a send now the same day is the same round. */
export const roundIdAt = (at: Date, timeZone: string): string =>
  Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();
