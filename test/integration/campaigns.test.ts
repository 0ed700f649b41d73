import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, baseUrl, login, sentMail, settle, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 10, campaigns (MA-2, AN-3) through the local runtime: a marketer creates an email campaign on a
 * segment (a saved view of contacts) with the demo's welcome template; bad fields answer 400 naming each;
 * sending it (202) mails each member once in their language through the marketing send path, skips the
 * unsubscribed one and the one without an email with the reason on the member, and the campaign goes
 * sending → sent with stats and progress from its aggregate; a second send is 409; a scheduled send waits for
 * its one-time schedule and fires when the local clock passes `at`.
 */
let marketer: ApiCall;
let rep: ApiCall;
let scheduler: SchedulerClient;
const tag = unique();
const TAG = `Cmp${tag}`;
const email = (who: string) => `${who}.${tag}@example.cn`;
const contacts: Record<string, string> = {};
let viewId = '';

const campaignOf = async (id: string) => (await marketer('GET', `/api/campaigns/${id}`)).body;

beforeAll(async () => {
  [marketer, rep] = await Promise.all([api(await login('marketer@demo.local')), api(await login('rep1@demo.local'))]);
  scheduler = new SchedulerClient({ endpoint: baseUrl(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const [key, body] of Object.entries({
    en: { firstName: 'Ann', lastName: TAG, email: email('ann'), language: 'en' },
    zh: { firstName: '娜', lastName: TAG, email: email('li.na'), language: 'zh-CN' },
    unsub: { firstName: 'Una', lastName: TAG, email: email('una'), language: 'en' },
    none: { firstName: 'Nomail', lastName: TAG },
  })) {
    const r = await marketer('POST', '/api/contacts', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    contacts[key] = r.body.id;
  }
  // Una told staff she wants no marketing email.
  const una = await marketer('GET', `/api/contacts/${contacts.unsub}`);
  const c = await marketer('PUT', `/api/contacts/${contacts.unsub}/consent`, { status: 'unsubscribed', source: 'verbal' }, { 'if-match': una.headers.etag! });
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  const v = await marketer('POST', '/api/views', { object: 'contacts', name: `Campaign ${tag}`, shared: 'all', columns: ['name', 'email'], where: { lastName: { eq: TAG } }, sort: ['name'] });
  expect(v.status, JSON.stringify(v.body)).toBe(201);
  viewId = v.body.id;
});

describe('creating a campaign', () => {
  it('bad fields answer 400 naming each, unknown template and segment included; a rep may not create one', async () => {
    const bad = await marketer('POST', '/api/campaigns', { type: 'fax', templateId: 'tpl-nothing', segmentId: 'vw-contacts-0000000000nothing', budget: { amount: 12.5, currency: 'CNY' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    const paths = bad.body.errors.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'type', 'templateId', 'segmentId', 'budget.amount']));
    const ok = { name: `Launch ${tag}`, type: 'email', templateId: 'tpl-welcome', segmentId: viewId };
    expect((await rep('POST', '/api/campaigns', ok)).status).toBe(403);
    const dates = await marketer('POST', '/api/campaigns', { ...ok, startDate: '2026-12-10', endDate: '2026-12-01' });
    expect([dates.status, dates.body.errors?.map((e: any) => e.path)]).toEqual([400, ['endDate']]);
  });

  it('a draft with zero stats; everyone reads it; its status is not a PATCH away', async () => {
    const r = await marketer('POST', '/api/campaigns', { name: `Draft ${tag}`, type: 'email', templateId: 'tpl-welcome', segmentId: viewId, budget: { amount: 500000, currency: 'CNY' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: 'draft', type: 'email', stats: { sent: 0, delivered: 0, opened: 0, clicked: 0, skipped: 0 }, progress: { done: 0 } });
    const read = await rep('GET', `/api/campaigns/${r.body.id}`);
    expect(read.status).toBe(200);
    const patch = await marketer('PATCH', `/api/campaigns/${r.body.id}`, { status: 'completed' }, { 'if-match': read.headers.etag! });
    expect([patch.status, patch.body.errors?.map((e: any) => e.path)]).toEqual([400, ['status']]);
  });
});

describe('sending a campaign to a segment', () => {
  let id = '';

  it('202 and sending; then sent: each member mailed once in their language, the unsubscribed and the address-less skipped with the reason', async () => {
    const r = await marketer('POST', '/api/campaigns', { name: `Welcome ${tag}`, type: 'email', templateId: 'tpl-welcome', segmentId: viewId, actualCost: { amount: 20000, currency: 'CNY' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    id = r.body.id;
    expect((await rep('POST', `/api/campaigns/${id}/send`, {})).status).toBe(403);
    const sent = await marketer('POST', `/api/campaigns/${id}/send`, {});
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body.status).toBe('sending');
    expect(sent.body.progress.total).toBe(4);

    const done = await until(() => campaignOf(id), (c) => c.status === 'sent', 30_000);
    expect(done.status).toBe('sent');
    expect(done.progress).toEqual({ done: 4, total: 4 });
    await settle();
    const after = await until(() => campaignOf(id), (c) => c.stats.sent === 2 && c.stats.skipped === 2);
    const mem = await marketer('GET', `/api/campaigns/${id}/members`);
    expect(after.stats, JSON.stringify({ stats: after.stats, members: mem.body.items })).toMatchObject({ sent: 2, skipped: 2 });

    const [en, zh, unsub] = await Promise.all([sentMail(email('ann')), sentMail(email('li.na')), sentMail(email('una'))]);
    expect(en).toHaveLength(1);
    expect(zh).toHaveLength(1);
    expect(unsub).toHaveLength(0);
    expect(en[0].Subject).toBe('Welcome to Cirrus, Ann');
    expect(zh[0].Subject).toBe('娜，欢迎了解 Cirrus');
    // The marketing path's one-click unsubscribe is on the campaign's messages.
    expect(en[0].Headers).toEqual(expect.arrayContaining([{ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' }]));

    const members = await marketer('GET', `/api/campaigns/${id}/members`);
    expect(members.status).toBe(200);
    const byId = new Map(members.body.items.map((m: any) => [m.recordId, m]));
    expect(byId.get(contacts.en)).toMatchObject({ status: expect.stringMatching(/^(sent|delivered)$/), object: 'contacts', source: 'segment' });
    expect(byId.get(contacts.zh)).toMatchObject({ status: expect.stringMatching(/^(sent|delivered)$/) });
    expect(byId.get(contacts.unsub)).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(byId.get(contacts.none)).toMatchObject({ status: 'skipped', reason: 'noEmail' });
  });

  it('stats move with the SES emulator\'s events: delivered, a unique open, a unique click — and the click is the contact\'s last and first touch', async () => {
    const [mail] = await sentMail(email('ann'));
    const html: string = mail.Body.html_part;
    const pixel = /src="([^"]+\/open\/[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const click = /href="([^"]+\/click\/[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    await fetch(pixel);
    await fetch(pixel); // a second open of the same message is not a unique one
    await fetch(click, { redirect: 'manual' });
    await fetch(click, { redirect: 'manual' });
    await settle();
    const c = await until(() => campaignOf(id), (x) => x.stats.opened >= 1 && x.stats.clicked >= 1 && x.stats.delivered >= 2, 15_000);
    expect(c.stats).toMatchObject({ sent: 2, delivered: 2, opened: 1, clicked: 1, skipped: 2, bounced: 0 });
    const members = await marketer('GET', `/api/campaigns/${id}/members`);
    expect(members.body.items.find((m: any) => m.recordId === contacts.en)).toMatchObject({ status: 'clicked' });
    const ann = await until(() => marketer('GET', `/api/contacts/${contacts.en}`), (r) => Boolean(r.body.lastTouch));
    expect(ann.body.lastTouch).toMatchObject({ campaignId: id, via: 'email-click' });
    expect(ann.body.firstTouch).toMatchObject({ campaignId: id });
    const after = await until(() => campaignOf(id), (x) => x.results.contactsInfluenced === 1);
    expect(after.results.contactsInfluenced).toBe(1);
    expect(after.results).toMatchObject({ cost: 20000, currency: 'CNY' });
  });

  it('a sent campaign is not sent again (409), and mails nobody twice', async () => {
    const again = await marketer('POST', `/api/campaigns/${id}/send`, {});
    expect(again.status).toBe(409);
    await settle();
    expect(await sentMail(email('ann'))).toHaveLength(1);
  });

  it('its timeline says it was sent, by whom', async () => {
    const tl = await marketer('GET', `/api/campaigns/${id}/timeline`);
    const types = tl.body.items.map((e: any) => e.type);
    expect(types).toEqual(expect.arrayContaining(['campaign-send-requested', 'campaign-sent', 'created']));
  });

  it('members pages: one Query at a time, a bad cursor is 400', async () => {
    const first = await marketer('GET', `/api/campaigns/${id}/members?limit=3`);
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await marketer('GET', `/api/campaigns/${id}/members?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items.length).toBeGreaterThanOrEqual(1);
    expect(new Set([...first.body.items, ...second.body.items].map((m: any) => m.recordId)).size).toBe(4);
    expect((await marketer('GET', `/api/campaigns/${id}/members?cursor=nonsense`)).status).toBe(400);
  });
});

describe('members added by hand', () => {
  it('are mailed with the send (no segment needed); unknown ids are 400 naming each', async () => {
    const r = await marketer('POST', '/api/campaigns', { name: `Hand ${tag}`, type: 'email', templateId: 'tpl-webinar' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const bad = await marketer('POST', `/api/campaigns/${r.body.id}/members`, { object: 'contacts', ids: [contacts.en, 'nothing-here'] });
    expect([bad.status, bad.body.errors?.map((e: any) => e.path)]).toEqual([400, ['ids.1']]);
    const add = await marketer('POST', `/api/campaigns/${r.body.id}/members`, { object: 'contacts', ids: [contacts.zh] });
    expect(add.body).toEqual({ added: 1, members: 1 });
    expect((await marketer('POST', `/api/campaigns/${r.body.id}/send`, {})).status).toBe(202);
    await until(() => campaignOf(r.body.id), (c) => c.status === 'sent', 30_000);
    const mails = await until(() => sentMail(email('li.na')), (m) => m.length === 2);
    expect(mails.map((m) => m.Subject)).toContain('邀请您参加：用 Cirrus 更聪明地销售');
    const members = await marketer('GET', `/api/campaigns/${r.body.id}/members`);
    expect(members.body.items).toEqual([expect.objectContaining({ recordId: contacts.zh, status: expect.stringMatching(/^(sent|delivered)$/), source: 'manual' })]);
  });
});

describe('a scheduled send', () => {
  it('waits for its one-time schedule (deterministic name) and fires when the clock passes `at`', async () => {
    const r = await marketer('POST', '/api/campaigns', { name: `Later ${tag}`, type: 'email', templateId: 'tpl-webinar', segmentId: viewId });
    const id = r.body.id;
    const now = await advanceClock(0);
    const at = new Date(Date.parse(now) + 3600_000).toISOString();
    const past = await marketer('POST', `/api/campaigns/${id}/send`, { at: new Date(Date.parse(now) - 60_000).toISOString() });
    expect([past.status, past.body.errors?.map((e: any) => e.path)]).toEqual([400, ['at']]);
    const s = await marketer('POST', `/api/campaigns/${id}/send`, { at });
    expect(s.status, JSON.stringify(s.body)).toBe(202);
    expect(s.body).toMatchObject({ status: 'scheduled', scheduledAt: at });
    await settle();
    const schedule = await until(
      () => scheduler.send(new GetScheduleCommand({ Name: `campaign-send-demo-${id}`, GroupName: 'cirrus-local-schedules' })).catch(() => undefined),
      (x) => Boolean(x),
    );
    expect(schedule?.ScheduleExpression).toBe(`at(${at.slice(0, 19)})`);
    const before = (await sentMail(email('ann'))).length;
    await advanceClock(1800);
    await settle();
    expect((await campaignOf(id)).status).toBe('scheduled');
    await advanceClock(1860);
    marketer = api(await login('marketer@demo.local')); // the clock passed the old token's hour
    const done = await until(() => campaignOf(id), (c) => c.status === 'sent', 30_000);
    expect(done.status).toBe('sent');
    const ann = await until(() => sentMail(email('ann')), (m) => m.length === before + 1);
    expect(ann.at(-1).Subject).toBe('You are invited: Selling smarter with Cirrus');
  });

  it('a scheduled send can be taken back to draft before it starts', async () => {
    marketer = api(await login('marketer@demo.local'));
    const r = await marketer('POST', '/api/campaigns', { name: `Cancel ${tag}`, type: 'email', templateId: 'tpl-webinar', segmentId: viewId });
    const now = await advanceClock(0);
    const s = await marketer('POST', `/api/campaigns/${r.body.id}/send`, { at: new Date(Date.parse(now) + 7200_000).toISOString() });
    expect(s.status).toBe(202);
    const c = await marketer('POST', `/api/campaigns/${r.body.id}/cancel-send`, {});
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.status).toBe('draft');
    await settle();
    const gone = await until(
      () => scheduler.send(new GetScheduleCommand({ Name: `campaign-send-demo-${r.body.id}`, GroupName: 'cirrus-local-schedules' })).then(() => 'there', () => 'gone'),
      (x) => x === 'gone',
    );
    expect(gone).toBe('gone');
  });
});
