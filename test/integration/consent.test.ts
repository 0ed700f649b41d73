import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, busEvents, login, sentMail, settle, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 10, consent and the marketing send path through the local runtime: every marketing email carries
 * one-click unsubscribe headers and a footer link to the preference page; a link scanner's GET changes nothing,
 * the mail client's one-click POST unsubscribes from that subscription type (audited, on the timeline,
 * `consent.changed`), again changes nothing; the gate then skips that type with the reason; staff record a
 * consent (If-Match); Settings → Marketing (admins, If-Match) can require opt-in.
 */
let admin: ApiCall;
let rep: ApiCall;
let marketer: ApiCall;
const anon = api();
const tag = unique();
const email = (who: string) => `${who}.${tag}@example.cn`;
const marketingMail = async (to: string) => (await sentMail(to)).filter((m) => (m.Headers ?? []).some((h: any) => h.Name === 'List-Unsubscribe'));
const header = (m: any, name: string) => m.Headers.find((h: any) => h.Name === name)?.Value as string | undefined;
const tokenOf = (m: any) => /\/api\/unsubscribe\/([A-Za-z0-9_-]{43})>/.exec(header(m, 'List-Unsubscribe') ?? '')![1]!;
const testSend = (object: 'contacts' | 'leads', id: string, subscriptionType = 'newsletter', who: ApiCall = marketer) =>
  who('POST', '/api/settings/marketing/test-send', { object, id, subscriptionType });

let ann = '';
let li = '';
let token = '';

beforeAll(async () => {
  [admin, rep, marketer] = await Promise.all([api(await login('admin@demo.local')), api(await login('rep1@demo.local')), api(await login('marketer@demo.local'))]);
  const a = await admin('POST', '/api/contacts', { firstName: 'Ann', lastName: `Consent${tag}`, email: email('ann'), language: 'en' });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  ann = a.body.id;
  const l = await admin('POST', '/api/leads', { firstName: '娜', lastName: `李${tag}`, email: email('li'), company: 'Acme', language: 'zh-CN' });
  expect(l.status, JSON.stringify(l.body)).toBe(201);
  li = l.body.id;
});

describe('a marketing email', () => {
  it('carries List-Unsubscribe, List-Unsubscribe-Post and the preference link in the footer, in the person\'s language', async () => {
    const r = await testSend('contacts', ann);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'sent' });
    expect(r.body.messageId).toBeTruthy();
    const [m] = await marketingMail(email('ann'));
    expect(m).toBeTruthy();
    expect(header(m, 'List-Unsubscribe')).toMatch(new RegExp(`^<${baseUrl()}/api/unsubscribe/[A-Za-z0-9_-]{43}>$`));
    expect(header(m, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    token = tokenOf(m);
    expect(m.Body.html_part).toContain(`${baseUrl()}/preferences/${token}`);
    expect(m.Body.html_part).toContain('Manage your email preferences');
    expect(m.Body.text_part).toContain(`${baseUrl()}/preferences/${token}`);

    const zh = await testSend('leads', li, 'events');
    expect(zh.body.status).toBe('sent');
    const [mz] = await marketingMail(email('li'));
    expect(mz.Body.html_part).toContain('管理邮件偏好');
    expect(mz.Body.html_part).toContain('活动与网络研讨会');
  });

  it('a link scanner\'s GET of the unsubscribe URL changes nothing: 303 to the preference page', async () => {
    const before = (await admin('GET', `/api/contacts/${ann}`)).body;
    const res = await fetch(`${baseUrl()}/api/unsubscribe/${token}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/preferences/${token}`);
    const page = await anon('GET', `/api/preferences/${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ language: 'en', unsubscribedAll: false, subscriptionType: 'newsletter' });
    expect(page.body.address).toMatch(/^a\*+@example\.cn$/);
    await settle();
    const after = (await admin('GET', `/api/contacts/${ann}`)).body;
    expect(after.version).toBe(before.version);
    expect(after.emailConsent).toBeUndefined();
  });

  it('the one-click POST unsubscribes from that type (audited, on the timeline, consent.changed); again changes nothing', async () => {
    const post = () => fetch(`${baseUrl()}/api/unsubscribe/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const res = await post();
    expect(res.status).toBe(200);
    const c = (await admin('GET', `/api/contacts/${ann}`)).body;
    expect(c.emailConsent.types.newsletter).toMatchObject({ status: 'unsubscribed', source: 'one-click-unsubscribe' });
    expect(c.emailConsent.status).toBe('notAsked');
    const tl = await admin('GET', `/api/contacts/${ann}/timeline`);
    expect(tl.body.items[0]).toMatchObject({ type: 'consent-changed', consent: [{ subscriptionType: 'newsletter', status: 'unsubscribed' }] });
    const audit = await admin('GET', `/api/contacts/${ann}/audit`);
    expect(audit.body.items[0]).toMatchObject({ action: 'update', after: { emailConsent: { types: { newsletter: { status: 'unsubscribed' } } } } });
    const events = await until(busEvents, (es) => es.some((e) => e['detail-type'] === 'consent.changed' && e.detail.subject.id === ann));
    expect(events.filter((e) => e['detail-type'] === 'consent.changed' && e.detail.subject.id === ann).map((e) => e.detail.data)).toEqual([
      expect.objectContaining({ subscriptionType: 'newsletter', status: 'unsubscribed', source: 'one-click-unsubscribe' }),
    ]);
    expect((await post()).status).toBe(200);
    expect((await admin('GET', `/api/contacts/${ann}`)).body.version).toBe(c.version);
    expect((await fetch(`${baseUrl()}/api/unsubscribe/${'x'.repeat(43)}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(404);
  });

  it('the gate then skips that type, with the reason on the send record, and still mails another type', async () => {
    const before = (await marketingMail(email('ann'))).length;
    const skipped = await testSend('contacts', ann, 'newsletter');
    expect(skipped.body).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    const other = await testSend('contacts', ann, 'product-updates');
    expect(other.body.status).toBe('sent');
    expect((await marketingMail(email('ann'))).length).toBe(before + 1);
    const ev = await until(busEvents, (es) => es.some((e) => e['detail-type'] === 'email.skipped' && e.detail.data.sendId === skipped.body.sendId));
    expect(ev.find((e) => e['detail-type'] === 'email.skipped' && e.detail.data.sendId === skipped.body.sendId)!.detail).toMatchObject({ subject: { type: 'contact', id: ann }, data: { reason: 'unsubscribed', address: email('ann') } });
  });
});

describe('the preference page', () => {
  it('saves the person\'s choices (types, or unsubscribe from all), and the gate follows', async () => {
    const saved = await anon('POST', `/api/preferences/${token}`, { types: { newsletter: 'subscribed', events: 'unsubscribed' } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.types).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'newsletter', status: 'subscribed' }), expect.objectContaining({ id: 'events', status: 'unsubscribed' })]));
    expect((await testSend('contacts', ann, 'newsletter')).body.status).toBe('sent');
    expect((await testSend('contacts', ann, 'events')).body).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    const bad = await anon('POST', `/api/preferences/${token}`, { types: { nope: 'subscribed' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('types.nope');
    const all = await anon('POST', `/api/preferences/${token}`, { types: {}, unsubscribeAll: true });
    expect(all.body.unsubscribedAll).toBe(true);
    expect((await testSend('contacts', ann, 'newsletter')).body).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
  });
});

describe('staff consent and the settings', () => {
  it('staff record a consent the person gave them, with If-Match', async () => {
    const lead = (await admin('GET', `/api/leads/${li}`));
    const stale = await admin('PUT', `/api/leads/${li}/consent`, { status: 'unsubscribed', source: 'verbal' }, { 'if-match': '"999"' });
    expect(stale.status).toBe(412);
    const bad = await admin('PUT', `/api/leads/${li}/consent`, { status: 'maybe', source: 'telepathy' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['source', 'status']);
    const ok = await admin('PUT', `/api/leads/${li}/consent`, { status: 'unsubscribed', source: 'verbal', note: 'Asked on the phone' }, { 'if-match': lead.headers.etag! });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.emailConsent).toMatchObject({ status: 'unsubscribed', source: 'staff:verbal' });
    expect(ok.headers.etag).toBe(`"${lead.body.version + 1}"`);
    expect((await testSend('leads', li, 'events')).body).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
  });

  it('everyone reads the settings; only admins change them (If-Match); opt-in then skips people never asked', async () => {
    const got = await rep('GET', '/api/settings/marketing');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ requireOptIn: false, sendRatePerSecond: 10 });
    expect((await marketer('PUT', '/api/settings/marketing', { ...got.body, requireOptIn: true }, { 'if-match': got.headers.etag! })).status).toBe(403);
    const bad = await admin('PUT', '/api/settings/marketing', { ...got.body, sendRatePerSecond: 0, subscriptionTypes: [{ id: 'Bad Id', label: { en: 'x', 'zh-CN': 'x' } }] }, { 'if-match': got.headers.etag! });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['sendRatePerSecond', 'subscriptionTypes.0.id']);
    const put = await admin('PUT', '/api/settings/marketing', { ...got.body, requireOptIn: true }, { 'if-match': got.headers.etag! });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await admin('PUT', '/api/settings/marketing', { ...got.body }, { 'if-match': got.headers.etag! })).status).toBe(412);
    const c = await admin('POST', '/api/contacts', { firstName: 'Neo', lastName: `Consent${tag}`, email: email('neo') });
    expect((await testSend('contacts', c.body.id)).body).toMatchObject({ status: 'skipped', reason: 'notAsked' });
    const back = await admin('PUT', '/api/settings/marketing', { ...got.body, requireOptIn: false }, { 'if-match': put.headers.etag! });
    expect(back.status).toBe(200);
    expect((await testSend('contacts', c.body.id)).body.status).toBe('sent');
    expect((await testSend('contacts', c.body.id, 'newsletter', rep)).status).toBe(403);
  });
});
