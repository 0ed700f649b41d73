import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, login, settle, unique, type ApiCall } from '../support/client.ts';

/**
 * Issue 9, the signed chat webhook (SVC-1) through the local runtime: a chat partner's signed first message of
 * a conversation opens a ticket with channel chat (its requester's contact and account found by email), the
 * next message threads into it, a redelivered message answers the same and writes nothing, a solved ticket
 * reopens on the customer's next message; a bad signature, a lead partner's id and a bad body are refused
 * without a write.
 */
type Res = { status: number; headers: Headers; body: any };

/** The runtime's clock in milliseconds (other tests may have moved it). */
async function runtimeNowMs(): Promise<number> {
  const res = await fetch(`${baseUrl()}/_local/clock`);
  return Date.parse(((await res.json()) as { now: string }).now);
}
async function runtimeNow(): Promise<number> {
  return Math.floor((await runtimeNowMs()) / 1000);
}

/** Posts a chat message the way a chat partner does: signs "<t>.<raw body>" with the shared secret. */
async function postChat(partnerId: string, secret: string, message: unknown, opts: { raw?: string; signature?: string } = {}): Promise<Res> {
  const raw = opts.raw ?? JSON.stringify(message);
  const t = await runtimeNow();
  const sig = createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
  const res = await fetch(`${baseUrl()}/api/webhooks/chat/${partnerId}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'crm-signature': opts.signature ?? `t=${t},v1=${sig}` }, body: raw,
  });
  const text = await res.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body };
}

let admin: ApiCall, agent: ApiCall, rep: ApiCall;
let chat: { id: string; secret: string };
const tag = unique();
const customer = `zhao.min.${tag}@example.cn`;
const conversationId = `conv-${tag}`;
const messages = async (ticketId: string) => (await agent('GET', `/api/tickets/${ticketId}/messages`)).body.items as any[];

beforeAll(async () => {
  [admin, agent, rep] = (await Promise.all(['admin@demo.local', 'agent@demo.local', 'rep1@demo.local'].map(async (e) => api(await login(e))))) as [ApiCall, ApiCall, ApiCall];
  const made = await admin('POST', '/api/partners', { name: `Chat ${tag}`, purpose: 'chat' });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  expect(made.body).toMatchObject({ purpose: 'chat', secret: expect.stringMatching(/^whsec_/) });
  chat = made.body;
});

describe('the chat webhook (SVC-1)', () => {
  let ticketId = '';
  let number = '';

  it('lists partners with their purpose; a lead partner is the default', async () => {
    const leads = (await admin('POST', '/api/partners', { name: `Leads ${tag}` })).body;
    expect(leads.purpose).toBe('leads');
    const listed = (await admin('GET', '/api/partners')).body.items as any[];
    expect(listed.find((p) => p.id === chat.id)).toMatchObject({ purpose: 'chat', secretHint: expect.any(String) });
    expect(listed.find((p) => p.id === leads.id)).toMatchObject({ purpose: 'leads' });
    expect(listed.find((p) => p.id === 'demo-partner')).toMatchObject({ purpose: 'leads' });
    const bad = await admin('POST', '/api/partners', { name: `Bad ${tag}`, purpose: 'sms' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['purpose']);
  });

  it('the first signed message of a conversation opens a chat ticket with the requester\'s contact and account', async () => {
    const account = (await rep('POST', '/api/accounts', { name: `Zhao Trading ${tag}` })).body;
    const contact = (await rep('POST', '/api/contacts', { firstName: 'Min', lastName: `Zhao ${tag}`, email: customer, accountId: account.id })).body;
    const res = await postChat(chat.id, chat.secret, {
      conversationId, messageId: 'm1', from: { email: customer.toUpperCase(), name: '赵敏' }, text: `我的订单还没有发货 ${tag}\n订单号 A-1001`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ ticketId: expect.any(String), number: expect.stringMatching(/^T-\d{6,}$/), messageId: expect.any(String) });
    ({ ticketId, number } = res.body);
    await settle();
    const t = await agent('GET', `/api/tickets/${ticketId}`);
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({
      number, channel: 'chat', subject: `我的订单还没有发货 ${tag}`, requesterEmail: customer, requesterName: '赵敏',
      contactId: contact.id, accountId: account.id, queueId: 'support',
    });
    const thread = await messages(ticketId);
    expect(thread).toHaveLength(1);
    expect(thread[0]).toMatchObject({ id: res.body.messageId, from: 'customer', public: true, body: `我的订单还没有发货 ${tag}\n订单号 A-1001`, author: { name: '赵敏', email: customer } });
  });

  it('the next message of the conversation threads into the ticket; a redelivered one answers the same and writes nothing', async () => {
    const second = { conversationId, messageId: 'm2', from: { email: customer }, text: 'Any news?', sentAt: new Date(await runtimeNowMs()).toISOString() };
    const res = await postChat(chat.id, chat.secret, second);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ ticketId, number });
    await settle();
    const before = await agent('GET', `/api/tickets/${ticketId}`);
    expect((await messages(ticketId)).map((m) => m.body)).toEqual([`我的订单还没有发货 ${tag}\n订单号 A-1001`, 'Any news?']);

    const again = await Promise.all([postChat(chat.id, chat.secret, second), postChat(chat.id, chat.secret, { ...second, text: 'edited on redelivery' })]);
    for (const r of again) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual(res.body);
    }
    await settle();
    expect(await messages(ticketId)).toHaveLength(2);
    expect((await agent('GET', `/api/tickets/${ticketId}`)).body.version).toBe(before.body.version);
    // The first message, redelivered, is the same answer too: no second ticket for the conversation.
    const first = await postChat(chat.id, chat.secret, { conversationId, messageId: 'm1', from: { email: customer }, text: 'x' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ticketId, number });
  });

  it('a customer\'s message reopens a solved ticket; an agent\'s reply shows in the thread', async () => {
    const reply = await agent('POST', `/api/tickets/${ticketId}/replies`, { body: '已为您加急处理。', public: true, status: 'solved' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    await settle();
    expect((await agent('GET', `/api/tickets/${ticketId}`)).body.status).toBe('solved');
    const res = await postChat(chat.id, chat.secret, { conversationId, messageId: 'm3', from: { email: customer }, text: 'Still not here' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.ticketId).toBe(ticketId);
    await settle();
    expect((await agent('GET', `/api/tickets/${ticketId}`)).body.status).toBe('open');
    expect((await messages(ticketId)).map((m) => m.from)).toEqual(['customer', 'customer', 'agent', 'customer']);
  });

  it('another conversation opens another ticket', async () => {
    const res = await postChat(chat.id, chat.secret, { conversationId: `other-${tag}`, messageId: 'm1', from: { email: `new.${tag}@example.com` }, text: 'Hello', subject: `Billing ${tag}` });
    expect(res.status).toBe(201);
    expect(res.body.ticketId).not.toBe(ticketId);
    const t = (await agent('GET', `/api/tickets/${res.body.ticketId}`)).body;
    expect(t).toMatchObject({ subject: `Billing ${tag}`, channel: 'chat', requesterEmail: `new.${tag}@example.com` });
    expect(t.contactId).toBeUndefined();
  });

  it('refuses a bad signature and a lead partner\'s id with 401, and a bad body with 400 naming every field, writing nothing', async () => {
    const good = { conversationId: `refused-${tag}`, messageId: 'm1', from: { email: customer }, text: 'hi' };
    const wrongSecret = await postChat(chat.id, 'whsec_wrong', good);
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get('content-type')).toContain('application/problem+json');
    const leadPartner = await postChat('demo-partner', 'whsec_demo_secret', good);
    expect(leadPartner.status).toBe(401);
    expect(leadPartner.body.detail).toBe(wrongSecret.body.detail);
    expect((await postChat('no-such-partner', chat.secret, good)).body.detail).toBe(wrongSecret.body.detail);
    // And the other way round: a chat partner's id on the lead webhook.
    const raw = JSON.stringify({ lastName: 'X', email: 'x@example.com' });
    const t = await runtimeNow();
    const lead = await fetch(`${baseUrl()}/api/webhooks/leads/${chat.id}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'crm-signature': `t=${t},v1=${createHmac('sha256', chat.secret).update(`${t}.${raw}`).digest('hex')}` }, body: raw,
    });
    expect(lead.status).toBe(401);

    const bad = await postChat(chat.id, chat.secret, { conversationId: '', from: { email: 'nope' }, text: '   ', sentAt: 'yesterday', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((bad.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['conversationId', 'extra', 'from.email', 'messageId', 'sentAt', 'text']);
    // Nothing was written: the refused conversation opens its ticket only now.
    const now = await postChat(chat.id, chat.secret, good);
    expect(now.status).toBe(201);
    expect((await messages(now.body.ticketId))).toHaveLength(1);
  });
});
