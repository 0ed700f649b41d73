import { Temporal } from 'temporal-polyfill';
import { WEEKDAYS } from '#schemas/marketing/journey.ts';

/**
 * A journey's clock arithmetic, in the person's time zone (pure): a duration's days are calendar days there
 * (P1D across a DST change is 23 or 25 hours; hours and minutes are exact), and "until Tuesday 09:00" is the
 * next Tuesday 09:00 wall-clock time there, strictly after now (a time skipped by DST moves forward).
 */
export function addDuration(from: Date, duration: string, zone: string): Date {
  const d = Temporal.Duration.from(duration);
  return new Date(Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(zone).add(d).epochMilliseconds);
}

export function nextWeekdayTime(from: Date, weekday: (typeof WEEKDAYS)[number], time: string, zone: string): Date {
  const now = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(zone);
  const [h, m] = time.split(':').map(Number) as [number, number];
  const want = WEEKDAYS.indexOf(weekday) + 1; // ISO: Monday 1 … Sunday 7
  for (let add = 0; add <= 7; add++) {
    const day = now.toPlainDate().add({ days: add });
    if (day.dayOfWeek !== want) continue;
    const at = day.toZonedDateTime({ timeZone: zone, plainTime: new Temporal.PlainTime(h, m) });
    if (Temporal.ZonedDateTime.compare(at, now) > 0) return new Date(at.epochMilliseconds);
  }
  throw new Error('unreachable: a weekday comes within 8 days');
}

export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || !zone) return false;
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** Where a person lives when their record does not say (`timeZone`): their country's main zone. */
const COUNTRY_ZONES: Readonly<Record<string, string>> = {
  CN: 'Asia/Shanghai', HK: 'Asia/Hong_Kong', TW: 'Asia/Taipei', SG: 'Asia/Singapore', JP: 'Asia/Tokyo', KR: 'Asia/Seoul',
  IN: 'Asia/Kolkata', DE: 'Europe/Berlin', FR: 'Europe/Paris', GB: 'Europe/London', NL: 'Europe/Amsterdam', ES: 'Europe/Madrid',
  IT: 'Europe/Rome', US: 'America/New_York', CA: 'America/Toronto', BR: 'America/Sao_Paulo', AU: 'Australia/Sydney',
};

export function zoneOf(person: Record<string, unknown> | undefined, fallback: string): string {
  if (person && isTimeZone(person.timeZone)) return person.timeZone;
  const country = typeof person?.country === 'string' ? COUNTRY_ZONES[person.country] : undefined;
  return country ?? (isTimeZone(fallback) ? fallback : 'UTC');
}
