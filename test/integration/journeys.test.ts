import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, ResourceNotFoundException, SchedulerClient } from '@aws-sdk/client-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { timerName } from '../../functions/journeys/engine.ts';
import { advanceClock, api, baseUrl, login, sentMail, settle, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 10, journeys (MA-3) through the local runtime: a marketer builds a journey (every bad field named),
 * activates it; a new lead from the website enters it through the bus (one schedule per wait, named by
 * the run); moving the clock past the wait sends the email exactly once; an open of that email (an
 * `email.opened` on the bus, as the SES events arrive) sends the lead down the "opened" arm (a task for its
 * owner) while the other lead gets the second email; counters per step; the re-entry policy; a conversion
 * ends the run and deletes its pending schedule; a new version leaves people inside on theirs.
 */
let marketer: ApiCall;
let rep: ApiCall;
let admin: ApiCall;
let repId = '';
let scheduler: SchedulerClient;
let bus: EventBridgeClient;
const tag = unique();
const SOURCE = `Website ${tag}`;
const email = (who: string) => `${who}.${tag}@example.com`;
const templates = {} as Record<'welcome' | 'second', string>;
const GROUP = 'cirrus-local-schedules';
const DAY = 86_400;

async function scheduleExists(name: string): Promise<boolean> {
  try {
    await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: GROUP }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

const nurture = (extra: Record<string, unknown> = {}) => ({
  name: `Website nurture ${tag}`,
  trigger: { event: 'lead.created', where: { source: { eq: SOURCE } } },
  steps: [
    { id: 'w1', type: 'wait', duration: 'P2D' },
    { id: 'e1', type: 'sendEmail', templateId: templates.welcome },
    { id: 'w2', type: 'wait', duration: 'P1D' },
    { id: 'b1', type: 'branch', if: { opened: 'e1' }, then: 't1', else: 'e2' },
    { id: 't1', type: 'createTask', subject: `Call the engaged lead ${tag}`, dueIn: 'P1D', next: 'x1' },
    { id: 'e2', type: 'sendEmail', templateId: templates.second },
    { id: 'x1', type: 'exit' },
  ],
  reentry: { policy: 'once' },
  ...extra,
});

async function newLead(who: string, source = SOURCE) {
  const r = await admin('POST', '/api/leads', { ownerId: repId, firstName: who, lastName: `Lead ${tag}`, email: email(who), company: `${who} GmbH`, source, language: 'en' });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}
const member = (journeyId: string, leadId: string) => marketer('GET', `/api/journeys/${journeyId}/members/${leadId}`);
const waitFor = (journeyId: string, leadId: string, ok: (b: any) => boolean) =>
  until(() => member(journeyId, leadId), (r) => r.status === 200 && ok(r.body), 10_000);
/** Moves the clock, waits for what fell due, and signs in again (tokens expire as the clock moves). */
async function advance(seconds: number) {
  await advanceClock(seconds);
  [marketer, rep, admin] = await Promise.all([api(await login('marketer@demo.local')), api(await login('rep1@demo.local')), api(await login('admin@demo.local'))]);
}
const journeyMails = async (who: string) => (await sentMail(email(who))).filter((m) => /Journey/.test(m.Subject ?? ''));

beforeAll(async () => {
  [marketer, rep, admin] = await Promise.all([api(await login('marketer@demo.local')), api(await login('rep1@demo.local')), api(await login('admin@demo.local'))]);
  repId = (await rep('GET', '/api/me')).body.id;
  const common = { endpoint: baseUrl(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  scheduler = new SchedulerClient(common);
  bus = new EventBridgeClient(common);
  for (const [key, subject] of [['welcome', 'Journey welcome'], ['second', 'Journey second chance']] as const) {
    const r = await marketer('POST', '/api/email-templates', {
      name: `${subject} ${tag}`,
      subject: { en: `${subject} {{lead.firstName}}`, 'zh-CN': `${subject} 中文` },
      html: { en: `<p>Hello {{lead.firstName | "there"}}</p>`, 'zh-CN': '<p>您好</p>' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    templates[key] = r.body.id;
  }
});

/** As SES's open event arrives on the bus for a journey email (functions/email-events publishes it so). */
async function opened(leadId: string, journeyId: string, stepId: string) {
  const sendId = `journey:${journeyId}:${leadId}.1:${stepId}`;
  const res = await bus.send(new PutEventsCommand({ Entries: [{
    EventBusName: 'cirrus-local-bus', Source: 'cirrus.crm', DetailType: 'email.opened',
    Detail: JSON.stringify({
      eventId: `open-${unique()}`, name: 'email.opened', version: 1, tenantId: 'demo', occurredAt: new Date().toISOString(),
      actor: { id: 'system:ses', name: 'SES' }, subject: { type: 'lead', id: leadId },
      data: { sendId, address: 'x@example.com', journeyId, stepId, first: true },
    }),
  }] }));
  expect(res.FailedEntryCount).toBe(0);
  await settle();
}

describe('journeys: building one', () => {
  it('names every bad field in one 400, and only marketers and admins build', async () => {
    const bad = await marketer('POST', '/api/journeys', {
      name: '', trigger: { event: 'lead.created' },
      steps: [
        { id: 'w1', type: 'wait', duration: 'two days' },
        { id: 'e1', type: 'sendEmail', templateId: 'no-such-template' },
        { id: 'b1', type: 'branch', if: { opened: 'e9' }, then: 'zz', else: 'e1' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['name', 'steps.0.duration']));
    const semantic = await marketer('POST', '/api/journeys', {
      name: 'x', trigger: { event: 'lead.created' },
      steps: [
        { id: 'e1', type: 'sendEmail', templateId: 'no-such-template' },
        { id: 'b1', type: 'branch', if: { opened: 'e9' }, then: 'zz', else: 'e1' },
        { id: 'a1', type: 'addTag', tag: 'x', next: 'b1' },
      ],
    });
    expect(semantic.status).toBe(400);
    expect(semantic.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['steps.1.if.opened', 'steps.1.then', 'steps.0.templateId']));
    const loop = await marketer('POST', '/api/journeys', {
      name: 'loop', trigger: { event: 'lead.created' },
      steps: [{ id: 'a', type: 'addTag', tag: 'x' }, { id: 'b', type: 'branch', if: { where: { source: { eq: 'x' } } }, then: 'a', else: 'c' }, { id: 'c', type: 'exit' }],
    });
    expect([loop.status, loop.body.errors?.[0]?.code]).toEqual([400, 'cycle']);
    expect((await rep('POST', '/api/journeys', nurture())).status).toBe(403);
  });
});

describe('journeys: a new lead from the website walks through it', () => {
  let journeyId = '';
  const leads = {} as Record<'ann' | 'bob' | 'cat' | 'dan' | 'eve', string>;

  it('is a draft at version 1 until activated; activating makes version 1 live', async () => {
    const created = await marketer('POST', '/api/journeys', nurture());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', version: 1, counts: { entered: 0, active: 0 } });
    journeyId = created.body.id;
    const before = await newLead('early');
    await settle();
    expect((await member(journeyId, before)).status).toBe(404); // a draft enters nobody
    const on = await marketer('POST', `/api/journeys/${journeyId}/activate`, undefined, { 'if-match': created.headers.etag! });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body).toMatchObject({ status: 'active', liveVersion: 1 });
    expect((await rep('GET', `/api/journeys/${journeyId}`)).status).toBe(200); // everyone reads
    expect((await rep('POST', `/api/journeys/${journeyId}/pause`)).status).toBe(403);
  });

  it('a lead.created from the website enters it and waits two days on a schedule named by the run', async () => {
    leads.ann = await newLead('ann');
    leads.bob = await newLead('bob');
    const other = await newLead('partner', `Partner ${tag}`);
    const ann = await waitFor(journeyId, leads.ann, (b) => b.status === 'waiting');
    expect(ann.body).toMatchObject({ run: 1, version: 1, stepId: 'w1', stepType: 'wait', object: 'leads' });
    expect(ann.body.history.map((h: any) => h.what)).toEqual(['waiting', 'entered']);
    await waitFor(journeyId, leads.bob, (b) => b.status === 'waiting');
    expect(await scheduleExists(timerName('demo', journeyId, leads.ann, 1, 'w1'))).toBe(true);
    expect((await member(journeyId, other)).status).toBe(404); // the trigger's where: another source
    const stats = await marketer('GET', `/api/journeys/${journeyId}/stats`);
    expect(stats.body.counts).toMatchObject({ entered: 2, active: 2 });
    expect(stats.body.steps.w1).toMatchObject({ here: 2, waiting: 2 });
    expect(await journeyMails('ann')).toEqual([]);
  });

  it('two days later the email goes out exactly once each; an open sends Ann down the task arm, Bob gets the second email', async () => {
    await advance(2 * DAY + 60);
    const ann = await waitFor(journeyId, leads.ann, (b) => b.stepId === 'w2');
    expect(ann.body.history.map((h: any) => h.what).slice(0, 4)).toEqual(['waiting', 'done', 'acting', 'waited']);
    const mails = await until(() => journeyMails('ann'), (m) => m.length >= 1);
    expect(mails.map((m) => m.Subject)).toEqual(['Journey welcome ann']);
    await opened(leads.ann, journeyId, 'e1');
    expect((await member(journeyId, leads.ann)).body.history[0]).toMatchObject({ what: 'opened', stepId: 'e1' });
    await advance(DAY + 60);
    const annDone = await waitFor(journeyId, leads.ann, (b) => b.status === 'completed');
    expect(annDone.body.history.find((h: any) => h.what === 'branched')).toMatchObject({ stepId: 'b1', detail: { result: true, to: 't1' } });
    const task = annDone.body.history.find((h: any) => h.what === 'done' && h.stepId === 't1');
    expect(task.detail.taskId).toBeTruthy();
    const activity = await rep('GET', `/api/activities/${task.detail.taskId}`);
    expect(activity.body).toMatchObject({ type: 'task', subject: `Call the engaged lead ${tag}`, ownerId: repId, relatedTo: [{ object: 'leads', id: leads.ann }] });
    const bob = await waitFor(journeyId, leads.bob, (b) => b.status === 'completed');
    expect(bob.body.history.find((h: any) => h.what === 'branched').detail).toMatchObject({ result: false, to: 'e2' });
    const bobMails = await until(() => journeyMails('bob'), (m) => m.length >= 2);
    expect(bobMails.map((m) => m.Subject).sort(), JSON.stringify(bob.body.history)).toEqual(['Journey second chance bob', 'Journey welcome bob']);
    // A schedule firing again, or more time, sends nothing more.
    await advance(3 * DAY);
    expect((await journeyMails('ann')).length).toBe(1);
    expect((await journeyMails('bob')).length).toBe(2);
    const stats = (await marketer('GET', `/api/journeys/${journeyId}/stats`)).body;
    expect(stats.counts).toMatchObject({ entered: 2, active: 0, completed: 2, exited: 0 });
    expect(stats.steps).toMatchObject({ e1: { done: 2, here: 0 }, b1: { done: 2 }, t1: { done: 1 }, e2: { done: 1 }, w1: { here: 0, waiting: 0, done: 2 } });
    const panel = await rep('GET', `/api/journey-members/${leads.ann}`);
    expect(panel.body.items).toEqual([expect.objectContaining({ journeyId, journeyName: `Website nurture ${tag}`, status: 'completed' })]);
  });

  it('a conversion ends the run: the pending schedule is deleted and its late firing sends nothing', async () => {
    leads.cat = await newLead('cat');
    await waitFor(journeyId, leads.cat, (b) => b.status === 'waiting');
    const name = timerName('demo', journeyId, leads.cat, 1, 'w1');
    expect(await scheduleExists(name)).toBe(true);
    const converted = await rep('POST', `/api/leads/${leads.cat}/convert`, {});
    expect(converted.status, JSON.stringify(converted.body)).toBe(200);
    const cat = await waitFor(journeyId, leads.cat, (b) => b.status === 'exited');
    expect(cat.body).toMatchObject({ exitReason: 'converted', stepId: 'w1' });
    expect(await scheduleExists(name)).toBe(false);
    await advance(4 * DAY);
    expect(await journeyMails('cat')).toEqual([]);
    const stats = (await marketer('GET', `/api/journeys/${journeyId}/stats`)).body;
    expect(stats.steps.w1).toMatchObject({ exited: 1, here: 0 });
  });

  it('a new version goes live for new people; people inside finish on the version they entered; a stale If-Match is 412', async () => {
    leads.dan = await newLead('dan');
    await waitFor(journeyId, leads.dan, (b) => b.status === 'waiting');
    const current = await marketer('GET', `/api/journeys/${journeyId}`);
    const v2 = nurture({ steps: [{ id: 'w1', type: 'wait', duration: 'P1D' }, { id: 'e2', type: 'sendEmail', templateId: templates.second }] });
    const put = await marketer('PUT', `/api/journeys/${journeyId}`, { ...v2, status: 'active', counts: {} }, { 'if-match': current.headers.etag! });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ version: 2, liveVersion: 2, status: 'active' });
    expect((await marketer('PUT', `/api/journeys/${journeyId}`, v2, { 'if-match': current.headers.etag! })).status).toBe(412);
    leads.eve = await newLead('eve');
    expect((await waitFor(journeyId, leads.eve, (b) => b.status === 'waiting')).body).toMatchObject({ version: 2, stepId: 'w1' });
    await advance(DAY + 60);
    await waitFor(journeyId, leads.eve, (b) => b.status === 'completed');
    expect((await until(() => journeyMails('eve'), (m) => m.length >= 1)).map((m) => m.Subject)).toEqual(['Journey second chance eve']);
    expect((await member(journeyId, leads.dan)).body).toMatchObject({ version: 1, stepId: 'w1', status: 'waiting' });
    await advance(DAY + 60);
    expect((await waitFor(journeyId, leads.dan, (b) => b.stepId === 'w2')).body.version).toBe(1);
    expect((await until(() => journeyMails('dan'), (m) => m.length >= 1)).map((m) => m.Subject)).toEqual(['Journey welcome dan']);
  });
});

describe('journeys: re-entry policy', () => {
  it('once enters a person once; always enters them again each time the field changes to the value', async () => {
    const make = async (policy: string) => {
      const r = await marketer('POST', '/api/journeys', {
        name: `Hot ${policy} ${tag}`, trigger: { event: 'lead.updated', where: { industry: { eq: `Hot ${tag}` } } },
        steps: [{ id: 'a1', type: 'addTag', tag: 'hot' }], reentry: { policy },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect((await marketer('POST', `/api/journeys/${r.body.id}/activate`)).status).toBe(200);
      return r.body.id as string;
    };
    const once = await make('once');
    const always = await make('always');
    const lead = await newLead('fay', `Fair ${tag}`);
    for (const industry of [`Hot ${tag}`, 'Retail', `Hot ${tag}`]) {
      { const r = await rep('PATCH', `/api/leads/${lead}`, { industry }); expect(r.status, JSON.stringify(r.body)).toBe(200); }
      await settle();
    }
    expect((await waitFor(always, lead, (b) => b.run === 2 && b.status === 'completed')).body.run).toBe(2);
    expect((await member(once, lead)).body).toMatchObject({ run: 1, status: 'completed' });
    expect((await rep('GET', `/api/leads/${lead}`)).body.tags).toEqual(['hot']);
    // A phone change (not the trigger's field) enters nobody.
    expect((await rep('PATCH', `/api/leads/${lead}`, { phone: '+49 30 1234567' })).status).toBe(200);
    await settle();
    expect((await member(always, lead)).body.run).toBe(2);
    expect((await marketer('GET', `/api/journeys/${always}/stats`)).body.counts).toMatchObject({ entered: 2, completed: 2 });
  });
});

describe('journeys: add to a campaign', () => {
  it('an unknown campaign is named in the 400; a lead walking through the step becomes the campaign\'s member once', async () => {
    const bad = await marketer('POST', '/api/journeys', {
      name: `Webinar invite ${tag}`, trigger: { event: 'lead.created' }, steps: [{ id: 'c1', type: 'addToCampaign', campaignId: 'no-such-campaign' }, { id: 'c2', type: 'addToCampaign' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['steps.0.campaignId', 'steps.1.campaignId']));
    const campaign = await marketer('POST', '/api/campaigns', { name: `Webinar ${tag}`, type: 'webinar' });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    const made = await marketer('POST', '/api/journeys', {
      name: `Webinar invite ${tag}`, trigger: { event: 'lead.created', where: { source: { eq: `Webinar ${tag}` } } },
      steps: [{ id: 'c1', type: 'addToCampaign', campaignId: campaign.body.id }],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await marketer('POST', `/api/journeys/${made.body.id}/activate`)).status).toBe(200);
    const lead = await newLead('gus', `Webinar ${tag}`);
    const done = await waitFor(made.body.id, lead, (b) => b.status === 'completed');
    expect(done.body.history.find((h: any) => h.stepId === 'c1' && h.what === 'done')).toMatchObject({ detail: { campaignId: campaign.body.id, added: true } });
    const members = await marketer('GET', `/api/campaigns/${campaign.body.id}/members`);
    expect(members.body.items).toEqual([expect.objectContaining({ object: 'leads', recordId: lead, status: 'added' })]);
  });
});

describe('journeys: joined a segment', () => {
  it('a lead entering the segment (created in it, or changed into it) enters the journey; one outside does not', async () => {
    const bad = await marketer('POST', '/api/journeys', { name: `Segment ${tag}`, trigger: { event: 'segment.joined', segmentId: 'no-such-view' }, steps: [{ id: 'a1', type: 'addTag', tag: 'seg' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(['trigger.segmentId']);
    const view = await marketer('POST', '/api/views', { object: 'leads', name: `Enterprise ${tag}`, shared: 'all', columns: ['name'], where: { industry: { eq: `Enterprise ${tag}` } }, sort: ['name'] });
    expect(view.status, JSON.stringify(view.body)).toBe(201);
    const made = await marketer('POST', '/api/journeys', {
      name: `Segment ${tag}`, trigger: { event: 'segment.joined', segmentId: view.body.id }, steps: [{ id: 'a1', type: 'addTag', tag: 'segment' }], reentry: { policy: 'once' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await marketer('POST', `/api/journeys/${made.body.id}/activate`)).status).toBe(200);
    const inside = await admin('POST', '/api/leads', { ownerId: repId, firstName: 'Hal', lastName: `Seg ${tag}`, email: email('hal'), company: 'Hal AG', industry: `Enterprise ${tag}` });
    const outside = await admin('POST', '/api/leads', { ownerId: repId, firstName: 'Ida', lastName: `Seg ${tag}`, email: email('ida'), company: 'Ida AG', industry: 'Retail' });
    expect([inside.status, outside.status]).toEqual([201, 201]);
    expect((await waitFor(made.body.id, inside.body.id, (b) => b.status === 'completed')).body.version).toBe(1);
    await settle();
    expect((await member(made.body.id, outside.body.id)).status).toBe(404);
    // Ida changes into the segment: she joins it now.
    expect((await rep('PATCH', `/api/leads/${outside.body.id}`, { industry: `Enterprise ${tag}` })).status).toBe(200);
    await waitFor(made.body.id, outside.body.id, (b) => b.status === 'completed');
    expect((await rep('GET', `/api/leads/${outside.body.id}`)).body.tags).toEqual(['segment']);
  });
});
