import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, baseUrl, login, sentMail, sleep, unique, until } from '../support/client.ts';

type Res = { status: number; headers: Headers | Record<string, string>; body: any };
type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;
const header = (res: Res, name: string): string | undefined =>
  res.headers instanceof Headers ? (res.headers.get(name) ?? undefined) : (res.headers as Record<string, string>)[name.toLowerCase()];


async function runtimeNow(): Promise<number> {
  const res = await fetch(`${baseUrl()}/_local/clock`);
  return Math.floor(Date.parse(((await res.json()) as { now: string }).now) / 1000);
}

/** Posts a lead the way a partner does: signs "<t>.<raw body>" with the shared secret. */
async function postLead(lead: unknown, opts: { partnerId?: string; secret?: string; t?: number; key?: string; raw?: string; signature?: string | null } = {}): Promise<Res> {
  const raw = opts.raw ?? JSON.stringify(lead);
  const t = opts.t ?? (await runtimeNow());
  const secret = opts.secret ?? 'whsec_demo_secret';
  const sig = createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.signature !== null) headers['crm-signature'] = opts.signature ?? `t=${t},v1=${sig}`;
  if (opts.key) headers['idempotency-key'] = opts.key;
  const res = await fetch(`${baseUrl()}/api/webhooks/leads/${opts.partnerId ?? 'demo-partner'}`, { method: 'POST', headers, body: raw });
  const text = await res.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body };
}

const person = (over: Record<string, unknown> = {}) => {
  const u = unique();
  return { firstName: 'Grace', lastName: `Hopper${u}`, email: `grace.${u}@example.com`, company: `Navy ${u}`, country: 'US', source: 'Partner Expo', ...over };
};

let rep1: Call, rep2: Call, manager: Call, admin: Call;
const ids = {} as Record<'rep1' | 'rep2' | 'manager' | 'admin', string>;

const leadOf = (call: Call, id: string) => until(() => call('GET', `/api/leads/${id}`), (r) => r.status === 200 && r.body.status !== 'new');

async function setRules(rules: unknown[]) {
  const current = await admin('GET', '/api/assignment-rules');
  const res = await admin('PUT', '/api/assignment-rules', { rules }, { 'if-match': header(current, 'etag') ?? '"0"' });
  expect(res.status).toBe(200);
}

/** Tokens expire after an hour of the runtime's clock, so sign in again after moving it. */
async function signIn() {
  [rep1, rep2, manager, admin] = (await Promise.all(
    ['rep1@demo.local', 'rep2@demo.local', 'manager@demo.local', 'admin@demo.local'].map(async (e) => api(await login(e)) as Call),
  )) as [Call, Call, Call, Call];
}

beforeAll(async () => {
  await signIn();
  for (const [k, c] of Object.entries({ rep1, rep2, manager, admin })) ids[k as keyof typeof ids] = (await c('GET', '/api/me')).body.id;
});

describe('partner webhook intake (SFA-1)', () => {
  it('accepts a signed lead with 202 and nothing more inline', async () => {
    const res = await postLead(person());
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'accepted' });
  });

  it('refuses a missing, wrong or stale signature with 401 and writes nothing', async () => {
    const lead = person();
    expect((await postLead(lead, { signature: null })).status).toBe(401);
    expect((await postLead(lead, { secret: 'whsec_wrong' })).status).toBe(401);
    expect((await postLead(lead, { t: (await runtimeNow()) - 301 })).status).toBe(401);
    expect((await postLead(lead, { partnerId: 'no-such-partner' })).status).toBe(401);
    const found = await rep1('GET', `/api/leads?q=${encodeURIComponent(lead.email)}`);
    expect(found.body.items).toEqual([]);
  });

  it('names bad fields with 400 problem+json and refuses bodies over 64 KiB with 413', async () => {
    const bad = await postLead({ firstName: 'X', email: 'nope', country: 'China', utm: 'x' });
    expect(bad.status).toBe(400);
    expect(header(bad, 'content-type')).toMatch(/problem\+json/);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['email', 'country', 'utm']));
    const big = await postLead(person({ message: 'x'.repeat(70 * 1024) }));
    expect(big.status).toBe(413);
  });

  it('answers a retry with the same Idempotency-Key the same way, and 422 for another body', async () => {
    const lead = person();
    const key = `key-${unique()}`;
    const first = await postLead(lead, { key });
    const again = await postLead(lead, { key });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect((await admin('GET', `/api/leads?q=${encodeURIComponent(lead.email)}`)).body.items).toHaveLength(1);
    expect((await postLead({ ...lead, title: 'Admiral' }, { key })).status).toBe(422);
  });

  it('links a lead whose email or phone we already know and marks it duplicate', async () => {
    const lead = person({ phone: '+1 202 555 0199' });
    const original = await postLead(lead);
    const byEmail = await postLead({ ...person(), email: lead.email });
    expect(byEmail.body.status).toBe('duplicate');
    const stored = (await rep1('GET', `/api/leads/${byEmail.body.id}`)).body;
    expect(stored.duplicateOf).toEqual({ type: 'lead', id: original.body.id });
    const contact = (await rep1('POST', '/api/contacts', { lastName: `Known${unique()}`, email: `known.${unique()}@example.com` })).body;
    const byContact = await postLead({ ...person(), email: contact.email });
    expect(byContact.body.status).toBe('duplicate');
    expect((await rep1('GET', `/api/contacts/${contact.id}/timeline`)).body.items[0].type).toBe('lead-resubmitted');
  });

  it('makes one new lead of a person submitted several times at once; the rest are duplicates of it', async () => {
    const lead = person();
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => postLead({ ...lead, title: `Try ${i}` })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    const statuses = answers.map((a) => a.body.status).sort();
    expect(statuses).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate']);
    const original = answers.find((a) => a.body.status === 'accepted')!.body.id;
    for (const a of answers.filter((x) => x.body.status === 'duplicate')) {
      expect((await rep1('GET', `/api/leads/${a.body.id}`)).body.duplicateOf).toEqual({ type: 'lead', id: original });
    }
  });

  it('answers 429 with Retry-After past the partner’s rate', async () => {
    const partner = (await admin('POST', '/api/partners', { name: `Slow ${unique()}`, rateLimitPerMinute: 2 })).body;
    expect(partner.secret).toMatch(/^whsec_/);
    const first = person();
    const key = `slow-${unique()}`;
    const answered = await postLead(first, { partnerId: partner.id, secret: partner.secret, key });
    expect(answered.status).toBe(202);
    // Replays of an answered request do not count against the rate.
    for (let i = 0; i < 3; i++) expect((await postLead(first, { partnerId: partner.id, secret: partner.secret, key })).body).toEqual(answered.body);
    expect((await postLead(person(), { partnerId: partner.id, secret: partner.secret })).status).toBe(202);
    const limited = await postLead(person(), { partnerId: partner.id, secret: partner.secret });
    expect(limited.status).toBe(429);
    expect(Number(header(limited, 'retry-after'))).toBeGreaterThan(0);
    expect((await rep1('GET', '/api/partners')).status).toBe(403);
  });

  it('keeps the old secret valid after a rotation', async () => {
    const partner = (await admin('POST', '/api/partners', { name: `Rotating ${unique()}` })).body;
    const rotated = (await admin('POST', `/api/partners/${partner.id}/rotate-secret`)).body;
    expect(rotated.secret).not.toBe(partner.secret);
    expect((await postLead(person(), { partnerId: partner.id, secret: partner.secret })).status).toBe(202);
    expect((await postLead(person(), { partnerId: partner.id, secret: rotated.secret })).status).toBe(202);
  });
});

describe('assignment on the bus (SFA-2)', () => {
  it('assigns by the first matching rule, emails the owner in their language, notifies and sets a call-back task', async () => {
    await setRules([
      { id: 'china', name: 'China', enabled: true, conditions: { countries: ['CN'] }, assign: { type: 'user', userId: ids.rep1 }, callbackHours: 48 },
      { id: 'rest', name: 'Rest', enabled: true, conditions: {}, assign: { type: 'team', name: 'Sales', members: [ids.rep1, ids.rep2], strategy: 'round-robin' } },
    ]);
    const lead = person({ country: 'CN', firstName: '伟', lastName: `王${unique()}`, phone: '138 1234 5678' });
    const { body } = await postLead(lead);
    const assigned = (await leadOf(rep1, body.id)).body;
    expect(assigned).toMatchObject({ status: 'assigned', ownerId: ids.rep1, assignmentRuleId: 'china' });
    expect(Date.parse(assigned.callbackDueAt) - Date.parse(assigned.assignedAt)).toBe(48 * 3600_000);
    const mail = await until(() => sentMail('rep1@demo.local'), (m: any[]) => m.some((x) => x.Body?.text_part?.includes(body.id)));
    const mine = (mail as any[]).find((x) => x.Body?.text_part?.includes(body.id));
    expect(mine.Subject).toContain('新线索已分配给您');
    const bell = await until(() => rep1('GET', '/api/notifications'), (r) => r.body.items.some((n: any) => n.subject.id === body.id));
    expect(bell.body.unread).toBeGreaterThan(0);
    const tasks = await until(() => rep1('GET', '/api/tasks'), (r) => r.body.items.some((t: any) => t.subject.id === body.id));
    expect(tasks.body.items.find((t: any) => t.subject.id === body.id).dueAt).toBe(assigned.callbackDueAt);
  });

  it('round-robin gives concurrent leads distinct turns, split evenly', async () => {
    await setRules([{ id: `rr-${unique()}`, name: 'RR', enabled: true, conditions: {}, assign: { type: 'team', name: 'Sales', members: [ids.rep1, ids.rep2], strategy: 'round-robin' } }]);
    const posted = await Promise.all(Array.from({ length: 10 }, () => postLead(person())));
    const owners = await Promise.all(posted.map(async (p) => (await leadOf(admin, p.body.id)).body.ownerId));
    expect(owners.filter((o) => o === ids.rep1)).toHaveLength(5);
    expect(owners.filter((o) => o === ids.rep2)).toHaveLength(5);
  });

  it('skips users marked away', async () => {
    await setRules([{ id: `rr-${unique()}`, name: 'RR', enabled: true, conditions: {}, assign: { type: 'team', name: 'Sales', members: [ids.rep1, ids.rep2], strategy: 'round-robin' } }]);
    expect((await rep2('PATCH', '/api/users/me', { away: true })).status).toBe(200);
    try {
      const posted = await Promise.all(Array.from({ length: 3 }, () => postLead(person())));
      for (const p of posted) expect((await leadOf(rep1, p.body.id)).body.ownerId).toBe(ids.rep1);
    } finally {
      await rep2('PATCH', '/api/users/me', { away: false });
    }
  });

  it('least-loaded evens out open leads even when leads arrive at once', async () => {
    await setRules([{ id: 'least', name: 'Least', enabled: true, conditions: {}, assign: { type: 'team', name: 'Sales', members: [ids.rep1, ids.rep2], strategy: 'least-loaded' } }]);
    const load = async () => Object.fromEntries(((await admin('GET', '/api/users')).body.items as any[]).map((u) => [u.id, u.openLeads]));
    const before = await load();
    const gap = Math.abs(before[ids.rep1] - before[ids.rep2]);
    const n = gap + 4;
    const posted = await Promise.all(Array.from({ length: n }, () => postLead(person())));
    for (const p of posted) await leadOf(admin, p.body.id);
    const after = await load();
    expect(after[ids.rep1] + after[ids.rep2]).toBe(before[ids.rep1] + before[ids.rep2] + n);
    expect(Math.abs(after[ids.rep1] - after[ids.rep2])).toBeLessThanOrEqual(1);
  });

  it('falls back to the queue when no rule matches, and a rep can claim it once', async () => {
    await setRules([{ id: 'only-jp', name: 'Japan', enabled: true, conditions: { countries: ['JP'] }, assign: { type: 'user', userId: ids.rep1 } }]);
    const { body } = await postLead(person({ country: 'DE' }));
    const queued = await until(() => rep1('GET', `/api/leads/${body.id}`), (r) => r.body.queueReason !== undefined);
    expect(queued.body).toMatchObject({ status: 'new', ownerId: 'queue:default', queueReason: 'no-matching-rule' });
    const inbox = await rep2('GET', '/api/leads?ownerId=queue:default&limit=100');
    expect(inbox.body.items.map((l: any) => l.id)).toContain(body.id);
    const [a, b] = await Promise.all([rep2('POST', `/api/leads/${body.id}/claim`), rep1('POST', `/api/leads/${body.id}/claim`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });
});

describe('call-back timer and lifecycle (SFA-3, SFA-5)', () => {
  it('reminds the owner and escalates to the manager once the window passes without contact — once', async () => {
    await setRules([{ id: 'china', name: 'China', enabled: true, conditions: { countries: ['CN'] }, assign: { type: 'user', userId: ids.rep1 }, callbackHours: 48 }]);
    const silent = (await postLead(person({ country: 'CN' }))).body.id;
    const called = (await postLead(person({ country: 'CN' }))).body.id;
    await leadOf(rep1, silent);
    await leadOf(rep1, called);
    const logged = await rep1('POST', `/api/leads/${called}/activities`, { type: 'call', notes: 'Left a voicemail, then spoke at 3pm' });
    expect(logged.status).toBe(201);
    expect(logged.body).toMatchObject({ status: 'contacted' });
    await advanceClock(48 * 3600 + 120);
    await signIn();
    // The call-back mails (not the assignment's, nor the follow-up watchdog's after 3 quiet days, issue 8).
    const reminders = async (email: string, id: string) => ((await sentMail(email)) as any[]).filter((m) => m.Body?.text_part?.includes(id) && !/新线索|New lead|跟进提醒|Follow up:/.test(m.Subject));
    const toOwner = await until(() => reminders('rep1@demo.local', silent), (m) => m.length > 0);
    expect(toOwner).toHaveLength(1);
    const toManager = await until(() => reminders('manager@demo.local', silent), (m) => m.length > 0);
    expect(toManager).toHaveLength(1);
    expect(await reminders('rep1@demo.local', called)).toHaveLength(0);
    expect((await rep1('GET', `/api/leads/${silent}`)).body.callbackOverdueAt).toBeDefined();
    await advanceClock(48 * 3600);
    await signIn();
    await sleep(500);
    expect(await reminders('rep1@demo.local', silent)).toHaveLength(1);
    expect(await reminders('manager@demo.local', silent)).toHaveLength(1);
    // Past three days without activity the follow-up watchdog has told the owner once, too.
    const followUps = ((await sentMail('rep1@demo.local')) as any[]).filter((m) => m.Body?.text_part?.includes(silent) && /跟进提醒|Follow up:/.test(m.Subject));
    expect(followUps).toHaveLength(1);
  });

  it('requires a reason to disqualify and refuses skipping ahead', async () => {
    const { body } = await postLead(person({ country: 'CN' }));
    const lead = (await leadOf(rep1, body.id)).body;
    const noReason = await rep1('PATCH', `/api/leads/${lead.id}`, { status: 'disqualified' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('disqualifiedReason');
    expect((await rep1('PATCH', `/api/leads/${lead.id}`, { status: 'disqualified', disqualifiedReason: 'No budget this year' })).status).toBe(200);
    expect((await rep1('GET', `/api/leads/${lead.id}/timeline`)).body.items[0]).toMatchObject({ type: 'disqualified', reason: 'No budget this year' });
  });

  it('converts a lead into account, contact and opportunity, reusing a known contact, and links them', async () => {
    const known = (await rep1('POST', '/api/contacts', { lastName: `Reuse${unique()}`, email: `reuse.${unique()}@example.com` })).body;
    const { body } = await postLead(person({ country: 'CN', company: `Reuse Co ${unique()}` }));
    const lead = (await leadOf(rep1, body.id)).body;
    // Pretend the partner got the email wrong; the rep fixes it to the known contact's address.
    await rep1('PATCH', `/api/leads/${lead.id}`, { email: known.email });
    const converted = await rep1('POST', `/api/leads/${lead.id}/convert`, { createOpportunity: true, amount: { amount: 5_000_000, currency: 'CNY' } });
    expect(converted.status).toBe(200);
    expect(converted.body.contact.id).toBe(known.id);
    expect(converted.body.account.name).toBe(lead.company);
    expect(converted.body.opportunity).toMatchObject({ accountId: converted.body.account.id, amount: { amount: 5_000_000, currency: 'CNY' } });
    expect(converted.body.lead).toMatchObject({ status: 'converted', convertedTo: { accountId: converted.body.account.id, contactId: known.id } });
    expect((await rep1('GET', `/api/contacts/${known.id}/timeline`)).body.items[0]).toMatchObject({ type: 'lead-converted', subject: { id: lead.id } });
    expect((await rep1('POST', `/api/leads/${lead.id}/convert`, {})).status).toBe(409);
  });

  it('takes the calls, emails and notes logged on the lead to the contact, account and opportunity it becomes', async () => {
    const { body } = await postLead(person({ country: 'CN', company: `History Co ${unique()}` }));
    const lead = (await leadOf(rep1, body.id)).body;
    expect((await rep1('POST', `/api/leads/${lead.id}/activities`, { type: 'call', subject: 'Intro call', outcome: 'reached', notes: 'Wants a demo for 30 stores' })).status).toBe(201);
    expect((await rep1('POST', `/api/leads/${lead.id}/activities`, { type: 'note', notes: 'Budget approved in Q1' })).status).toBe(201);
    const converted = await rep1('POST', `/api/leads/${lead.id}/convert`, { createOpportunity: true });
    expect(converted.status).toBe(200);
    const { account, contact, opportunity } = converted.body;
    for (const [object, id] of [['contacts', contact.id], ['accounts', account.id], ['opportunities', opportunity.id]]) {
      const items = (await rep1('GET', `/api/${object}/${id}/timeline`)).body.items as any[];
      const copied = items.filter((e) => e.from?.id === lead.id);
      expect(copied.map((e) => e.type).sort(), object).toEqual(['call', 'note']);
      expect(copied.find((e) => e.type === 'call'), object).toMatchObject({
        outcome: 'reached', notes: 'Wants a demo for 30 stores', subject: { name: 'Intro call' }, from: { type: 'lead', id: lead.id }, actor: { id: ids.rep1 },
      });
    }
    // The lead keeps its own history; the copies are the same entries (same ids), not new activities.
    const onLead = ((await rep1('GET', `/api/leads/${lead.id}/timeline`)).body.items as any[]).filter((e) => ['call', 'note'].includes(e.type));
    const onContact = ((await rep1('GET', `/api/contacts/${contact.id}/timeline`)).body.items as any[]).filter((e) => e.from);
    expect(onContact.map((e) => e.id).sort()).toEqual(onLead.map((e) => e.id).sort());
  });
});

describe('web-to-lead forms (SFA-1)', () => {
  it('gives an embeddable snippet; a person’s submission becomes a lead, a bot’s (honeypot) does not', async () => {
    const marketer = api(await login('marketer@demo.local')) as Call;
    const created = await marketer('POST', '/api/forms', {
      name: 'Expo sign-up', language: 'zh-CN', thankYouText: '谢谢，我们会尽快联系您。', source: 'Expo 2026',
      fields: [{ name: 'lastName', required: true }, { name: 'email', required: true }, { name: 'company', required: false }],
    });
    expect(created.status).toBe(201);
    expect(created.body.snippet).toContain(`/api/forms/${created.body.id}/submissions`);
    expect(created.body.snippet).toContain('name="website"');
    const post = (fields: Record<string, string>) => fetch(`${baseUrl()}/api/forms/${created.body.id}/submissions`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://expo.example.cn' }, body: new URLSearchParams(fields),
    });
    const email = `expo.${unique()}@example.cn`;
    const ok = await post({ lastName: '赵', email, company: '展会公司' });
    expect(ok.status).toBe(202);
    // The embedding site may read the answer; the answer names that site, never `*`.
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://expo.example.cn');
    const found = await until(() => admin('GET', `/api/leads?q=${encodeURIComponent(email)}`), (r) => r.body.items.length > 0);
    expect(found.body.items[0]).toMatchObject({ source: 'Expo 2026', formId: created.body.id, language: 'zh-CN' });
    const botEmail = `bot.${unique()}@example.cn`;
    expect((await post({ lastName: 'Bot', email: botEmail, website: 'http://spam.example' })).status).toBe(202);
    expect((await post({ email: `x.${unique()}@example.cn` })).status).toBe(400);
    await sleep(300);
    expect((await admin('GET', `/api/leads?q=${encodeURIComponent(botEmail)}`)).body.items).toEqual([]);
  });
});
