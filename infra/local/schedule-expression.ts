/**
 * EventBridge Scheduler expressions, evaluated as EventBridge Scheduler evaluates them:
 *
 * - `at(yyyy-mm-ddThh:mm:ss)`: one time, wall-clock time in the schedule's time zone.
 * - `rate(value unit)`: value a positive integer, unit minute|minutes|hour|hours|day|days (singular
 *   exactly for 1). The first invocation is at StartDate, or right after creation without one; then
 *   every fixed period (a day is 24 hours, also across DST).
 * - `cron(minutes hours day-of-month month day-of-week year)` (EventBridge cron reference):
 *   minutes 0-59 `, - * /`; hours 0-23 `, - * /`; day-of-month 1-31 `, - * ? / L W`;
 *   month 1-12 or JAN-DEC `, - * /`; day-of-week 1-7 or SUN-SAT (1 = Sunday) `, - * ? L #`;
 *   year 1970-2199 `, - * /`. Exactly one of day-of-month / day-of-week is `?`. Ranges may wrap
 *   (`20-2` hours, `FRI-MON`). `L` = last day of the month (day-of-month) or Saturday (day-of-week
 *   alone); `5L` = last Thursday; `LW` = last weekday of the month; `15W` = weekday nearest the 15th
 *   (never crossing the month); `3#2` = second Tuesday. `L`, `W` and `#` stand alone in their field.
 *
 * Daylight saving time (EventBridge Scheduler user guide, "Daylight saving time"; AWS re:Post
 * "eventbridge-scheduler-adjust-dst"): a cron time that does not exist on a spring-forward day is
 * skipped; a time that exists twice on a fall-back day fires once, at its first occurrence.
 */
export interface WallTime { year: number; month: number; day: number; hour: number; minute: number; second: number }

export type DayOfMonth =
  | { kind: 'days'; days: number[] }
  | { kind: 'last' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number };

export type DayOfWeek =
  | { kind: 'days'; days: number[] }
  | { kind: 'last'; dow: number }
  | { kind: 'nth'; dow: number; nth: number };

export interface CronExpression {
  kind: 'cron';
  minutes: number[];
  hours: number[];
  /** null when the field is `?`. */
  dom: DayOfMonth | null;
  months: number[];
  /** null when the field is `?`. Days are 1-7, 1 = Sunday. */
  dow: DayOfWeek | null;
  /** null when the field is `*`. */
  years: number[] | null;
}

export type ParsedExpression =
  | { kind: 'at'; wall: WallTime }
  | { kind: 'rate'; ms: number; value: number; unit: 'minute' | 'hour' | 'day' }
  | CronExpression;

export class ExpressionError extends Error {}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Ranges such as 20-2 wrap around the end of the field. */
  wraps: boolean;
  steps: boolean;
}

const RULES = {
  minutes: { name: 'minutes', min: 0, max: 59, wraps: true, steps: true },
  hours: { name: 'hours', min: 0, max: 23, wraps: true, steps: true },
  dom: { name: 'day-of-month', min: 1, max: 31, wraps: true, steps: true },
  months: { name: 'month', min: 1, max: 12, names: MONTHS, wraps: true, steps: true },
  dow: { name: 'day-of-week', min: 1, max: 7, names: DAYS, wraps: true, steps: false },
  years: { name: 'year', min: MIN_YEAR, max: MAX_YEAR, wraps: false, steps: true },
} satisfies Record<string, FieldRule>;

function value(text: string, rule: FieldRule): number {
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d{1,4}$/.test(text)) throw new ExpressionError(`Invalid ${rule.name} value "${text}"`);
  const n = Number(text);
  if (n < rule.min || n > rule.max) throw new ExpressionError(`${rule.name} value ${n} is outside ${rule.min}-${rule.max}`);
  return n;
}

/** A list of `*`, `v`, `a-b`, each optionally `/step` (where the field allows steps). */
function list(text: string, rule: FieldRule): number[] {
  const out = new Set<number>();
  const size = rule.max - rule.min + 1;
  for (const part of text.split(',')) {
    const slash = part.split('/');
    if (slash.length > 2) throw new ExpressionError(`Invalid ${rule.name} "${part}"`);
    const [range, stepText] = slash as [string, string | undefined];
    let step = 1;
    if (stepText !== undefined) {
      if (!rule.steps) throw new ExpressionError(`"/" is not allowed in ${rule.name}`);
      if (!/^\d{1,4}$/.test(stepText)) throw new ExpressionError(`Invalid ${rule.name} step "${part}"`);
      step = Number(stepText);
      if (step < 1 || step > rule.max) throw new ExpressionError(`Invalid ${rule.name} step "${part}"`);
    }
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [rule.min, rule.max];
    else if (range.includes('-')) {
      const ends = range.split('-');
      if (ends.length !== 2) throw new ExpressionError(`Invalid ${rule.name} range "${part}"`);
      lo = value(ends[0]!, rule);
      hi = value(ends[1]!, rule);
      if (hi < lo) {
        if (!rule.wraps) throw new ExpressionError(`Invalid ${rule.name} range "${part}"`);
        hi += size;
      }
    } else {
      lo = value(range, rule);
      hi = stepText === undefined ? lo : rule.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(((v - rule.min) % size) + rule.min);
  }
  return [...out].sort((a, b) => a - b);
}

function dayOfMonth(text: string): DayOfMonth {
  const t = text.toUpperCase();
  if (t === 'L') return { kind: 'last' };
  if (t === 'LW') return { kind: 'lastWeekday' };
  const w = /^(\d{1,2})W$/.exec(t);
  if (w) return { kind: 'nearestWeekday', day: value(w[1]!, RULES.dom) };
  if (/[LW#]/.test(t)) throw new ExpressionError(`Invalid day-of-month "${text}": L, LW and nW stand alone`);
  return { kind: 'days', days: list(t, RULES.dom) };
}

function dayOfWeek(text: string): DayOfWeek {
  const t = text.toUpperCase();
  if (t === 'L') return { kind: 'days', days: [7] };
  const last = /^([A-Z]{3}|\d)L$/.exec(t);
  if (last) return { kind: 'last', dow: value(last[1]!, RULES.dow) };
  const nth = /^([A-Z]{3}|\d)#(\d)$/.exec(t);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw new ExpressionError(`Invalid day-of-week "${text}": # takes 1-5`);
    return { kind: 'nth', dow: value(nth[1]!, RULES.dow), nth: n };
  }
  if (/[L#]/.test(t)) throw new ExpressionError(`Invalid day-of-week "${text}": nL and n#k stand alone`);
  return { kind: 'days', days: list(t, RULES.dow) };
}

function parseCron(body: string): CronExpression {
  if (body !== body.trim() || body === '') throw new ExpressionError('Empty cron expression');
  const parts = body.split(/\s+/);
  if (parts.length !== 6) throw new ExpressionError('A cron expression has 6 fields: minutes hours day-of-month month day-of-week year');
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw new ExpressionError('Exactly one of day-of-month and day-of-week must be "?"');
  for (const [text, rule] of [[min, RULES.minutes], [hour, RULES.hours], [month, RULES.months], [year, RULES.years]] as const) {
    if (text.includes('?')) throw new ExpressionError(`"?" is not allowed in ${rule.name}`);
  }
  return {
    kind: 'cron',
    minutes: list(min, RULES.minutes),
    hours: list(hour, RULES.hours),
    dom: dom === '?' ? null : dayOfMonth(dom),
    months: list(month, RULES.months),
    dow: dow === '?' ? null : dayOfWeek(dow),
    years: year === '*' ? null : list(year, RULES.years),
  };
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** 1 = Sunday ... 7 = Saturday, as in AWS cron. */
const weekday = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

/** Parses an expression exactly as written (AWS does not trim: " rate(10 minutes)" is invalid). */
export function parseExpression(expression: string): ParsedExpression {
  const e = expression;
  let m = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(e);
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) throw new ExpressionError(`Invalid date in ${e}`);
    return { kind: 'at', wall: { year, month, day, hour, minute, second } };
  }
  m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(e);
  if (m) {
    const n = Number(m[1]);
    const unit = m[2]!;
    if (!Number.isSafeInteger(n) || n < 1) throw new ExpressionError('The rate must be a positive integer');
    if ((n === 1) !== !unit.endsWith('s')) throw new ExpressionError(`Use a singular unit for 1 and a plural unit otherwise, not "${n} ${unit}"`);
    const base = unit.replace(/s$/, '') as 'minute' | 'hour' | 'day';
    const per = base === 'minute' ? 60_000 : base === 'hour' ? 3_600_000 : 86_400_000;
    return { kind: 'rate', ms: n * per, value: n, unit: base };
  }
  m = /^cron\((.*)\)$/s.exec(e);
  if (m) return parseCron(m[1]!);
  throw new ExpressionError(`Invalid schedule expression: ${expression}`);
}

// ---- time zones -------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function wallOf(ms: number, timeZone: string): WallTime {
  const p: Record<string, string> = {};
  for (const x of formatter(timeZone).formatToParts(ms)) p[x.type] = x.value;
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second) };
}

const wallUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
/** The zone's offset from UTC at an instant, in ms (whole seconds). */
const offsetAt = (ms: number, timeZone: string) => wallUtc(wallOf(ms, timeZone)) - Math.floor(ms / 1000) * 1000;

/**
 * Whether a name is an IANA time zone name: the runtime's tz database knows it, in its own spelling
 * (tz names are case-sensitive), not a UTC offset such as "+05:00".
 */
export function isTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(timeZone) || timeZone.length > 50) return false;
  if (!/[A-Z]/.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function assertTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) throw new ExpressionError(`Unknown time zone ${timeZone}`);
}

/**
 * Every instant at which a zone's clocks show a wall-clock time: none in a spring-forward gap, two in
 * a fall-back overlap (earliest first), one otherwise.
 */
export function wallToInstants(w: WallTime, timeZone: string): number[] {
  const asUtc = wallUtc(w);
  const offsets = new Set([offsetAt(asUtc - 86_400_000, timeZone), offsetAt(asUtc, timeZone), offsetAt(asUtc + 86_400_000, timeZone)]);
  const out: number[] = [];
  for (const o of offsets) {
    const t = asUtc - o;
    if (wallUtc(wallOf(t, timeZone)) === asUtc && !out.includes(t)) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The UTC instant of a wall-clock time in a zone, as java.time's ZonedDateTime.of resolves it: the
 * earlier instant in an overlap; in a gap, the time read with the offset before the gap (02:30 on a
 * spring-forward day in New York is 03:30 EDT). Used for at() schedules.
 */
export function zonedToUtc(w: WallTime, timeZone: string): number {
  const found = wallToInstants(w, timeZone);
  if (found.length > 0) return found[0]!;
  const asUtc = wallUtc(w);
  return asUtc - offsetAt(asUtc - 86_400_000, timeZone);
}

// ---- evaluation -------------------------------------------------------------------------------

/** The days of a month (sorted) that a cron expression's day fields select. */
export function cronDays(c: CronExpression, year: number, month: number): number[] {
  const last = daysIn(year, month);
  const all = Array.from({ length: last }, (_, i) => i + 1);
  if (c.dom) {
    const dom = c.dom;
    switch (dom.kind) {
      case 'days':
        return dom.days.filter((d) => d <= last);
      case 'last':
        return [last];
      case 'lastWeekday': {
        const wd = weekday(year, month, last);
        return [wd === 7 ? last - 1 : wd === 1 ? last - 2 : last];
      }
      case 'nearestWeekday': {
        const d = dom.day;
        if (d > last) return [];
        const wd = weekday(year, month, d);
        if (wd === 7) return [d === 1 ? 3 : d - 1]; // Saturday: Friday before, or Monday the 3rd
        if (wd === 1) return [d === last ? d - 2 : d + 1]; // Sunday: Monday after, or Friday before the end
        return [d];
      }
    }
  }
  const dow = c.dow;
  if (!dow) return all;
  switch (dow.kind) {
    case 'days':
      return all.filter((d) => dow.days.includes(weekday(year, month, d)));
    case 'last':
      return all.filter((d) => d + 7 > last && weekday(year, month, d) === dow.dow);
    case 'nth':
      return all.filter((d) => weekday(year, month, d) === dow.dow && Math.ceil(d / 7) === dow.nth);
  }
}

function nextCron(c: CronExpression, afterMs: number, timeZone: string): number | undefined {
  const start = wallOf(afterMs, timeZone);
  const lastYear = c.years ? Math.max(...c.years) : MAX_YEAR;
  for (let year = start.year; year <= lastYear; year++) {
    if (c.years && !c.years.includes(year)) continue;
    for (const month of c.months) {
      if (year === start.year && month < start.month) continue;
      for (const day of cronDays(c, year, month)) {
        const startDay = year === start.year && month === start.month;
        if (startDay && day < start.day) continue;
        const sameDay = startDay && day === start.day;
        for (const hour of c.hours) {
          if (sameDay && hour < start.hour) continue;
          for (const minute of c.minutes) {
            // A wall time earlier than `afterMs`'s wall time can only recur later in a fall-back
            // overlap, and the repeated occurrence never fires.
            if (sameDay && hour === start.hour && minute < start.minute) continue;
            const first = wallToInstants({ year, month, day, hour, minute, second: 0 }, timeZone)[0];
            if (first !== undefined && first > afterMs) return first;
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * The next firing strictly after `afterMs`, or undefined when there is none.
 * For rate(): `anchorMs` is the first firing (StartDate, or the creation time); later ones follow
 * every period.
 */
export function nextFiring(parsed: ParsedExpression, afterMs: number, timeZone = 'UTC', anchorMs = afterMs): number | undefined {
  if (parsed.kind === 'at') {
    const t = zonedToUtc(parsed.wall, timeZone);
    return t > afterMs ? t : undefined;
  }
  if (parsed.kind === 'rate') {
    if (anchorMs > afterMs) return anchorMs;
    return anchorMs + (Math.floor((afterMs - anchorMs) / parsed.ms) + 1) * parsed.ms;
  }
  return nextCron(parsed, afterMs, timeZone);
}
