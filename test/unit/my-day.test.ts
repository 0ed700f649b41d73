import { describe, expect, it } from 'vitest';
import { assembleMyDay, calendarFeed, foldLine, myDayWindow } from '../../functions/activities/my-day.ts';

/** My day's days are bounded by local midnights, also in the week a clock change falls in; the feed is RFC 5545. */
describe('my day', () => {
  it('a New York week across the March DST change has a 23-hour Sunday, and Monday starts it', () => {
    const w = myDayWindow(new Date('2026-03-05T15:00:00Z'), 'America/New_York');
    expect(w.weekStart).toBe('2026-03-02');
    expect(w.dayStarts[0]).toBe('2026-03-02T05:00:00Z');
    expect(w.dayStarts[6]).toBe('2026-03-08T05:00:00Z');
    expect(w.weekTo).toBe('2026-03-09T04:00:00Z'); // after the change: UTC−4
    expect(w.today).toBe('2026-03-05');
  });

  it('Shanghai\'s day starts at 16:00 UTC the day before; ?week picks the Monday of that week', () => {
    const w = myDayWindow(new Date('2026-12-03T17:30:00Z'), 'Asia/Shanghai', '2026-12-10');
    expect(w.today).toBe('2026-12-04');
    expect(w.todayStart).toBe('2026-12-03T16:00:00Z');
    expect(w.weekStart).toBe('2026-12-07');
  });

  it('sorts open overdue tasks, today\'s tasks, coming meetings and each day\'s items', () => {
    const now = new Date('2026-12-03T02:00:00Z'); // 10:00 in Shanghai
    const w = myDayWindow(now, 'Asia/Shanghai');
    const items = [
      { id: 'a', at: '2026-12-01T01:00:00.000Z', activityType: 'task', done: false },
      { id: 'b', at: '2026-12-01T02:00:00.000Z', activityType: 'task', done: true },
      { id: 'c', at: '2026-12-03T08:00:00.000Z', activityType: 'task', done: false },
      { id: 'd', at: '2026-12-04T01:00:00.000Z', activityType: 'meeting', done: false },
      { id: 'e', at: '2026-12-02T01:00:00.000Z', activityType: 'meeting', done: false, endAt: '2026-12-02T02:00:00.000Z' },
    ];
    const day = assembleMyDay(items, w, now);
    expect(day.overdue.map((a) => a.id)).toEqual(['a']);
    expect(day.todayTasks.map((a) => a.id)).toEqual(['c']);
    expect(day.meetings.map((a) => a.id)).toEqual(['d']);
    expect(day.week.days.map((d) => d.items.map((a) => a.id))).toEqual([[], ['a', 'b'], ['e'], ['c'], ['d'], [], []]); // Monday 30 November to Sunday 6 December
  });

  it('the feed folds long lines at 75 octets without splitting a character, escapes text and ends lines with CRLF', () => {
    const long = `SUMMARY:${'商机'.repeat(40)}`;
    const folded = foldLine(long);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.split('\r\n').map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(long);
    const ics = calendarFeed([{ id: 'x1', at: '2026-12-04T01:00:00.000Z', activityType: 'meeting', name: 'Demo; with, commas', notes: 'line 1\nline 2' }], { calendarName: 'Cal', host: 'h', now: new Date('2026-12-03T00:00:00Z') });
    expect(ics).toContain('DTSTART:20261204T010000Z\r\nDTEND:20261204T020000Z');
    expect(ics).toContain('SUMMARY:Demo\\; with\\, commas');
    expect(ics).toContain('DESCRIPTION:line 1\\nline 2');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.split('\r\n').filter((l) => l && !l.includes(':') && !l.startsWith(' '))).toEqual([]);
  });
});
