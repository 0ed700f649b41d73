import { Temporal } from 'temporal-polyfill';
import type { Activity } from '#schemas/activity.ts';

/**
 * My day (SFA-5), pure: from a user's agenda items (functions/records/dynamo-store.ts `agenda`, one Query of a
 * time range) and their time zone, what is overdue, due today, the meetings coming up and the week's days, each
 * day bounded by local midnights (so a week across a DST change has its 23- or 25-hour day).
 */
export type AgendaItem = Record<string, unknown> & { id: string; at: string };

/** How far back overdue tasks are looked for: older open tasks are on the activities list, not on My day. */
export const OVERDUE_LOOKBACK_DAYS = 60;
/** At most this many agenda items are read for one My day (a week plus the look-back). */
export const MY_DAY_MAX_ITEMS = 500;

export interface MyDayWindow {
  today: string;
  weekStart: string;
  /** UTC instants: start of the look-back, now, the end of today, the week's bounds (local midnights). */
  from: string;
  todayStart: string;
  todayEnd: string;
  weekFrom: string;
  weekTo: string;
  meetingsTo: string;
  dayStarts: string[];
}

const instantOf = (d: Temporal.PlainDate, timeZone: string) => d.toZonedDateTime({ timeZone }).toInstant().toString();

/** The time bounds of My day for `now` in `timeZone`; `week` (a YYYY-MM-DD) picks another week (its Monday). */
export function myDayWindow(now: Date, timeZone: string, week?: string): MyDayWindow {
  const today = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone).toPlainDate();
  const anchor = week ? Temporal.PlainDate.from(week) : today;
  const monday = anchor.subtract({ days: anchor.dayOfWeek - 1 });
  const days = Array.from({ length: 8 }, (_, i) => instantOf(monday.add({ days: i }), timeZone));
  const todayStart = instantOf(today, timeZone);
  const from = instantOf(today.subtract({ days: OVERDUE_LOOKBACK_DAYS }), timeZone);
  return {
    today: today.toString(), weekStart: monday.toString(),
    from: from < days[0]! ? from : days[0]!, todayStart, todayEnd: instantOf(today.add({ days: 1 }), timeZone),
    weekFrom: days[0]!, weekTo: days[7]!,
    meetingsTo: instantOf(today.add({ days: 8 }), timeZone),
    dayStarts: days.slice(0, 7),
  };
}

/** Sorts an agenda item into My day's lists. `items` are in time order (as the Query gives them). */
export function assembleMyDay(items: readonly AgendaItem[], w: MyDayWindow, now: Date) {
  const nowIso = now.toISOString();
  const isTask = (a: AgendaItem) => a.activityType === 'task';
  const open = (a: AgendaItem) => a.done !== true;
  const overdue = items.filter((a) => isTask(a) && open(a) && a.at < w.todayStart);
  const todayTasks = items.filter((a) => isTask(a) && a.at >= w.todayStart && a.at < w.todayEnd);
  const meetings = items.filter((a) => a.activityType === 'meeting' && open(a) && String(a.endAt ?? a.at) >= nowIso && a.at < w.meetingsTo);
  const days = w.dayStarts.map((start, i) => {
    const end = i < 6 ? w.dayStarts[i + 1]! : w.weekTo;
    return { date: Temporal.PlainDate.from(w.weekStart).add({ days: i }).toString(), items: items.filter((a) => a.at >= start && a.at < end) };
  });
  return { today: w.today, overdue, todayTasks, meetings, week: { start: w.weekStart, days } };
}

// --- the iCalendar feed (RFC 5545) ----------------------------------------------------------------------

const icsText = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
const icsTime = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > (out.length ? 74 : 75)) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

/**
 * A user's agenda as an iCalendar feed: meetings as events with their start and end, tasks as one-hour
 * events at their due time (calendar apps show VTODOs poorly in subscriptions), done ones marked so.
 * Times in UTC (`Z`), so every calendar shows them in its own time zone.
 */
export function calendarFeed(items: readonly AgendaItem[], opts: { calendarName: string; host: string; now: Date }): string {
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Cirrus CRM//My day//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(opts.calendarName)}`, 'REFRESH-INTERVAL;VALUE=DURATION:PT30M', 'X-PUBLISHED-TTL:PT30M',
  ];
  for (const a of items) {
    const start = a.at;
    const end = typeof a.endAt === 'string' && a.endAt > start ? a.endAt : new Date(Date.parse(start) + (a.activityType === 'task' ? 1800_000 : 3600_000)).toISOString();
    lines.push(
      'BEGIN:VEVENT', `UID:${a.id}@${opts.host}`, `DTSTAMP:${icsTime(opts.now.toISOString())}`,
      `DTSTART:${icsTime(start)}`, `DTEND:${icsTime(end)}`,
      `SUMMARY:${icsText(`${a.done === true ? '✓ ' : ''}${String(a.name ?? '')}`)}`,
      ...(typeof a.notes === 'string' && a.notes ? [`DESCRIPTION:${icsText(a.notes)}`] : []),
      `CATEGORIES:${String(a.activityType ?? 'activity').toUpperCase()}`,
      ...(a.done === true ? ['STATUS:CONFIRMED', 'TRANSP:TRANSPARENT'] : ['STATUS:CONFIRMED']),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

export type { Activity };
