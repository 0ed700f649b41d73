import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, login, sentMail, settle, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 9, the customer portal (SVC-3) through the local runtime: `POST /api/portal/demo/magic-link` answers 202
 * for any address and emails a single-use sign-in link; the link becomes a portal session once (reused: 410;
 * after 15 minutes: 410); with it a customer lists and opens their own tickets only (another's by id is 404),
 * sees the public conversation without internal notes, answers (reopening a solved ticket) and opens new ones;
 * without a session, or with the staff token, the portal API refuses.
 */
let agent: ApiCall;
const tag = unique();
const alice = `alice.${tag}@example.cn`;
const bob = `bob.${tag}@example.cn`;
const anon = api();

async function signIn(email: string): Promise<ApiCall> {
  const before = (await sentMail(email)).length;
  const asked = await anon('POST', '/api/portal/demo/magic-link', { email });
  expect(asked.status).toBe(202);
  // The newest sign-in mail (a reply emailed to the same customer may arrive after it).
  const LINK = /sign-in\?token=([A-Za-z0-9_-]{43})/;
  const mails = await until(() => sentMail(email), (m) => m.slice(before).some((x) => LINK.test(x.Body.text_part)));
  const token = LINK.exec(mails.slice(before).filter((x) => LINK.test(x.Body.text_part)).at(-1)!.Body.text_part)![1]!;
  const s = await anon('POST', '/api/portal/demo/sessions', { token });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  const session = s.body.session as string;
  return (method, path, body, headers = {}) => anon(method, path, body, { ...headers, authorization: `Portal ${session}` });
}

beforeAll(async () => {
  agent = api(await login('agent@demo.local'));
});

describe('customer portal', () => {
  let aliceTicket = '';
  let bobTicket = '';

  it('a magic link is emailed for any address (202), in the customer\'s language, and signs in once', async () => {
    const r = await anon('POST', '/api/portal/demo/magic-link', { email: alice, language: 'en' });
    expect(r.status).toBe(202);
    const [mail] = await until(() => sentMail(alice), (m) => m.length > 0);
    expect(mail.Subject).toBe('Your sign-in link to the Demo Support portal');
    const token = /sign-in\?token=([A-Za-z0-9_-]{43})/.exec(mail.Body.text_part)![1]!;
    expect(mail.Body.text_part).toContain(`/portal/demo/sign-in?token=${token}`);
    const first = await anon('POST', '/api/portal/demo/sessions', { token });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ email: alice, session: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const again = await anon('POST', '/api/portal/demo/sessions', { token });
    expect([again.status, again.body.reason]).toEqual([410, 'used']);
    expect((await anon('POST', '/api/portal/demo/sessions', { token: 'x'.repeat(43) })).status).toBe(404);
    expect((await anon('POST', '/api/portal/demo/magic-link', { email: 'not-an-email' })).status).toBe(400);
    expect((await anon('POST', '/api/portal/nosuchtenant/magic-link', { email: alice })).status).toBe(404);
  });

  it('a customer sees their own tickets and public messages only; another\'s ticket is 404; no session, no portal', async () => {
    aliceTicket = (await agent('POST', '/api/tickets', { subject: `Alice's laptop ${tag}`, requesterEmail: alice })).body.id;
    bobTicket = (await agent('POST', '/api/tickets', { subject: `Bob's phone ${tag}`, requesterEmail: bob })).body.id;
    await agent('POST', `/api/tickets/${aliceTicket}/replies`, { body: 'Internal: check warranty', public: false });
    await agent('POST', `/api/tickets/${aliceTicket}/replies`, { body: 'We will replace it.', public: true });
    const asAlice = await signIn(alice);
    const mine = await asAlice('GET', '/api/portal/demo/tickets');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((t: any) => t.id)).toEqual([aliceTicket]);
    const one = await asAlice('GET', `/api/portal/demo/tickets/${aliceTicket}`);
    expect(one.status).toBe(200);
    expect(one.body.messages.map((m: any) => [m.from, m.body])).toEqual([['support', 'We will replace it.']]);
    expect(JSON.stringify(one.body)).not.toContain('warranty');
    expect((await asAlice('GET', `/api/portal/demo/tickets/${bobTicket}`)).status).toBe(404);
    expect((await asAlice('POST', `/api/portal/demo/tickets/${bobTicket}/replies`, { body: 'hi' })).status).toBe(404);
    expect((await anon('GET', '/api/portal/demo/tickets')).status).toBe(403);
    const staff = await login('agent@demo.local');
    expect((await anon('GET', '/api/portal/demo/tickets', undefined, { authorization: `Bearer ${staff}` })).status).toBe(403);
  });

  it('the customer answers (a solved ticket reopens) and opens a new request in the portal', async () => {
    const asAlice = await signIn(alice);
    await settle();
    const t = await agent('GET', `/api/tickets/${aliceTicket}`);
    await agent('PATCH', `/api/tickets/${aliceTicket}`, { status: 'solved' }, { 'if-match': t.headers.etag! });
    const answered = await asAlice('POST', `/api/portal/demo/tickets/${aliceTicket}/replies`, { body: 'The new one is broken too.' });
    expect(answered.status).toBe(201);
    expect(answered.body.status).toBe('open');
    const thread = (await agent('GET', `/api/tickets/${aliceTicket}/messages`)).body.items;
    expect(thread[thread.length - 1]).toMatchObject({ from: 'customer', body: 'The new one is broken too.' });
    const bad = await asAlice('POST', '/api/portal/demo/tickets', { subject: '', description: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['description', 'subject']);
    const made = await asAlice('POST', '/api/portal/demo/tickets', { subject: `Printer ${tag}`, description: 'It jams.' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ number: expect.stringMatching(/^T-\d{6}$/), channel: 'portal' });
    const staffView = (await agent('GET', `/api/tickets/${made.body.id}`)).body;
    expect(staffView).toMatchObject({ requesterEmail: alice, channel: 'portal', queueId: 'support' });
    expect((await asAlice('GET', '/api/portal/demo/tickets')).body.items.map((x: any) => x.id)).toEqual([made.body.id, aliceTicket]);
  });

  it('a sign-in link expires after 15 minutes', async () => {
    await anon('POST', '/api/portal/demo/magic-link', { email: bob });
    const mails = await until(() => sentMail(bob), (m) => m.length > 0);
    const token = /sign-in\?token=([A-Za-z0-9_-]{43})/.exec(mails[mails.length - 1].Body.text_part)![1]!;
    await advanceClock(16 * 60);
    const late = await anon('POST', '/api/portal/demo/sessions', { token });
    expect([late.status, late.body.reason]).toEqual([410, 'expired']);
  });
});
