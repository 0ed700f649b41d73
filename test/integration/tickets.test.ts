import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, baseUrl, login, sentMail, settle, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 9, tickets through the local runtime on DynamoDB Local: numbers with no gaps under concurrency (the
 * sequence moves in each ticket's own transaction), the SLA of the seeded standard policy on each ticket, a
 * public reply that stamps the first response, an internal note, and bad input named field by field.
 */
let agent: ApiCall;
let rep: ApiCall;
const tag = unique();
const seq = (n: string) => Number(n.slice(2));

beforeAll(async () => {
  [agent, rep] = await Promise.all([api(await login('agent@demo.local')), api(await login('rep1@demo.local'))]);
});

describe('tickets', () => {
  it('12 tickets posted at once get 12 consecutive numbers, each once', async () => {
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => agent('POST', '/api/tickets', { subject: `Printer ${i} ${tag}`, priority: 'high' })));
    expect(made.map((r) => r.status)).toEqual(Array(12).fill(201));
    const numbers = made.map((r) => seq(r.body.number as string)).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(12);
    expect(numbers[11]! - numbers[0]!).toBe(11);
    expect(made[0]!.body.number).toMatch(/^T-\d{6}$/);
  });

  it('a new ticket is in the support queue with both SLA targets of the standard policy', async () => {
    const r = await agent('POST', '/api/tickets', { subject: `VPN down ${tag}`, description: 'Since this morning', requesterEmail: 'wang.fang@example.cn' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'new', priority: 'normal', channel: 'api', queueId: 'support', ownerId: 'queue:support' });
    expect(r.body.sla).toMatchObject({ policyId: 'standard', calendarId: 'business', firstResponse: { targetMinutes: 240 }, resolution: { targetMinutes: 1620 } });
    expect(['onTrack', 'warning', 'breached']).toContain(r.body.sla.firstResponse.state);
    expect(typeof r.body.sla.firstResponse.dueAt).toBe('string');
    expect(typeof r.body.sla.resolution.businessMinutesLeft).toBe('number');
    const got = await agent('GET', `/api/tickets/${r.body.id}`);
    expect(got.body.number).toBe(r.body.number);
  });

  it('a public reply stamps the first response and opens the ticket; a note does neither; the thread is in order', async () => {
    const t = (await agent('POST', '/api/tickets', { subject: `Invoice copy ${tag}`, requesterEmail: 'li.lei@example.cn' })).body;
    const note = await agent('POST', `/api/tickets/${t.id}/replies`, { body: 'Checking with finance', public: false });
    expect(note.status).toBe(201);
    expect(note.body.ticket.status).toBe('new');
    expect(note.body.ticket.firstRespondedAt).toBeUndefined();
    const reply = await agent('POST', `/api/tickets/${t.id}/replies`, { body: '您好，发票已重新开具。', public: true });
    expect(reply.status).toBe(201);
    expect(reply.body.ticket).toMatchObject({ status: 'open' });
    expect(reply.body.ticket.sla.firstResponse.state).toBe('met');
    expect(reply.body.message).toMatchObject({ from: 'agent', public: true, mail: { status: 'queued' } });
    const thread = await agent('GET', `/api/tickets/${t.id}/messages`);
    expect(thread.body.items.map((m: { from: string }) => m.from)).toEqual(['note', 'agent']);
    const timeline = await agent('GET', `/api/tickets/${t.id}/timeline`);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['ticket-reply', 'ticket-note', 'created']));
  });

  it('a ticket is on its contact\'s and account\'s timelines when opened and when solved', async () => {
    const account = (await rep('POST', '/api/accounts', { name: `Acme ${tag}` })).body;
    const contact = (await rep('POST', '/api/contacts', { firstName: 'Mei', lastName: `Lin ${tag}`, email: `mei.${tag}@example.cn`, accountId: account.id })).body;
    const made = await agent('POST', '/api/tickets', { subject: `Broken badge ${tag}`, contactId: contact.id, accountId: account.id });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const t = made.body;
    const types = async (type: string, id: string) => (await rep('GET', `/api/${type}/${id}/timeline`)).body.items.filter((e: any) => e.subject?.id === t.id).map((e: any) => e.type);
    expect(await types('contacts', contact.id), JSON.stringify((await rep('GET', `/api/contacts/${contact.id}/timeline`)).body)).toEqual(['ticket-opened']);
    expect(await types('accounts', account.id)).toEqual(['ticket-opened']);
    await settle(); // routing gives it its agent first
    const got = await agent('GET', `/api/tickets/${t.id}`);
    expect((await agent('PATCH', `/api/tickets/${t.id}`, { status: 'solved' }, { 'if-match': got.headers.etag! })).status).toBe(200);
    expect(await types('contacts', contact.id)).toEqual(['ticket-solved', 'ticket-opened']);
  });

  it('bad input names every bad field and writes nothing; a rep may read tickets but not work one they do not own', async () => {
    const bad = await agent('POST', '/api/tickets', { subject: '', priority: 'panic', requesterEmail: 'nope', shoe: 1 });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect((bad.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['priority', 'requesterEmail', 'shoe', 'subject']);
    const badReply = await agent('POST', '/api/tickets/nope/replies', { body: '', public: 'yes' });
    expect(badReply.status).toBe(400);
    const t = (await agent('POST', '/api/tickets', { subject: `Rep view ${tag}` })).body;
    expect((await rep('GET', `/api/tickets/${t.id}`)).status).toBe(200);
    expect((await rep('POST', `/api/tickets/${t.id}/replies`, { body: 'hi', public: true })).status).toBe(403);
  });
});

/**
 * SLA timers through the runtime's Scheduler and clock (POST /_local/clock): the warning and breach schedules
 * of a ticket follow it, fire once, record the state on the ticket and tell the assignee (and, for a breach,
 * the queue's manager, seeded as manager@demo.local); a reply meets the first response and deletes its
 * schedules; pending deletes the resolution schedules and the customer's return puts them back later.
 */
describe('SLA timers', () => {
  const schedule = async (name: string) => {
    const scheduler = new SchedulerClient({ endpoint: baseUrl(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    return scheduler.send(new GetScheduleCommand({ Name: name, GroupName: 'cirrus-local-schedules' })).then((s) => s.ScheduleExpression ?? '', (e: Error) => e.name);
  };
  const runtimeNow = async () => Date.parse(((await (await fetch(`${baseUrl()}/_local/clock`)).json()) as { now: string }).now);
  const passTo = async (iso: string) => {
    await advanceClock(Math.max(1, Math.ceil((Date.parse(iso) - (await runtimeNow())) / 1000) + 5));
    agent = await api(await login('agent@demo.local')); // tokens last an hour; the clock may move further
  };

  it('warning then breach: each fires once, is on the ticket, and mails the assignee and at the breach the manager', async () => {
    const me = (await agent('GET', '/api/me')).body;
    const t = (await agent('POST', '/api/tickets', { subject: `Server down ${tag}`, priority: 'urgent', assigneeId: me.id })).body;
    expect(t.status).toBe('open');
    const fr = t.sla.firstResponse;
    const at = (iso: string) => `at(${iso.slice(0, 19)})`;
    expect(await until(() => schedule(`sla-${t.id}-first-response-breach`), (s) => s === at(fr.dueAt))).toBe(at(fr.dueAt));
    expect(await schedule(`sla-${t.id}-first-response-warning`)).toBe(at(fr.warnAt));

    const agentMails = () => sentMail('agent@demo.local').then((m) => m.filter((x) => String(x.Subject).includes(t.number)));
    await passTo(fr.warnAt);
    const warned = await until(agentMails, (m) => m.length >= 1, 15000);
    expect(warned.map((m) => m.Subject)).toEqual([expect.stringContaining('SLA warning')]);
    const afterWarning = await until(() => agent('GET', `/api/tickets/${t.id}/timeline`), (r) => r.body.items.some((e: { type: string }) => e.type === 'sla-warning'));
    expect(afterWarning.body.items.filter((e: { type: string }) => e.type === 'sla-warning')).toHaveLength(1);

    await passTo(fr.dueAt);
    const breached = await until(agentMails, (m) => m.length >= 2, 15000);
    expect(breached.map((m) => m.Subject)).toEqual([expect.stringContaining('SLA warning'), expect.stringContaining('SLA breached')]);
    const managerMail = await until(() => sentMail('manager@demo.local').then((m) => m.filter((x) => String(x.Subject).includes(t.number))), (m) => m.length >= 1, 15000);
    expect(managerMail.map((m) => m.Subject)).toEqual([expect.stringContaining('SLA 违约')]);
    const got = await until(() => agent('GET', `/api/tickets/${t.id}`), (r) => !!r.body.sla.firstResponse.breachedAt);
    expect(got.body.sla.firstResponse).toMatchObject({ state: 'breached', breachedAt: fr.dueAt });
    // Nothing fires twice: a later change of the ticket sends no second breach mail.
    await agent('PATCH', `/api/tickets/${t.id}`, { tags: ['late'] }, { 'if-match': String(got.headers.etag) });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await agentMails()).toHaveLength(2);
  });

  it('a reply meets the first response (its schedules go); pending removes the resolution schedules and reopening puts them back later', async () => {
    const t = (await agent('POST', '/api/tickets', { subject: `Pause me ${tag}`, requesterEmail: 'pause@example.cn' })).body;
    await until(() => schedule(`sla-${t.id}-first-response-breach`), (s) => s.startsWith('at('));
    await agent('POST', `/api/tickets/${t.id}/replies`, { body: 'On it', public: true, status: 'pending' });
    expect(await until(() => schedule(`sla-${t.id}-first-response-breach`), (s) => s === 'ResourceNotFoundException')).toBe('ResourceNotFoundException');
    expect(await until(() => schedule(`sla-${t.id}-resolution-breach`), (s) => s === 'ResourceNotFoundException')).toBe('ResourceNotFoundException');
    const paused = (await agent('GET', `/api/tickets/${t.id}`)).body;
    expect(paused.sla.resolution.state).toBe('paused');
    await passTo(new Date((await runtimeNow()) + 3 * 3600_000).toISOString());
    const open = await agent('PATCH', `/api/tickets/${t.id}`, { status: 'open' }, { 'if-match': `"${paused.version}"` });
    expect(open.status).toBe(200);
    const due = open.body.sla.resolution.dueAt as string;
    expect(Date.parse(due)).toBeGreaterThan(Date.parse(t.sla.resolution.dueAt));
    expect(await until(() => schedule(`sla-${t.id}-resolution-breach`), (s) => s === `at(${due.slice(0, 19)})`)).toBe(`at(${due.slice(0, 19)})`);
  });
});
