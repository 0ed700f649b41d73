import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, baseUrl, login, sentMail, settle, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 9, NPS (SVC-5) through the local runtime: the admin's program (a saved contact view as the segment,
 * a cadence, a question in both languages) puts a recurring schedule; a round emails each contact of the
 * segment with an email once, with 11 score links in their language; a contact surveyed within the quiet days
 * is skipped; the link's page (GET) changes nothing; the answer is taken once, is on the contact (`nps`, its
 * timeline) and in the service dashboard's NPS totals; an expired link answers 410.
 */
let admin: ApiCall;
let rep: ApiCall;
let scheduler: SchedulerClient;
const anon = api();
const tag = unique();
const TAG = `Nps${tag}`;
const email = (who: string) => `${who}.${tag}@example.cn`;
const surveys = async (to: string) => (await sentMail(to)).filter((m) => /\?score=10/.test(m.Body?.text_part ?? ''));
const tokenOf = (mail: any) => /\/survey\/([A-Za-z0-9_-]{43})\?score=0/.exec(mail.Body.text_part)![1]!;

const settings = (extra: Record<string, unknown> = {}) => ({
  enabled: true, segmentViewId: null as string | null, cadence: 'monthly', dayOfMonth: 15, time: '09:30', timeZone: 'Europe/Berlin',
  question: { en: `Would you recommend us? ${tag}`, 'zh-CN': `您会推荐我们吗？${tag}` }, quietDays: 60, ...extra,
});

const contacts: Record<string, string> = {};
let viewId = '';

beforeAll(async () => {
  [admin, rep] = await Promise.all([api(await login('admin@demo.local')), api(await login('rep1@demo.local'))]);
  scheduler = new SchedulerClient({ endpoint: baseUrl(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const [key, body] of Object.entries({
    en: { firstName: 'Ann', lastName: TAG, email: email('ann'), language: 'en' },
    zh: { firstName: '娜', lastName: TAG, email: email('li.na'), language: 'zh-CN' },
    none: { firstName: 'Nomail', lastName: TAG },
  })) {
    const r = await admin('POST', '/api/contacts', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    contacts[key] = r.body.id;
  }
  const v = await admin('POST', '/api/views', { object: 'contacts', name: `NPS ${tag}`, shared: 'all', columns: ['name', 'email'], where: { lastName: { eq: TAG } }, sort: ['name'] });
  expect(v.status, JSON.stringify(v.body)).toBe(201);
  viewId = v.body.id;
});

describe('NPS settings', () => {
  let etag = '';

  it('GET answers the defaults with an ETag; a rep may read but not change them', async () => {
    const got = await rep('GET', '/api/settings/nps');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ enabled: false, segmentViewId: null, cadence: 'quarterly', dayOfMonth: 1, time: '10:00', quietDays: 60, nextRoundAt: null });
    expect(got.body.question.en).toMatch(/recommend/);
    expect(got.headers.etag).toBeTruthy();
    etag = got.headers.etag!;
    expect((await rep('PUT', '/api/settings/nps', settings({ segmentViewId: viewId }), { 'if-match': etag })).status).toBe(403);
    expect((await rep('POST', '/api/settings/nps/send')).status).toBe(403);
  });

  it('bad fields answer 400 naming each', async () => {
    const bad = await admin('PUT', '/api/settings/nps', settings({ cadence: 'weekly', dayOfMonth: 31, time: '25:00', timeZone: 'Mars/Olympus', question: { en: '', 'zh-CN': 'ok' }, quietDays: 0 }), { 'if-match': etag });
    expect(bad.status).toBe(400);
    const paths = bad.body.errors.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['cadence', 'dayOfMonth', 'time', 'timeZone', 'question.en', 'quietDays']));
    const noSegment = await admin('PUT', '/api/settings/nps', settings(), { 'if-match': etag });
    expect([noSegment.status, noSegment.body.errors?.map((e: any) => e.path)]).toEqual([400, ['segmentViewId']]);
    const unknown = await admin('PUT', '/api/settings/nps', settings({ segmentViewId: 'vw-contacts-0000000000nothing' }), { 'if-match': etag });
    expect([unknown.status, unknown.body.errors?.map((e: any) => e.path)]).toEqual([400, ['segmentViewId']]);
  });

  it('saving with a segment puts the recurring schedule with the cron and time zone; a stale If-Match is 412', async () => {
    const put = await admin('PUT', '/api/settings/nps', { ...settings({ segmentViewId: viewId }), nextRoundAt: null, lastRound: null }, { 'if-match': etag });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.nextRoundAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(put.headers.etag).not.toBe(etag);
    const stale = await admin('PUT', '/api/settings/nps', settings({ segmentViewId: viewId, quietDays: 30 }), { 'if-match': etag });
    expect(stale.status).toBe(412);
    const s = await scheduler.send(new GetScheduleCommand({ Name: 'nps-round-demo', GroupName: 'cirrus-local-schedules' }));
    expect(s.ScheduleExpression).toBe('cron(30 9 15 * ? *)');
    expect(s.ScheduleExpressionTimezone).toBe('Europe/Berlin');
    expect(s.State).toBe('ENABLED');
    const got = await rep('GET', '/api/settings/nps');
    expect(got.body).toMatchObject({ enabled: true, segmentViewId: viewId, cadence: 'monthly', timeZone: 'Europe/Berlin' });
    expect(got.headers.etag).toBe(put.headers.etag);
  });
});

describe('NPS rounds and answers', () => {
  let enToken = '';
  let zhToken = '';

  it('send now mails each contact of the segment with an email once, in their language, with 11 score links', async () => {
    const r = await admin('POST', '/api/settings/nps/send');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ done: true, skipped: { noEmail: 1 } });
    expect(r.body.sent).toBe(2);
    const [en, zh] = await Promise.all([surveys(email('ann')), surveys(email('li.na'))]);
    expect([en.length, zh.length]).toEqual([1, 1]);
    expect(en[0].Body.text_part).toContain(`Would you recommend us? ${tag}`);
    expect(zh[0].Body.text_part).toContain(`您会推荐我们吗？${tag}`);
    expect(zh[0].Subject).toMatch(/想听听您的意见/);
    for (let n = 0; n <= 10; n++) expect(en[0].Body.text_part).toContain(`?score=${n}\n`);
    expect(en[0].Headers).toEqual(expect.arrayContaining([{ Name: 'Auto-Submitted', Value: 'auto-generated' }]));
    enToken = tokenOf(en[0]);
    zhToken = tokenOf(zh[0]);
    const got = await admin('GET', '/api/settings/nps');
    expect(got.body.lastRound).toMatchObject({ roundId: r.body.roundId, status: 'done', sent: 2 });
  });

  it('send now again the same day mails nobody twice', async () => {
    const r = await admin('POST', '/api/settings/nps/send');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ sent: 0, skipped: { noEmail: 1, alreadySent: 2 } });
    expect((await surveys(email('ann'))).length).toBe(1);
    expect((await surveys(email('li.na'))).length).toBe(1);
  });

  it('opening the link changes nothing; the answer is taken once and is on the contact, its timeline and the dashboard', async () => {
    const before = (await admin('GET', '/api/service/dashboard')).body.totals;
    for (let i = 0; i < 2; i++) {
      const page = await anon('GET', `/api/surveys/${enToken}`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ kind: 'nps', state: 'open', language: 'en', question: { en: `Would you recommend us? ${tag}` } });
    }
    expect((await admin('GET', `/api/contacts/${contacts.en}`)).body.nps).toBeUndefined();
    const bad = await anon('POST', `/api/surveys/${enToken}`, { score: 11 });
    expect([bad.status, bad.body.errors?.map((e: any) => e.path)]).toEqual([400, ['score']]);
    const ok = await anon('POST', `/api/surveys/${enToken}`, { score: 9, comment: 'Quick answers' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ state: 'answered', score: 9, category: 'promoter' });
    expect((await anon('POST', `/api/surveys/${enToken}`, { score: 2 })).status).toBe(409);
    expect((await anon('GET', `/api/surveys/${enToken}`)).body).toMatchObject({ state: 'answered', score: 9 });
    await settle();
    const c = await admin('GET', `/api/contacts/${contacts.en}`);
    expect(c.body.nps).toMatchObject({ score: 9, category: 'promoter', comment: 'Quick answers' });
    const timeline = (await admin('GET', `/api/contacts/${contacts.en}/timeline`)).body.items;
    expect(timeline.find((e: any) => e.type === 'nps')).toMatchObject({ score: 9, category: 'promoter', actor: { id: 'system:nps' } });
    const after = (await admin('GET', '/api/service/dashboard')).body.totals;
    expect(after.npsResponses).toBe(before.npsResponses + 1);
    expect(after.npsPromoters).toBe(before.npsPromoters + 1);
    expect(after.nps).toBeGreaterThanOrEqual(-100);
    expect(after.nps).toBeLessThanOrEqual(100);
  });

  it('a client cannot write `nps` on a contact itself', async () => {
    const c = await admin('GET', `/api/contacts/${contacts.zh}`);
    const r = await admin('PATCH', `/api/contacts/${contacts.zh}`, { nps: { score: 10 } }, { 'if-match': c.headers.etag! });
    expect(r.status).toBe(400);
  });

  it('a later round skips contacts surveyed within the quiet days and mails a new one; an expired link is 410', async () => {
    await advanceClock(2 * 86400);
    [admin, rep] = await Promise.all([api(await login('admin@demo.local')), api(await login('rep1@demo.local'))]);
    const late = await admin('POST', '/api/contacts', { firstName: 'Late', lastName: TAG, email: email('late'), language: 'en' });
    expect(late.status).toBe(201);
    await settle();
    const r = await admin('POST', '/api/settings/nps/send');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ sent: 1, skipped: { noEmail: 1, recent: 2 } });
    expect((await until(() => surveys(email('late')), (m) => m.length > 0)).length).toBe(1);
    expect((await surveys(email('ann'))).length).toBe(1);
    await advanceClock(31 * 86400);
    admin = api(await login('admin@demo.local'));
    expect((await anon('GET', `/api/surveys/${zhToken}`)).body.state).toBe('expired');
    expect((await anon('POST', `/api/surveys/${zhToken}`, { score: 5 })).status).toBe(410);
  });
});

describe('agent skills (routing within a queue)', () => {
  it('an admin or the agent\'s manager sets skills (deduplicated); a rep may not; the directory shows them', async () => {
    const [adm, manager, rep1] = (await Promise.all(['admin@demo.local', 'manager@demo.local', 'rep1@demo.local'].map(async (e) => api(await login(e))))) as [ApiCall, ApiCall, ApiCall];
    const users = (await adm('GET', '/api/users')).body.items ?? (await adm('GET', '/api/users')).body;
    const agentUser = users.find((u: any) => u.email === 'agent@demo.local');
    expect(agentUser.skills).toEqual(expect.any(Array));
    const set = await adm('PATCH', `/api/users/${agentUser.id}`, { skills: ['billing', 'Billing', ' printers '] });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.skills).toEqual(['billing', 'printers']);
    expect((await rep1('PATCH', `/api/users/${agentUser.id}`, { skills: ['x'] })).status).toBe(403);
    const byManager = await manager('PATCH', `/api/users/${agentUser.id}`, { skills: ['billing', 'vip'] });
    expect([byManager.status, byManager.body.skills]).toEqual([200, ['billing', 'vip']]);
    const bad = await adm('PATCH', `/api/users/${agentUser.id}`, { skills: ['', 'x'.repeat(41)] });
    expect(bad.status).toBe(400);
    const again = (await adm('GET', '/api/users')).body;
    expect((again.items ?? again).find((u: any) => u.email === 'agent@demo.local').skills).toEqual(['billing', 'vip']);
    expect((await adm('PATCH', `/api/users/${agentUser.id}`, { skills: [] })).status).toBe(200);
  });
});
