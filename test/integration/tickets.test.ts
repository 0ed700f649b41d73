import { beforeAll, describe, expect, it } from 'vitest';
import { api, login, unique, type ApiCall } from '../support/client.ts';

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
