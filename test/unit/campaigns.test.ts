import { describe, expect, it } from 'vitest';
import { campaignsKeys } from '../../functions/commons/keys-campaigns.ts';
import { campaignEntity } from '../../functions/campaigns/entity.ts';
import { emailEffect, opportunityShare } from '../../functions/campaigns/results.ts';
import { resultsOf } from '../../functions/campaigns/service.ts';
import { doneOf, parseSendId, runSendLoop, sendIdOf, Throttle, type Checkpoint, type MemberOutcome, type Recipient, type SendLoopDeps } from '../../functions/campaigns/send-loop.ts';
import { memberOf, type StatsItem } from '../../functions/campaigns/store.ts';
import type { SendOutcome } from '../../functions/marketing-mail/send.ts';
import type { StoredRecord } from '../../functions/records/entity.ts';
import { campaignCreate, campaignSend } from '../../schemas/marketing/campaign.ts';

/** Campaigns (issue 10, MA-2, AN-3): the send loop over fakes, results arithmetic, the entity's rules, the keys. */

const person = (i: number, extra: Record<string, unknown> = {}): StoredRecord => ({
  id: `c${String(i).padStart(5, '0')}`, name: `Person ${i}`, ownerId: 'u1', version: 1, createdAt: '', createdBy: '', updatedAt: '', updatedBy: '',
  email: `p${i}@example.com`, ...extra,
});

/** A fake world: virtual time, a segment of `n` people in pages of `pageSize`, a mail path that dedupes by sendId like sendMarketingEmail. */
function world(n: number, options: { pageSize?: number; rate?: number; crashAfter?: number; concurrency?: number; skip?: (r: StoredRecord) => string | undefined } = {}) {
  const pageSize = options.pageSize ?? 100;
  const people = Array.from({ length: n }, (_, i) => person(i, { language: i % 3 === 0 ? 'en' : i % 3 === 1 ? 'zh-CN' : undefined }));
  let t = 0;
  const mailbox: { sendId: string; language: string; at: number; subject: string }[] = [];
  const sendRecords = new Set<string>();
  let checkpoint: Checkpoint | undefined;
  const members = new Map<string, MemberOutcome>();
  const continued: number[] = [];
  let finished = 0;
  let calls = 0;
  const state = { crashAfter: options.crashAfter };
  const deps = (): SendLoopDeps => ({
    clock: () => new Date(Date.UTC(2026, 11, 4) + t), now: () => t,
    // A virtual clock: a sleeper wakes at its own time (concurrent sleeps do not add up).
    sleep: async (ms) => { const wake = t + ms; await Promise.resolve(); t = Math.max(t, wake); },
    ratePerSecond: options.rate ?? 14, defaultLanguage: 'zh-CN', concurrency: options.concurrency ?? 4,
    loadCheckpoint: async () => (checkpoint ? structuredClone(checkpoint) : undefined),
    saveCheckpoint: async (c) => { checkpoint = structuredClone(c); },
    segmentTotal: async () => n,
    manualTotal: async () => 0,
    segmentPage: async (cursor) => {
      const from = cursor ? Number(cursor) : 0;
      const items = people.slice(from, from + pageSize).map((record): Recipient => ({ object: 'contacts', record }));
      return { items, ...(from + pageSize < n ? { nextCursor: String(from + pageSize) } : {}) };
    },
    manualPage: async () => ({ items: [] }),
    render: (r, language) => ({ subject: `${language === 'en' ? 'Hello' : '你好'} ${r.record.name}`, html: '<p>x</p>', text: 'x', language, subscriptionType: 'newsletter' }),
    send: async (sendId, recipient, message): Promise<SendOutcome> => {
      calls++;
      if (state.crashAfter !== undefined && calls > state.crashAfter) throw new Error('killed');
      const why = options.skip?.(recipient.record);
      if (why) return { status: 'skipped', reason: why as 'unsubscribed' };
      // The send record is written before SES is called: the same sendId again mails nobody.
      if (sendRecords.has(sendId)) return { status: 'already-sent', messageId: `m-${sendId}` };
      sendRecords.add(sendId);
      mailbox.push({ sendId, language: message.language, at: t, subject: message.subject });
      return { status: 'sent', messageId: `m-${sendId}` };
    },
    saveMembers: async (ms) => { for (const m of ms) { const had = members.get(m.sendId); members.set(m.sendId, m.outcome === 'already-sent' && had ? had : m); } },
    finish: async () => { finished++; },
    continueLater: async (part) => { continued.push(part); },
  });
  return { deps, mailbox, members, continued, get finished() { return finished; }, get checkpoint() { return checkpoint; }, state, people };
}

describe('campaign send loop', () => {
  it('mails every member of the segment once, in their language (the tenant\'s when they have none), with deterministic sendIds', async () => {
    const w = world(250);
    const result = await runSendLoop({ id: 'cmp1', templateId: 't1' }, w.deps());
    expect(result.done).toBe(true);
    expect(w.finished).toBe(1);
    expect(w.mailbox).toHaveLength(250);
    expect(new Set(w.mailbox.map((m) => m.sendId)).size).toBe(250);
    expect(w.mailbox.map((m) => m.sendId).sort()).toEqual(w.people.map((p) => `campaign:cmp1:contacts:${p.id}`).sort());
    const byId = new Map(w.mailbox.map((m) => [parseSendId(m.sendId)!.recordId, m]));
    expect(byId.get('c00000')!.language).toBe('en');
    expect(byId.get('c00000')!.subject).toBe('Hello Person 0');
    expect(byId.get('c00001')!.language).toBe('zh-CN');
    expect(byId.get('c00002')!.language).toBe('zh-CN'); // no language: the tenant's default
    expect(result.checkpoint.counts).toEqual({ sent: 250, skipped: 0, alreadySent: 0, refused: 0 });
    expect(doneOf(result.checkpoint.counts)).toBe(result.checkpoint.total);
    expect([...w.members.values()].every((m) => m.outcome === 'sent')).toBe(true);
  });

  it('is throttled to the tenant\'s sending rate: send starts at least 1000/rate ms apart, whatever the rate', async () => {
    for (const rate of [1, 3, 14, 50, 200]) {
      // One at a time, so the fake's virtual clock is exact (the Throttle test below covers concurrent takers).
      const w = world(60, { rate, pageSize: 25, concurrency: 1 });
      await runSendLoop({ id: 'cmp', templateId: 't' }, w.deps());
      const starts = w.mailbox.map((m) => m.at).sort((a, b) => a - b);
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1000 / rate - 1e-9);
      // …and not slower than the rate either (no idle gaps).
      expect(starts.at(-1)! - starts[0]!).toBeLessThanOrEqual((starts.length - 1) * (1000 / rate) + 1e-6);
    }
  });

  it('Throttle: n takes at rate r end no earlier than (n−1)/r seconds after the first (random rates and counts)', async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 50; k++) {
      const rate = 1 + Math.floor(rnd() * 500);
      const n = 1 + Math.floor(rnd() * 40);
      let t = 0;
      const th = new Throttle(rate, () => t, async (ms) => { t += ms; });
      const at: number[] = [];
      for (let i = 0; i < n; i++) { await th.take(); at.push(t); t += rnd() * (2000 / rate); }
      for (let i = 1; i < n; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1000 / rate - 1e-9);
    }
  });

  it('a send killed halfway and run again mails everyone exactly once, and its counts add up', async () => {
    const w = world(250, { crashAfter: 130 });
    await expect(runSendLoop({ id: 'cmp2', templateId: 't' }, w.deps())).rejects.toThrow('killed');
    // The checkpoint is at the last whole page (100); the crash came inside the second.
    expect(w.checkpoint!.cursor).toBe('100');
    expect(w.mailbox).toHaveLength(130);
    w.state.crashAfter = undefined;
    const result = await runSendLoop({ id: 'cmp2', templateId: 't' }, w.deps());
    expect(result.done).toBe(true);
    expect(w.mailbox).toHaveLength(250);
    expect(new Set(w.mailbox.map((m) => m.sendId)).size).toBe(250);
    // The 30 mailed before the crash answer already-sent the second time; done still counts each member once.
    expect(result.checkpoint.counts.sent + result.checkpoint.counts.alreadySent).toBe(250);
    expect(doneOf(result.checkpoint.counts)).toBe(250);
    expect(w.finished).toBe(1);
  });

  it('out of time after a page: checkpoints, asks for the next part, and the next part goes on from there', async () => {
    const w = world(250);
    const first = await runSendLoop({ id: 'cmp3', templateId: 't' }, w.deps(), { maxPages: 1 });
    expect(first.done).toBe(false);
    expect(w.continued).toEqual([1]);
    expect(w.mailbox).toHaveLength(100);
    const second = await runSendLoop({ id: 'cmp3', templateId: 't' }, w.deps(), { maxPages: 1 });
    expect(w.continued).toEqual([1, 2]);
    expect(second.checkpoint.cursor).toBe('200');
    const third = await runSendLoop({ id: 'cmp3', templateId: 't' }, w.deps(), { maxPages: 1 });
    expect(w.mailbox).toHaveLength(250);
    // The members added by hand are the last phase (none here): one more part finds the send done.
    const fourth = third.done ? third : await runSendLoop({ id: 'cmp3', templateId: 't' }, w.deps(), { maxPages: 1 });
    expect(fourth.done).toBe(true);
    expect(doneOf(fourth.checkpoint.counts)).toBe(250);
    expect(w.finished).toBe(1);
    // Done is done: another run (a late schedule) mails nobody.
    await runSendLoop({ id: 'cmp3', templateId: 't' }, w.deps());
    expect(w.mailbox).toHaveLength(250);
  });

  it('a member the mail path skips is counted as skipped with the reason on the member', async () => {
    const w = world(10, { skip: (r) => (r.id === 'c00003' ? 'unsubscribed' : r.id === 'c00004' ? 'bounced' : undefined) });
    const r = await runSendLoop({ id: 'cmp4', templateId: 't' }, w.deps());
    expect(r.checkpoint.counts).toEqual({ sent: 8, skipped: 2, alreadySent: 0, refused: 0 });
    expect(w.members.get(sendIdOf('cmp4', 'contacts', 'c00003'))).toMatchObject({ outcome: 'skipped', reason: 'unsubscribed' });
    expect(w.members.get(sendIdOf('cmp4', 'contacts', 'c00004'))).toMatchObject({ outcome: 'skipped', reason: 'bounced' });
  });

  it('sendIds round-trip and other senders\' ids are not campaigns\'', () => {
    expect(sendIdOf('01ABC', 'leads', 'L1')).toBe('campaign:01ABC:leads:L1');
    expect(parseSendId('campaign:01ABC:leads:L1')).toEqual({ campaignId: '01ABC', object: 'leads', recordId: 'L1' });
    expect(parseSendId('journey:j1:3:e1:c1')).toBeUndefined();
  });
});

describe('campaign stats and results', () => {
  it('email events: unique opens and clicks only (data.first), each with its member stamp', () => {
    expect(emailEffect('email.opened', { first: true })).toEqual({ add: { opened: 1 }, stamp: 'openedAt' });
    expect(emailEffect('email.opened', { first: false })).toEqual({ add: {} });
    expect(emailEffect('email.clicked', { first: true })).toEqual({ add: { clicked: 1 }, stamp: 'clickedAt' });
    expect(emailEffect('email.bounced', {})).toEqual({ add: { bounced: 1 }, stamp: 'bouncedAt' });
    expect(emailEffect('email.sent', {})).toEqual({ add: { sent: 1 } });
  });

  it('an opportunity adds its amount to pipeline, and to revenue once won; lost or deleted adds nothing but influence', () => {
    const amount = { amount: 500000, currency: 'CNY' };
    expect(opportunityShare({ amount, stageKind: 'open' }, 'CNY')).toEqual({ influenced: 1, pipeline: 500000, revenue: 0 });
    expect(opportunityShare({ amount, stageKind: 'won' }, 'CNY')).toEqual({ influenced: 1, pipeline: 500000, revenue: 500000 });
    expect(opportunityShare({ amount, stageKind: 'lost' }, 'CNY')).toEqual({ influenced: 1, pipeline: 0, revenue: 0 });
    expect(opportunityShare({ amount, stageKind: 'won', deletedAt: 'x' }, 'CNY')).toEqual({ influenced: 0, pipeline: 0, revenue: 0 });
    expect(opportunityShare({ amount: { amount: 10, currency: 'USD' }, stageKind: 'won' }, 'CNY')).toEqual({ influenced: 1, pipeline: 0, revenue: 0 });
  });

  it('cost per lead and ROI from the cost and the aggregate (integer minor units)', () => {
    const s = { leadsInfluenced: 4, contactsInfluenced: 0, opportunitiesInfluenced: 1, pipelineInfluenced: 900000, revenueInfluenced: 300000 } as StatsItem;
    expect(resultsOf({ actualCost: { amount: 100000, currency: 'CNY' } }, s)).toMatchObject({ cost: 100000, costPerLead: 25000, roi: 2, currency: 'CNY' });
    expect(resultsOf({}, s)).toMatchObject({ cost: 0, costPerLead: null, roi: null });
  });

  it('a member shows the furthest it got: clicked over opened over sent; bounced and unsubscribed win; skipped keeps its reason', () => {
    const base = { object: 'contacts', recordId: 'c1', sendStatus: 'sent', sentAt: 't0' };
    expect(memberOf({ ...base }).status).toBe('sent');
    expect(memberOf({ ...base, deliveredAt: 't1', openedAt: 't2' }).status).toBe('opened');
    expect(memberOf({ ...base, openedAt: 't2', clickedAt: 't3' }).status).toBe('clicked');
    expect(memberOf({ ...base, clickedAt: 't3', unsubscribedAt: 't4' }).status).toBe('unsubscribed');
    expect(memberOf({ ...base, bouncedAt: 't1' }).status).toBe('bounced');
    expect(memberOf({ object: 'leads', recordId: 'l1', sendStatus: 'skipped', reason: 'suppressed' })).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect(memberOf({ object: 'leads', recordId: 'l1', sendStatus: 'added', source: 'manual' })).toMatchObject({ status: 'added', source: 'manual' });
  });
});

describe('campaign records', () => {
  it('create: name and type required, a known type, a segment of contacts or leads, money in minor units', () => {
    const bad = campaignCreate.safeParse({ type: 'fax', segmentId: 'vw-accounts-0123456789', budget: { amount: 1.5, currency: 'CNY' } });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'type', 'segmentId', 'budget.amount']));
    expect(campaignCreate.safeParse({ name: 'Launch', type: 'email', templateId: 'tpl1', segmentId: 'vw-contacts-01JABCDEFGHJKM' }).success).toBe(true);
    expect(campaignSend.safeParse({ at: 'tomorrow' }).success).toBe(false);
    expect(campaignSend.safeParse({ at: '2026-12-05T09:00:00+08:00' }).success).toBe(true);
  });

  it('an email campaign starts as a draft; its status follows its send, never a PATCH; the end is not before the start', () => {
    expect(campaignEntity.derive!(undefined, { type: 'email', status: 'sent' }, '')).toEqual({ status: 'draft' });
    expect(campaignEntity.derive!(undefined, { type: 'event' }, '')).toEqual({ status: 'planned' });
    const draft = { type: 'email', status: 'draft', templateId: 't', segmentId: 's' };
    expect(campaignEntity.validateChange!(draft, { ...draft, status: 'completed' }).map((e) => e.path)).toEqual(['status']);
    const sending = { ...draft, status: 'sending' };
    expect(campaignEntity.validateChange!(sending, { ...sending, segmentId: 'other' }).map((e) => e.path)).toEqual(['segmentId']);
    expect(campaignEntity.validateChange!(draft, { ...draft, type: 'event' }).map((e) => e.path)).toEqual(['type']);
    expect(campaignEntity.validateMerged!({ startDate: '2026-12-10', endDate: '2026-12-01' }).map((e) => e.path)).toEqual(['endDate']);
  });

  it('pins the campaign keys byte for byte (changing one orphans stored items)', () => {
    expect(campaignsKeys.campaign('demo', '01J')).toBe('T#demo#campaign#01J');
    expect(campaignsKeys.campaignMemberSk('contacts', 'c1')).toBe('CM#contacts#c1');
    expect(campaignsKeys.campaignMemberPrefix).toBe('CM#');
    expect(campaignsKeys.campaignStatsSk).toBe('CS#stats');
    expect(campaignsKeys.campaignSendSk).toBe('CS#send');
    expect(campaignsKeys.campaignEventSk('e1')).toBe('CE#e1');
    expect(campaignsKeys.campaignInfluenceSk('opportunity', 'o1')).toBe('CI#opportunity#o1');
    expect(campaignsKeys.campaignSendSchedule('demo', '01J')).toBe('campaign-send-demo-01J');
    expect(campaignsKeys.campaignSendSchedule('demo', '01J', 2)).toBe('campaign-send-demo-01J-2');
    expect(campaignsKeys.campaignSendSchedule('t'.repeat(40), '0'.repeat(26)).length).toBeLessThanOrEqual(64);
  });
});
