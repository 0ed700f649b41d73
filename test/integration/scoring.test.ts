import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, baseUrl, busEvents, login, settle, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Lead scoring (issue 10, MA-4) through the local runtime: a marketer saves the rules (every bad field named,
 * If-Match, reps may only read); a CTO lead scores 20; a click on the bus adds 10 with the time it was earned;
 * the same event delivered again adds nothing; reaching 50 makes it an MQL (`lead.mql` on the bus) and its
 * owner gets a task; 30 days later the lead's decay timer halves the behaviour points (the MQL flag stays).
 * The rules only look at this run's leads (company = the run's tag), so other tests' leads are never scored.
 */
let marketer: ApiCall;
let rep: ApiCall;
let admin: ApiCall;
let savedAssignmentRules: unknown[] | undefined;
let bus: EventBridgeClient;
let scheduler: SchedulerClient;
const tag = `Score${unique()}`;
const paths = (body: any): string[] => (body.errors ?? []).map((e: any) => e.path).sort();

const rules = {
  threshold: 50,
  rules: [
    { id: 'cto', label: 'CTO', where: { title: { contains: 'CTO' }, company: { eq: tag } }, points: 20 },
    { id: 'click', label: 'Clicked', event: 'email.clicked', where: { company: { eq: tag } }, points: 10 },
  ],
  decay: { halfLifeDays: 30 },
};

async function signIn() {
  [marketer, rep, admin] = await Promise.all([api(await login('marketer@demo.local')), api(await login('rep1@demo.local')), api(await login('admin@demo.local'))]);
}

/** An `email.clicked` about the lead, as functions/email-events publishes it from SES's click event. */
async function clicked(leadId: string, eventId: string, occurredAt: string) {
  const res = await bus.send(new PutEventsCommand({ Entries: [{
    EventBusName: 'cirrus-local-bus', Source: 'cirrus.crm', DetailType: 'email.clicked',
    Detail: JSON.stringify({
      eventId, name: 'email.clicked', version: 1, tenantId: 'demo', occurredAt,
      actor: { id: 'system:ses', name: 'SES' }, subject: { type: 'lead', id: leadId },
      data: { sendId: `send-${eventId}`, address: `cto.${tag}@example.com`, link: 'https://example.com/x', first: true },
    }),
  }] }));
  expect(res.FailedEntryCount).toBe(0);
  await settle();
}

const lead = async (id: string) => (await marketer('GET', `/api/leads/${id}`)).body;

beforeAll(async () => {
  await signIn();
  const common = { endpoint: baseUrl(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  bus = new EventBridgeClient(common);
  scheduler = new SchedulerClient(common);
  // No assignment rule matches while the lead comes in, so it waits in the queue until the MQL hand-off runs
  // the rules again (whatever rules another file left are restored afterwards).
  const current = await admin('GET', '/api/assignment-rules');
  savedAssignmentRules = current.body.rules;
  expect((await admin('PUT', '/api/assignment-rules', { rules: [] }, { 'if-match': current.headers.etag ?? '"0"' })).status).toBe(200);
});

afterAll(async () => {
  if (!savedAssignmentRules) return;
  await signIn();
  const current = await admin('GET', '/api/assignment-rules');
  await admin('PUT', '/api/assignment-rules', { rules: savedAssignmentRules }, { 'if-match': current.headers.etag ?? '"0"' });
});

/** From now on every lead goes to rep1 (the hand-off's assignment). */
async function everyLeadToRep1(): Promise<string> {
  const rep1 = (await rep('GET', '/api/me')).body.id as string;
  const current = await admin('GET', '/api/assignment-rules');
  const res = await admin('PUT', '/api/assignment-rules', {
    rules: [{ id: 'score-all', name: 'Everything to rep1', enabled: true, conditions: {}, assign: { type: 'user', userId: rep1 }, callbackHours: 48 }],
  }, { 'if-match': current.headers.etag ?? '"0"' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return rep1;
}

describe('scoring rules', () => {
  it('GET answers them with an ETag; a rep may read but not change them; every bad field is named', async () => {
    const got = await rep('GET', '/api/scoring');
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBeTruthy();
    expect(got.body).toMatchObject({ threshold: expect.any(Number), decay: { halfLifeDays: expect.anything() } });
    expect((await rep('PUT', '/api/scoring', rules, { 'if-match': got.headers.etag! })).status).toBe(403);
    const bad = await marketer('PUT', '/api/scoring', {
      threshold: 0, decay: { halfLifeDays: 30 },
      rules: [{ where: { shoeSize: { eq: 4 } }, points: 5 }, { event: 'email.opened', points: -2 }, { points: 3 }, { where: { title: { like: 'x' } }, points: 1 }],
    }, { 'if-match': got.headers.etag! });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(['threshold']);
    const semantic = await marketer('PUT', '/api/scoring', {
      threshold: 50, decay: { halfLifeDays: 30 },
      rules: [{ where: { shoeSize: { eq: 4 } }, points: 5 }, { event: 'email.opened', points: -2 }, { points: 3 }, { where: { title: { like: 'x' } }, points: 1 }],
    }, { 'if-match': got.headers.etag! });
    expect(semantic.status).toBe(400);
    expect(paths(semantic.body)).toEqual(['rules.0.where.shoeSize', 'rules.1.points', 'rules.2', 'rules.3.where.title.like']);
  });

  it('a marketer saves them (If-Match; a stale one is 412), and each version is kept', async () => {
    const got = await marketer('GET', '/api/scoring');
    const saved = await marketer('PUT', '/api/scoring', rules, { 'if-match': got.headers.etag! });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ enabled: true, threshold: 50, decay: { halfLifeDays: 30 }, version: got.body.version + 1 });
    expect(saved.body.rules.map((r: any) => r.id)).toEqual(['cto', 'click']);
    expect((await marketer('PUT', '/api/scoring', rules, { 'if-match': got.headers.etag! })).status).toBe(412);
    const history = await rep('GET', '/api/scoring/history');
    expect(history.body.items[0]).toMatchObject({ version: saved.body.version, updatedBy: { name: expect.any(String) } });
  });
});

describe('a lead scores, becomes an MQL, goes to sales, and decays', () => {
  let id = '';

  it('a CTO lead scores 20 from its fields; a lead the rules do not name is left alone', async () => {
    const created = await marketer('POST', '/api/leads', { firstName: 'Casey', lastName: tag, company: tag, title: 'Co-founder & CTO', email: `cto.${tag}@example.com` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    id = created.body.id;
    const other = await marketer('POST', '/api/leads', { firstName: 'Other', lastName: tag, company: `${tag}-other`, title: 'CTO', email: `other.${tag}@example.com` });
    const scored = await until(() => lead(id), (l) => l.score === 20);
    expect(scored.scoreBreakdown).toEqual([{ ruleId: 'cto', label: 'CTO', kind: 'demographic', points: 20 }]);
    expect(scored.mql).toBeUndefined();
    await settle();
    const untouched = await lead(other.body.id);
    expect(untouched.score).toBeUndefined();
    expect(untouched.scoreBreakdown).toBeUndefined();
  });

  it('a click adds 10 with the time it was earned; the same event again adds nothing', async () => {
    const before = await lead(id);
    await clicked(id, `click-a-${tag}`, before.createdAt);
    const after = await until(() => lead(id), (l) => l.score === 30);
    const click = after.scoreBreakdown.find((b: any) => b.ruleId === 'click');
    expect(click).toMatchObject({ kind: 'behaviour', points: 10, earned: [{ eventId: `click-a-${tag}`, points: 10, at: before.createdAt }] });
    await clicked(id, `click-a-${tag}`, before.createdAt);
    const again = await lead(id);
    expect(again.score).toBe(30);
    const audit = (await marketer('GET', `/api/leads/${id}/audit`)).body.items;
    expect(again.version, JSON.stringify(audit.slice(0, 2))).toBe(after.version);
    const timer = await scheduler.send(new GetScheduleCommand({ Name: `lead-score-decay-${id}`, GroupName: await groupOf() }));
    expect(timer.ScheduleExpression).toBe(`at(${new Date(Date.parse(before.createdAt) + 30 * 86_400_000).toISOString().slice(0, 19)})`);
  });

  it('reaching 50 makes it an MQL in the same change as lead.mql, and its owner gets a task', async () => {
    const { createdAt, ownerId: before } = await lead(id);
    // It came in while no rule matched: still in the queue.
    expect(before).toBe('queue:default');
    const rep1 = await everyLeadToRep1();
    await clicked(id, `click-b-${tag}`, createdAt);
    await clicked(id, `click-c-${tag}`, createdAt);
    const mql = await until(() => lead(id), (l) => l.mql === true);
    expect(mql.score).toBe(50);
    expect(typeof mql.mqlAt).toBe('string');
    const events = (await busEvents()).filter((e) => e.detail?.subject?.id === id && e['detail-type'] === 'lead.mql');
    expect(events).toHaveLength(1);
    expect(events[0].detail.data).toMatchObject({ mql: true, score: 50, mqlAt: mql.mqlAt });
    const timeline = await marketer('GET', `/api/leads/${id}/timeline`);
    expect(timeline.body.items.map((e: any) => e.type)).toContain('mql');
    // The hand-off ran the assignment rules: the lead left the queue for rep1, who gets the follow-up task.
    const assigned = await until(() => lead(id), (l) => l.ownerId === rep1);
    expect(assigned.status).toBe('assigned');
    const ownerApi = rep;
    const tasks = await until(() => ownerApi('GET', '/api/tasks'), (r) => (r.body.items ?? []).some((t: any) => t.subject.id === id && t.title === 'mql'));
    expect(tasks.body.items.filter((t: any) => t.subject.id === id && t.title === 'mql')).toHaveLength(1);
  });

  it('30 days after the clicks their points halve, by the lead\'s timer; the MQL flag stays', async () => {
    const { createdAt } = await lead(id);
    const now = await advanceClock(0);
    const due = Date.parse(createdAt) + 30 * 86_400_000 - Date.parse(now);
    await advanceClock(Math.ceil(due / 1000) + 60);
    await signIn();
    const decayed = await until(() => lead(id), (l) => l.score === 35, 10000);
    expect(decayed.scoreBreakdown.find((b: any) => b.ruleId === 'click')).toMatchObject({ points: 15 });
    expect(decayed.mql).toBe(true);
    const timer = await scheduler.send(new GetScheduleCommand({ Name: `lead-score-decay-${id}`, GroupName: await groupOf() }));
    expect(timer.ScheduleExpression).toBe(`at(${new Date(Date.parse(createdAt) + 60 * 86_400_000).toISOString().slice(0, 19)})`);
  });
});

/** The Cirrus schedule group the local runtime uses. */
async function groupOf(): Promise<string> {
  return process.env.SCHEDULE_GROUP ?? 'cirrus-local-schedules';
}
