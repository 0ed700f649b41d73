/**
 * EventBridge Scheduler expressions: `at(yyyy-mm-ddThh:mm:ss)`, `rate(n unit)` and the 6-field AWS
 * `cron(min hour day-of-month month day-of-week year)`, each evaluated in an IANA time zone.
 * Supported cron syntax: `*`, `?`, numbers, names (JAN-DEC, SUN-SAT), ranges `a-b`, steps `a/n`, `*\/n`,
 * `a-b/n`, lists. Day-of-week is 1-7 with 1 = Sunday, as in AWS. `L`, `W` and `#` are refused.
 */
export type ParsedExpression =
  | { kind: 'at'; wall: WallTime }
  | { kind: 'rate'; ms: number }
  | { kind: 'cron'; minutes: number[]; hours: number[]; dom: number[] | null; months: number[]; dow: number[] | null; years: number[] | null };

export interface WallTime { year: number; month: number; day: number; hour: number; minute: number; second: number }

export class ExpressionError extends Error {}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function field(text: string, min: number, max: number, names: string[] = [], nameBase = 1): number[] {
  const out = new Set<number>();
  const num = (s: string): number => {
    const i = names.indexOf(s.toUpperCase());
    if (i >= 0) return i + nameBase;
    if (!/^\d+$/.test(s)) throw new ExpressionError(`Invalid cron value "${s}"`);
    const n = Number(s);
    if (n < min || n > max) throw new ExpressionError(`Cron value ${n} is outside ${min}-${max}`);
    return n;
  };
  for (const part of text.split(',')) {
    if (/[LW#]/i.test(part) && !names.some((n) => part.toUpperCase().includes(n))) throw new ExpressionError(`Cron syntax "${part}" is not supported locally`);
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ExpressionError(`Invalid cron step "${part}"`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      [lo, hi] = [num(a), num(b)];
    } else {
      lo = num(range);
      hi = stepText === undefined ? lo : max;
    }
    if (lo > hi) throw new ExpressionError(`Invalid cron range "${part}"`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

export function parseExpression(expression: string): ParsedExpression {
  const e = expression.trim();
  let m = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(e);
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) throw new ExpressionError(`Invalid date in ${e}`);
    return { kind: 'at', wall: { year, month, day, hour, minute, second } };
  }
  m = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(e);
  if (m) {
    const n = Number(m[1]);
    const unit = m[2]!;
    if (n < 1) throw new ExpressionError('The rate must be a positive number');
    if ((n === 1) !== !unit.endsWith('s')) throw new ExpressionError(`Use "${n} ${n === 1 ? unit.replace(/s$/, '') : unit.endsWith('s') ? unit : `${unit}s`}" in ${e}`);
    const per = unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? 3_600_000 : 86_400_000;
    return { kind: 'rate', ms: n * per };
  }
  m = /^cron\((.+)\)$/.exec(e);
  if (m) {
    const parts = m[1]!.trim().split(/\s+/);
    if (parts.length !== 6) throw new ExpressionError('A cron expression has 6 fields: minutes hours day-of-month month day-of-week year');
    const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
    if ((dom === '?') === (dow === '?')) throw new ExpressionError('Exactly one of day-of-month and day-of-week must be "?"');
    return {
      kind: 'cron',
      minutes: field(min, 0, 59),
      hours: field(hour, 0, 23),
      dom: dom === '?' ? null : field(dom, 1, 31),
      months: field(month, 1, 12, MONTHS),
      dow: dow === '?' ? null : field(dow, 1, 7, DAYS),
      years: year === '*' ? null : field(year, 1970, 2199),
    };
  }
  throw new ExpressionError(`Invalid schedule expression: ${expression}`);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallOf(ms: number, timeZone: string): WallTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second) };
}

export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ExpressionError(`Unknown time zone ${timeZone}`);
  }
}

/** The UTC instant of a wall-clock time in a zone (for a gap in DST, the instant just after it). */
export function zonedToUtc(w: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const seen = wallOf(guess, timeZone);
    const seenUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    const diff = asUtc - seenUtc;
    if (diff === 0) return guess;
    guess += diff;
  }
  return guess;
}

/**
 * The next firing strictly after `afterMs`, or undefined when there is none.
 * `anchorMs` is when a rate schedule started counting (its creation or start date).
 */
export function nextFiring(parsed: ParsedExpression, afterMs: number, timeZone = 'UTC', anchorMs = afterMs): number | undefined {
  if (parsed.kind === 'at') {
    const t = zonedToUtc(parsed.wall, timeZone);
    return t > afterMs ? t : undefined;
  }
  if (parsed.kind === 'rate') {
    const periods = Math.floor((afterMs - anchorMs) / parsed.ms) + 1;
    return anchorMs + Math.max(1, periods) * parsed.ms;
  }
  const start = wallOf(afterMs, timeZone);
  // Walk calendar days in the zone (up to ~5 years), then hours and minutes of each matching day.
  const day0 = Date.UTC(start.year, start.month - 1, start.day);
  for (let d = 0; d < 5 * 366; d++) {
    const date = new Date(day0 + d * 86_400_000);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const dom = date.getUTCDate();
    const dow = date.getUTCDay() + 1;
    if (parsed.years && !parsed.years.includes(year)) continue;
    if (!parsed.months.includes(month)) continue;
    if (parsed.dom && !parsed.dom.includes(dom)) continue;
    if (parsed.dow && !parsed.dow.includes(dow)) continue;
    for (const hour of parsed.hours) {
      for (const minute of parsed.minutes) {
        const t = zonedToUtc({ year, month, day: dom, hour, minute, second: 0 }, timeZone);
        if (t > afterMs) return t;
      }
    }
  }
  return undefined;
}
