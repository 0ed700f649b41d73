import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, baseUrl, login, sentMail, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 8, activities through the local runtime: an activity linked to a deal and its account shows on their
 * timelines and related lists in its own transaction; a link to a record that is not there answers 400 naming
 * it and writes nothing; the reminder is a Scheduler one-time schedule that follows the activity (moved with a
 * new time, deleted when done) and, when the clock passes it, reminds the owner once (bell and email).
 */
let rep: ApiCall;
let rep2: ApiCall;
let scheduler: SchedulerClient;
const tag = unique();
const group = 'cirrus-local-schedules';
const paths = (body: any): string[] => (body.errors ?? []).map((e: any) => e.path).sort();

async function runtimeNow(): Promise<number> {
  return Date.parse(((await (await fetch(`${baseUrl()}/_local/clock`)).json()) as { now: string }).now);
}
const schedule = (id: string) => scheduler.send(new GetScheduleCommand({ Name: `activity-reminder-${id}`, GroupName: group })).catch((e) => e as Error);

beforeAll(async () => {
  [rep, rep2] = await Promise.all([api(await login('rep1@demo.local')), api(await login('rep2@demo.local'))]);
  scheduler = new SchedulerClient({ endpoint: baseUrl(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

describe('activities on records', () => {
  let accountId = '';
  let dealId = '';

  it('a call logged on a deal and its account is on both timelines and related lists, and on the activity', async () => {
    accountId = (await rep('POST', '/api/accounts', { name: `Activity Co ${tag}` })).body.id;
    dealId = (await rep('POST', '/api/opportunities', { name: `Activity deal ${tag}`, accountId, closeDate: '2031-03-01' })).body.id;
    const made = await rep('POST', '/api/activities', {
      type: 'call', subject: `Discovery call ${tag}`, notes: 'Budget confirmed', outcome: 'reached',
      relatedTo: [{ object: 'opportunities', id: dealId }, { object: 'accounts', id: accountId }],
    });
    expect(made.status).toBe(201);
    expect(made.headers.etag).toBe('"1"');
    expect(made.body).toMatchObject({ type: 'call', name: `Discovery call ${tag}`, outcome: 'reached' });

    for (const [object, id] of [['opportunities', dealId], ['accounts', accountId]] as const) {
      const timeline = (await rep('GET', `/api/${object}/${id}/timeline`)).body.items;
      expect(timeline[0]).toMatchObject({ type: 'call', notes: 'Budget confirmed', outcome: 'reached', subject: { type: 'activity', id: made.body.id, name: `Discovery call ${tag}` } });
      const related = (await rep('GET', `/api/${object}/${id}/related/activities`)).body.items;
      expect(related).toEqual([expect.objectContaining({ id: made.body.id, activityType: 'call', name: `Discovery call ${tag}` })]);
    }
    expect((await rep('GET', `/api/activities/${made.body.id}/timeline`)).body.items[0].type).toBe('created');
  });

  it('refuses links to records that are not there (or not visible) and bad timing, naming every field, writing nothing', async () => {
    const theirs = (await rep2('POST', '/api/opportunities', { name: `Not yours ${tag}`, closeDate: '2031-03-01' })).body.id;
    const bad = await rep('POST', '/api/activities', {
      type: 'meeting', subject: `Bad ${tag}`, endAt: '2031-01-01T09:00:00Z',
      relatedTo: [{ object: 'opportunities', id: dealId }, { object: 'contacts', id: 'nope' }, { object: 'opportunities', id: theirs }],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(paths(bad.body)).toEqual(['startAt']);
    const badLinks = await rep('POST', '/api/activities', {
      type: 'meeting', subject: `Bad ${tag}`, startAt: '2031-01-01T10:00:00Z', endAt: '2031-01-01T09:00:00Z',
      relatedTo: [{ object: 'opportunities', id: dealId }, { object: 'contacts', id: 'nope' }, { object: 'opportunities', id: theirs }],
    });
    expect([badLinks.status, paths(badLinks.body)]).toEqual([400, ['endAt']]);
    const unknown = await rep('POST', '/api/activities', {
      type: 'note', subject: `Bad ${tag}`, relatedTo: [{ object: 'opportunities', id: dealId }, { object: 'contacts', id: 'nope' }, { object: 'opportunities', id: theirs }, { object: 'planets', id: 'x' }],
    });
    expect([unknown.status, paths(unknown.body)]).toEqual([400, ['relatedTo.3.object']]);
    const missing = await rep('POST', '/api/activities', {
      type: 'note', subject: `Bad ${tag}`, relatedTo: [{ object: 'opportunities', id: dealId }, { object: 'contacts', id: 'nope' }, { object: 'opportunities', id: theirs }],
    });
    expect([missing.status, paths(missing.body)]).toEqual([400, ['relatedTo.1.id', 'relatedTo.2.id']]);
    // Nothing reached the deal's timeline from the refused writes.
    expect((await rep('GET', `/api/opportunities/${dealId}/related/activities`)).body.items).toHaveLength(1);
  });

  it('a task\'s reminder is a schedule that moves with it and goes when it is done; completing needs the current version', async () => {
    const now = await runtimeNow();
    const remindAt = new Date(now + 2 * 3600_000).toISOString();
    const task = await rep('POST', '/api/activities', {
      type: 'task', subject: `Send the quote ${tag}`, dueAt: new Date(now + 3 * 3600_000).toISOString(), remindAt,
      relatedTo: [{ object: 'opportunities', id: dealId }],
    });
    expect(task.status).toBe(201);
    const id = task.body.id;
    const first = await until(() => schedule(id), (s) => !(s instanceof Error));
    expect(first).toMatchObject({ ScheduleExpression: `at(${remindAt.slice(0, 19)})`, ActionAfterCompletion: 'DELETE' });

    const later = new Date(now + 5 * 3600_000).toISOString();
    const moved = await rep('PATCH', `/api/activities/${id}`, { remindAt: later }, { 'if-match': '"1"' });
    expect(moved.status).toBe(200);
    await until(() => schedule(id), (s) => !(s instanceof Error) && (s as any).ScheduleExpression === `at(${later.slice(0, 19)})`);
    expect(await schedule(id)).toMatchObject({ ScheduleExpression: `at(${later.slice(0, 19)})` });

    expect((await rep('PATCH', `/api/activities/${id}`, { done: true }, { 'if-match': '"1"' })).status).toBe(412);
    const done = await rep('PATCH', `/api/activities/${id}`, { done: true }, { 'if-match': '"2"' });
    expect(done.status).toBe(200);
    expect(done.body.doneAt).toBeTruthy();
    const gone = await until(() => schedule(id), (s) => s instanceof Error);
    expect((gone as Error).name).toBe('ResourceNotFoundException');
    const timeline = (await rep('GET', `/api/opportunities/${dealId}/timeline`)).body.items;
    expect(timeline[0]).toMatchObject({ type: 'task-done', subject: { id } });
  });

  it('when the clock passes the reminder time the owner is reminded once, in the bell and by email', async () => {
    const now = await runtimeNow();
    const remindAt = new Date(now + 600_000).toISOString();
    const task = await rep('POST', '/api/activities', { type: 'task', subject: `Call back ${tag}`, remindAt, relatedTo: [{ object: 'accounts', id: accountId }] });
    await until(() => schedule(task.body.id), (s) => !(s instanceof Error));
    const before = (await sentMail('rep1@demo.local')).length;
    await advanceClock(660);
    const mails = (await until(() => sentMail('rep1@demo.local'), (m) => m.length > before)).slice(before).filter((m) => m.Subject.includes(`Call back ${tag}`));
    expect(mails).toHaveLength(1);
    expect(mails[0].Body.text_part).toContain(`/accounts/${accountId}`);
    const bell = (await rep('GET', '/api/notifications')).body.items.filter((n: any) => n.kind === 'activity-reminder' && n.subject.id === task.body.id);
    expect(bell).toHaveLength(1);
  });

  it('My day has the overdue and today\'s tasks and the coming meetings; the calendar feed serves them at a secret address', async () => {
    const now = await runtimeNow();
    const iso = (ms: number) => new Date(ms).toISOString();
    const late = await rep('POST', '/api/activities', { type: 'task', subject: `Overdue ${tag}`, dueAt: iso(now - 3 * 86400_000), relatedTo: [{ object: 'opportunities', id: dealId }] });
    const meet = await rep('POST', '/api/activities', { type: 'meeting', subject: `Demo, 会议 ${tag}`, startAt: iso(now + 86400_000), endAt: iso(now + 86400_000 + 3600_000) });
    const doneLate = await rep('POST', '/api/activities', { type: 'task', subject: `Done already ${tag}`, dueAt: iso(now - 2 * 86400_000), done: true });
    expect([late.status, meet.status, doneLate.status]).toEqual([201, 201, 201]);

    const day = await rep('GET', '/api/my-day');
    expect(day.status).toBe(200);
    expect(day.body.timeZone).toBe('Asia/Shanghai');
    const names = (list: any[]) => list.map((a) => a.name);
    expect(names(day.body.overdue)).toContain(`Overdue ${tag}`);
    expect(names(day.body.overdue)).not.toContain(`Done already ${tag}`);
    expect(names(day.body.meetings)).toContain(`Demo, 会议 ${tag}`);
    expect(day.body.week.days).toHaveLength(7);
    // rep2 sees none of rep1's agenda.
    expect(names((await rep2('GET', '/api/my-day')).body.overdue)).not.toContain(`Overdue ${tag}`);
    // Done moves it off the overdue list.
    expect((await rep('PATCH', `/api/activities/${late.body.id}`, { done: true }, { 'if-match': '"1"' })).status).toBe(200);
    expect(names((await rep('GET', '/api/my-day')).body.overdue)).not.toContain(`Overdue ${tag}`);
    expect((await rep('GET', '/api/my-day?week=2026-13-01')).status).toBe(400);

    const first = await rep('POST', '/api/my-day/calendar-feed');
    expect(first.status).toBe(201);
    expect(first.body.feedPath).toMatch(/^\/api\/calendar\/[A-Za-z0-9_-]{32}$/);
    const ics = await fetch(`${baseUrl()}${first.body.feedPath}`);
    expect([ics.status, ics.status === 200 ? '' : await ics.clone().text()]).toEqual([200, '']);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const text = await ics.text();
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text).toContain(`SUMMARY:Demo\\, 会议 ${tag}`);
    expect(text).toContain(`UID:${meet.body.id}@`);
    const second = await rep('POST', '/api/my-day/calendar-feed');
    expect((await fetch(`${baseUrl()}${first.body.feedPath}`)).status).toBe(404);
    expect((await fetch(`${baseUrl()}${second.body.feedPath}`)).status).toBe(200);
    expect((await fetch(`${baseUrl()}/api/calendar/not-a-feed-at-all-no-no`)).status).toBe(404);
  });
});
