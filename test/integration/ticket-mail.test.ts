import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, login, sentMail, settle, unique, until, type ApiCall } from '../support/client.ts';
import { mimeMessage, sendSmtp } from '../support/smtp.ts';

/**
 * Issue 9, support email end to end through the local runtime: a mail handed to the SMTP listener (SES
 * receiving, emulated: raw mail in the local S3, then the receipt rule's Lambda action) opens a ticket in the
 * demo tenant; the agent's public reply is emailed from the support address with the ticket's reference; the
 * customer's answer threads in by In-Reply-To, without what it quotes, and takes the ticket back to open; a
 * redelivered mail, an auto-reply and our own mail coming back open nothing; a solved ticket reopens on its
 * requester's mail naming its number, while a stranger naming the number gets a ticket of their own.
 */
let agent: ApiCall;
const tag = unique();
const customer = `chen.jing.${tag}@example.cn`;

type Outcome = { outcome: string; ticketId?: string; number?: string; reason?: string; reopened?: boolean };
/** What the inbound function made of the mail SES took in as `sesId` (the receipt's Lambda action result). */
async function outcomeOf(sesId: string): Promise<Outcome> {
  const receipt = await until(async () => {
    await settle();
    const res = await fetch(`${baseUrl()}/_aws/ses/inbound`);
    return ((await res.json()) as { receipts: { messageId: string; status: string; result?: Outcome[]; error?: string }[] }).receipts.find((r) => r.messageId === sesId);
  }, (r) => r !== undefined && r.status !== 'processing');
  if (receipt?.status !== 'delivered') throw new Error(`inbound mail ${sesId}: ${receipt?.status} ${receipt?.error ?? ''}`);
  return receipt.result![0]!;
}

async function mailIn(o: Parameters<typeof mimeMessage>[0], envelopeTo = ['support@demo.local']): Promise<Outcome> {
  const answer = await sendSmtp(o.from.replace(/^.*<|>$/g, ''), envelopeTo, mimeMessage(o));
  const sesId = /queued as ([a-z0-9]+)/.exec(answer)![1]!;
  return outcomeOf(sesId);
}

beforeAll(async () => {
  agent = api(await login('agent@demo.local'));
});

describe('support email', () => {
  let ticketId = '';
  let number = '';
  const firstId = `<first.${tag}@mail.example.cn>`;

  it('a mail to support@demo.local opens a ticket in the support queue, with the sender, the text and the attachment', async () => {
    const out = await mailIn({
      from: `陈静 <${customer}>`, to: 'Demo Support <support@demo.local>', subject: `打印机无法连接 ${tag}`, messageId: firstId,
      text: '您好，\n办公室的打印机从昨天起无法连接。\n谢谢', attachments: [{ fileName: 'error.png', contentType: 'image/png', content: Buffer.from('89504e470d0a1a0a', 'hex') }],
    });
    expect(out).toMatchObject({ outcome: 'created', number: expect.stringMatching(/^T-\d{6}$/) });
    ticketId = out.ticketId!;
    number = out.number!;
    const t = (await agent('GET', `/api/tickets/${ticketId}`)).body;
    // The support queue gives its tickets in turn to its agents: the demo's one agent has it, so it is open.
    expect(t).toMatchObject({ number, subject: `打印机无法连接 ${tag}`, channel: 'email', status: 'open', queueId: 'support', requesterEmail: customer, requesterName: '陈静' });
    const me = (await agent('GET', '/api/me')).body;
    expect(t.assigneeId).toBe(me.id);
    const assigned = await until(() => sentMail('agent@demo.local'), (m) => m.some((x) => String(x.Subject).includes(number)));
    expect(assigned.filter((x) => String(x.Subject).includes(number)).map((x) => x.Subject)).toEqual([`Ticket assigned to you: ${number} "打印机无法连接 ${tag}"`]);
    expect(t.description).toContain('无法连接');
    // The workspace finds it by its number and by the requester's email.
    for (const q of [number, customer]) {
      const found = await agent('GET', `/api/tickets?q=${encodeURIComponent(q)}&sort=-createdAt&where[status][in]=new,open,pending,onHold`);
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      expect(found.body.items.map((x: any) => x.id)).toContain(ticketId);
    }
    const mine = await agent('GET', `/api/tickets?ownerId=${me.id}&where[queueId][eq]=support&where[status][in]=new,open,pending,onHold&sort=-createdAt&limit=100`);
    expect(mine.body.items.map((x: any) => x.id)).toContain(ticketId);
    const thread = (await agent('GET', `/api/tickets/${ticketId}/messages`)).body.items;
    expect(thread).toHaveLength(1);
    expect(thread[0]).toMatchObject({ from: 'customer', public: true, author: { name: '陈静', email: customer }, messageId: firstId });
    expect(thread[0].attachments).toEqual([{ key: expect.stringMatching(new RegExp(`^demo/tickets/${ticketId}/`)), fileName: 'error.png', contentType: 'image/png', size: 8 }]);
  });

  it('the same mail delivered again changes nothing', async () => {
    const again = await mailIn({ from: customer, to: 'support@demo.local', subject: `打印机无法连接 ${tag}`, messageId: firstId, text: '您好' });
    expect(again).toMatchObject({ outcome: 'duplicate', ticketId });
    expect((await agent('GET', `/api/tickets/${ticketId}/messages`)).body.items).toHaveLength(1);
  });

  let sesReplyId = '';
  it('the agent\'s public reply is emailed from the support address with the reference, and the customer\'s answer threads in without its quote', async () => {
    const r = await agent('POST', `/api/tickets/${ticketId}/replies`, { body: '请重启打印机后再试一次。', public: true, status: 'pending' });
    expect(r.status).toBe(201);
    const mails = await until(() => sentMail(customer), (m) => m.length > 0);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    sesReplyId = mail.Id;
    expect(mail.Subject).toBe(`Re: 打印机无法连接 ${tag} [${number}]`);
    expect(mail.Source).toBe('"Demo Support" <support@demo.local>');
    expect(mail.ReplyToAddresses).toEqual([`support+${number.toLowerCase()}@demo.local`]);
    expect(mail.Headers).toEqual(expect.arrayContaining([{ Name: 'X-Cirrus-Loop', Value: `ticket=${ticketId}` }, { Name: 'In-Reply-To', Value: firstId }]));
    expect(mail.Body.text_part).toMatch(/^##- 请在此行以上回复 -##\n\n请重启打印机后再试一次。/);
    expect(mail.Body.text_part).toContain('> 办公室的打印机从昨天起无法连接。');
    const sent = await until(async () => (await agent('GET', `/api/tickets/${ticketId}/messages`)).body.items, (items: any[]) => items[1]?.mail?.status === 'sent');
    expect(sent[1]).toMatchObject({ from: 'agent', mail: { status: 'sent' }, messageId: sesReplyId });

    const answer = await mailIn({
      from: `陈静 <${customer}>`, to: `support+${number.toLowerCase()}@demo.local`, subject: `回复：打印机无法连接 ${tag}`,
      messageId: `<second.${tag}@mail.example.cn>`, inReplyTo: `<${sesReplyId}@email.amazonses.com>`,
      text: '重启后可以了，谢谢！\n\n在 2026年12月3日 周四 10:00，Demo Support 写道：\n> ##- 请在此行以上回复 -##\n> 请重启打印机后再试一次。',
    }, [`support+${number.toLowerCase()}@demo.local`]);
    expect(answer).toMatchObject({ outcome: 'threaded', ticketId, reopened: false });
    const thread = (await agent('GET', `/api/tickets/${ticketId}/messages`)).body.items;
    expect(thread.map((m: any) => m.from)).toEqual(['customer', 'agent', 'customer']);
    expect(thread[2].body).toBe('重启后可以了，谢谢！');
    const t = (await agent('GET', `/api/tickets/${ticketId}`)).body;
    expect(t.status).toBe('open'); // pending on the customer → their answer takes it back to open
    const timeline = (await agent('GET', `/api/tickets/${ticketId}/timeline`)).body.items.map((e: any) => e.type);
    expect(timeline).toContain('ticket-customer-reply');
  });

  it('a forwarded mail: the requester forwarding our reply threads in by its number; a colleague forwarding it opens a ticket of their own', async () => {
    const fwd = await mailIn({ from: customer, to: 'support@demo.local', subject: `Fwd: Re: 打印机无法连接 ${tag} [${number}]`, messageId: `<fwd1.${tag}@mail.example.cn>`, text: '---------- Forwarded message ---------\nPlease see below.' });
    expect(fwd).toMatchObject({ outcome: 'threaded', ticketId });
    const colleague = await mailIn({ from: `boss.${tag}@example.cn`, to: 'support@demo.local', subject: `Fwd: Re: 打印机无法连接 ${tag} [${number}]`, messageId: `<fwd2.${tag}@mail.example.cn>`, text: 'FYI, same here.' });
    expect(colleague).toMatchObject({ outcome: 'created' });
    expect(colleague.ticketId).not.toBe(ticketId);
  });

  it('auto-replies, bounces and our own mail coming back open no ticket', async () => {
    const ooo = await mailIn({ from: customer, to: 'support@demo.local', subject: `自动回复：打印机 ${tag}`, messageId: `<ooo.${tag}@mail.example.cn>`, text: '我正在休假', headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(ooo).toMatchObject({ outcome: 'dropped', reason: 'auto-reply' });
    const loop = await mailIn({ from: customer, to: 'support@demo.local', subject: `Fwd ${tag}`, messageId: `<loop.${tag}@mail.example.cn>`, text: 'x', headers: { 'X-Cirrus-Loop': `ticket=${ticketId}` } });
    expect(loop).toMatchObject({ outcome: 'dropped', reason: 'loop' });
    const bounce = await mailIn({ from: 'MAILER-DAEMON@mail.example.cn', to: 'support@demo.local', subject: 'Undelivered Mail Returned to Sender', messageId: `<bounce.${tag}@mail.example.cn>`, text: 'failed' });
    expect(bounce).toMatchObject({ outcome: 'dropped', reason: 'bounce' });
    const nobody = await mailIn({ from: customer, to: 'sales@nowhere.example', subject: `Hello ${tag}`, messageId: `<nobody.${tag}@mail.example.cn>`, text: 'hi' }, ['sales@nowhere.example']);
    expect(nobody).toMatchObject({ outcome: 'dropped', reason: 'unknown-address' });
  });

  it('a solved ticket reopens on its requester\'s mail naming the number; a stranger naming it gets a ticket of their own', async () => {
    const t = (await agent('GET', `/api/tickets/${ticketId}`));
    expect((await agent('PATCH', `/api/tickets/${ticketId}`, { status: 'solved' }, { 'if-match': t.headers.etag! })).status).toBe(200);
    const back = await mailIn({ from: customer, to: 'support@demo.local', subject: `又不行了 [${number}]`, messageId: `<third.${tag}@mail.example.cn>`, text: '打印机又连不上了。' });
    expect(back).toMatchObject({ outcome: 'threaded', ticketId, reopened: true });
    expect((await agent('GET', `/api/tickets/${ticketId}`)).body.status).toBe('open');
    const stranger = await mailIn({ from: `other.${tag}@example.com`, to: 'support@demo.local', subject: `About [${number}]`, messageId: `<stranger.${tag}@example.com>`, text: 'Let me in' });
    expect(stranger).toMatchObject({ outcome: 'created' });
    expect(stranger.ticketId).not.toBe(ticketId);
  });

  it('an admin adds a support address in the settings and mail to it opens tickets in its queue; bad references are named; agents may read, not change', async () => {
    const admin = api(await login('admin@demo.local'));
    const got = await admin('GET', '/api/settings/service-desk');
    expect(got.status).toBe(200);
    expect(got.body.supportAddresses).toEqual([expect.objectContaining({ address: 'support@demo.local', queueId: 'support' })]);
    expect((await agent('GET', '/api/settings/service-desk')).status).toBe(200);
    const withHelp = { ...got.body, supportAddresses: [...got.body.supportAddresses, { address: `help.${tag}@demo.local`, name: 'Help', queueId: 'support', language: 'en' }] };
    expect((await agent('PUT', '/api/settings/service-desk', withHelp)).status).toBe(403);
    const bad = await admin('PUT', '/api/settings/service-desk', { ...withHelp, defaultQueueId: 'nowhere', routingRules: [{ id: 'r1', name: 'Billing', when: { subjectWords: ['invoice'] }, queueId: 'billing' }] }, { 'if-match': got.headers.etag! });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['defaultQueueId', 'routingRules.0.queueId']);
    const saved = await admin('PUT', '/api/settings/service-desk', withHelp, { 'if-match': got.headers.etag! });
    expect(saved.status).toBe(200);
    expect(saved.headers.etag).not.toBe(got.headers.etag);
    expect((await admin('PUT', '/api/settings/service-desk', withHelp, { 'if-match': got.headers.etag! })).status).toBe(412);
    try {
      const out = await mailIn({ from: customer, to: `help.${tag}@demo.local`, subject: `Help ${tag}`, messageId: `<help.${tag}@mail.example.cn>`, text: 'Hello' }, [`help.${tag}@demo.local`]);
      expect(out).toMatchObject({ outcome: 'created' });
    } finally {
      // Put the demo settings back (other files rely on them); the address's route goes with it.
      expect((await admin('PUT', '/api/settings/service-desk', got.body, { 'if-match': saved.headers.etag! })).status).toBe(200);
    }
    const gone = await mailIn({ from: customer, to: `help.${tag}@demo.local`, subject: `Help again ${tag}`, messageId: `<help2.${tag}@mail.example.cn>`, text: 'Hello?' }, [`help.${tag}@demo.local`]);
    expect(gone).toMatchObject({ outcome: 'dropped', reason: 'unknown-address' });
  });

  it('the service dashboard counts the backlog by status and queue and the period\'s tickets, from the aggregates', async () => {
    const manager = api(await login('manager@demo.local'));
    const d = await manager('GET', '/api/service/dashboard');
    expect(d.status).toBe(200);
    expect(d.body.backlog.total).toBeGreaterThan(0);
    expect(d.body.backlog.byQueue.support).toBeGreaterThan(0);
    expect(d.body.backlog.total).toBe(Object.values(d.body.backlog.byStatus as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(d.body.totals.created).toBeGreaterThan(0);
    expect(d.body.totals.firstResponses).toBeGreaterThan(0);
    expect(d.body.days.length).toBeGreaterThan(0);
    const bad = await manager('GET', '/api/service/dashboard?from=2026-13-01&to=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['from', 'to']);
  });

  it('two tickets about one thing are merged: the conversation moves, the merged one closes, and mail to it threads into the kept one', async () => {
    const a = await mailIn({ from: customer, to: 'support@demo.local', subject: `Wifi down ${tag}`, messageId: `<wifi1.${tag}@mail.example.cn>`, text: 'The wifi is down.' });
    const b = await mailIn({ from: customer, to: 'support@demo.local', subject: `Still no wifi ${tag}`, messageId: `<wifi2.${tag}@mail.example.cn>`, text: 'Any news?' });
    expect(b.ticketId).not.toBe(a.ticketId);
    expect((await agent('POST', `/api/tickets/${b.ticketId}/merge`, { into: b.ticketId })).body.errors.map((e: any) => e.path)).toEqual(['into']);
    const merged = await agent('POST', `/api/tickets/${b.ticketId}/merge`, { into: a.ticketId });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.source).toMatchObject({ status: 'closed', mergedInto: a.ticketId });
    // Again: nothing is copied twice.
    expect((await agent('POST', `/api/tickets/${b.ticketId}/merge`, { into: a.ticketId })).status).toBe(200);
    const thread = (await agent('GET', `/api/tickets/${a.ticketId}/messages`)).body.items;
    expect(thread.map((m: any) => m.body)).toEqual(['The wifi is down.', 'Any news?']);
    expect(thread[1].mergedFrom).toBe(b.number);
    const answer = await mailIn({ from: customer, to: 'support@demo.local', subject: `Re: Still no wifi ${tag}`, messageId: `<wifi3.${tag}@mail.example.cn>`, inReplyTo: `<wifi2.${tag}@mail.example.cn>`, text: 'Hello?' });
    expect(answer).toMatchObject({ outcome: 'threaded', ticketId: a.ticketId });
  });
});
