import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, login, sentMail, settle, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 9, CSAT (SVC-5) through the local runtime: solving a ticket emails its requester one question with a
 * link per score; the link's page (GET) changes nothing; the answer is taken once (again: 409), is on the
 * ticket and its timeline and in the dashboard's figures; an unknown link is 404 and an expired one 410.
 */
let agent: ApiCall;
const tag = unique();
const customer = `li.na.${tag}@example.cn`;
const anon = api();

async function solve(id: string): Promise<void> {
  // Routing gives a new ticket its agent a moment after it is made: let that land, so the ETag is current.
  await settle();
  const t = await agent('GET', `/api/tickets/${id}`);
  const r = await agent('PATCH', `/api/tickets/${id}`, { status: 'solved' }, { 'if-match': t.headers.etag! });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}
const surveyMails = async () => (await sentMail(customer)).filter((m) => /满意|How did we do/.test(m.Subject));
const tokenOf = (mail: any) => /\/survey\/([A-Za-z0-9_-]{43})\?score=1/.exec(mail.Body.text_part)![1]!;

beforeAll(async () => {
  agent = api(await login('agent@demo.local'));
});

describe('CSAT survey', () => {
  let ticketId = '';
  let token = '';

  it('solving a ticket emails the requester one question, a link per score, in the support address\'s language', async () => {
    const t = await agent('POST', '/api/tickets', { subject: `Reset my password ${tag}`, requesterEmail: customer });
    ticketId = t.body.id;
    await agent('POST', `/api/tickets/${ticketId}/replies`, { body: 'Done, please try again.', public: true });
    await solve(ticketId);
    const mails = await until(surveyMails, (m) => m.length > 0);
    expect(mails).toHaveLength(1);
    expect(mails[0].Subject).toBe(`您对工单 ${t.body.number}「Reset my password ${tag}」的处理满意吗？`);
    for (let n = 1; n <= 5; n++) expect(mails[0].Body.text_part).toContain(`?score=${n}`);
    expect(mails[0].Headers).toEqual(expect.arrayContaining([{ Name: 'Auto-Submitted', Value: 'auto-generated' }]));
    token = tokenOf(mails[0]);
  });

  it('opening the link changes nothing; the answer is taken once, with its comment, and is on the ticket', async () => {
    for (let i = 0; i < 2; i++) {
      const page = await anon('GET', `/api/surveys/${token}`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ state: 'open', subject: `Reset my password ${tag}`, language: 'zh-CN' });
    }
    const bad = await anon('POST', `/api/surveys/${token}`, { score: 6, mood: 'great' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.some((e: any) => e.path === 'score')).toBe(true);
    const ok = await anon('POST', `/api/surveys/${token}`, { score: 4, comment: '很快就解决了' });
    expect(ok.status).toBe(200);
    const again = await anon('POST', `/api/surveys/${token}`, { score: 1 });
    expect(again.status).toBe(409);
    expect((await anon('GET', `/api/surveys/${token}`)).body).toMatchObject({ state: 'answered', score: 4 });
    const t = await until(() => agent('GET', `/api/tickets/${ticketId}`), (r) => r.body.csat !== undefined);
    expect(t.body.csat).toMatchObject({ score: 4, comment: '很快就解决了' });
    const timeline = (await agent('GET', `/api/tickets/${ticketId}/timeline`)).body.items;
    expect(timeline.find((e: any) => e.type === 'csat')).toBeTruthy();
    const d = await agent('GET', '/api/service/dashboard');
    expect(d.body.totals.csatResponses).toBeGreaterThan(0);
    expect(d.body.totals.csatAverage).toBeGreaterThan(0);
  });

  it('an unknown link is 404; a new solve after a reopen asks again; a link past 14 days is expired (410)', async () => {
    expect((await anon('GET', `/api/surveys/${'x'.repeat(43)}`)).status).toBe(404);
    expect((await anon('POST', '/api/surveys/not-a-token', { score: 3 })).status).toBe(404);
    const t = await agent('GET', `/api/tickets/${ticketId}`);
    expect((await agent('PATCH', `/api/tickets/${ticketId}`, { status: 'open' }, { 'if-match': t.headers.etag! })).status).toBe(200);
    await solve(ticketId);
    const mails = await until(surveyMails, (m) => m.length > 1);
    expect(mails).toHaveLength(2);
    const second = tokenOf(mails[1]);
    await advanceClock(15 * 86400);
    agent = api(await login('agent@demo.local'));
    expect((await anon('GET', `/api/surveys/${second}`)).body.state).toBe('expired');
    expect((await anon('POST', `/api/surveys/${second}`, { score: 5 })).status).toBe(410);
  });
});
