import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, baseUrl, login, sentMail, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 8, the follow-up watchdog (SFA-6) through the local runtime: each open deal has one Scheduler
 * schedule at its last activity + the tenant's days, started with it and moved by each activity logged on it;
 * when the clock passes it the owner and the owner's manager are alerted once per lapse, by email and in the bell.
 */
let admin: ApiCall;
let rep: ApiCall;
let scheduler: SchedulerClient;
const tag = unique();
const schedule = (id: string) => scheduler.send(new GetScheduleCommand({ Name: `follow-up-${id}`, GroupName: 'cirrus-local-schedules' })).catch((e) => e as Error);
const at = (s: unknown) => (s instanceof Error ? undefined : String((s as any).ScheduleExpression));
/** Tokens last an hour: after the clock moves days on, sign in again. */
const signInAgain = async () => { rep = api(await login('rep1@demo.local')); };
const mailsAbout = async (email: string, name: string) => (await sentMail(email)).filter((m) => m.Subject.includes(name));

beforeAll(async () => {
  [admin, rep] = await Promise.all([api(await login('admin@demo.local')), api(await login('rep1@demo.local'))]);
  scheduler = new SchedulerClient({ endpoint: baseUrl(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

describe('the follow-up watchdog', () => {
  it('settings: 3 days by default, the pool off; admins change them; bad values answer 400 naming each field', async () => {
    const got = await rep('GET', '/api/settings/follow-up');
    expect(got.body).toMatchObject({ alertAfterDays: 3, poolAfterDays: null, claimLimit: 20 });
    expect((await rep('PUT', '/api/settings/follow-up', { alertAfterDays: 3, poolAfterDays: null, claimLimit: 20 })).status).toBe(403);
    const bad = await admin('PUT', '/api/settings/follow-up', { alertAfterDays: 0, poolAfterDays: 'soon', claimLimit: 20 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['alertAfterDays', 'poolAfterDays']);
    expect((await admin('PUT', '/api/settings/follow-up', { alertAfterDays: 3, poolAfterDays: null, claimLimit: 20 })).status).toBe(200);
  });

  it('a quiet deal alerts its owner and their manager once; an activity on another deal moves that one\'s timer', async () => {
    const quiet = (await rep('POST', '/api/opportunities', { name: `Quiet deal ${tag}`, closeDate: '2031-09-30' })).body;
    const busy = (await rep('POST', '/api/opportunities', { name: `Busy deal ${tag}`, closeDate: '2031-09-30' })).body;
    const firstQuiet = at(await until(() => schedule(quiet.id), (s) => !(s instanceof Error)));
    const firstBusy = at(await until(() => schedule(busy.id), (s) => !(s instanceof Error)));
    expect(firstQuiet).toBe(`at(${new Date(Date.parse(quiet.createdAt) + 3 * 86400_000).toISOString().slice(0, 19)})`);

    await advanceClock(2 * 86400);
    await signInAgain();
    const call = await rep('POST', '/api/activities', { type: 'call', subject: `Check-in ${tag}`, done: true, relatedTo: [{ object: 'opportunities', id: busy.id }] });
    expect(call.status).toBe(201);
    const moved = at(await until(() => schedule(busy.id), (s) => at(s) !== firstBusy));
    expect(moved).toBe(`at(${new Date(Date.parse(call.body.createdAt) + 3 * 86400_000).toISOString().slice(0, 19)})`);

    await advanceClock(86400 + 120);
    await signInAgain();
    await until(() => mailsAbout('manager@demo.local', `Quiet deal ${tag}`), (m) => m.length > 0);
    expect(await mailsAbout('rep1@demo.local', `Quiet deal ${tag}`)).toHaveLength(1);
    expect(await mailsAbout('manager@demo.local', `Quiet deal ${tag}`)).toHaveLength(1);
    expect((await mailsAbout('rep1@demo.local', `Quiet deal ${tag}`))[0].Subject).toBe(`跟进提醒：商机「Quiet deal ${tag}」已 3 天没有活动`);
    expect(await mailsAbout('rep1@demo.local', `Busy deal ${tag}`)).toHaveLength(0);
    const bell = (await rep('GET', '/api/notifications')).body.items.filter((n: any) => n.kind === 'follow-up-overdue' && n.subject.id === quiet.id);
    expect(bell).toHaveLength(1);

    // Two days on, the busy deal has gone quiet too; the quiet one is not alerted again for the same lapse.
    await advanceClock(2 * 86400);
    await until(() => mailsAbout('rep1@demo.local', `Busy deal ${tag}`), (m) => m.length > 0);
    expect(await mailsAbout('rep1@demo.local', `Busy deal ${tag}`)).toHaveLength(1);
    expect(await mailsAbout('rep1@demo.local', `Quiet deal ${tag}`)).toHaveLength(1);
  });

  it('an account with an open deal is watched too; one without open deals is not', async () => {
    await signInAgain();
    const withDeal = (await rep('POST', '/api/accounts', { name: `Watched account ${tag}` })).body;
    const without = (await rep('POST', '/api/accounts', { name: `Idle account ${tag}` })).body;
    expect((await rep('POST', '/api/opportunities', { name: `Account deal ${tag}`, accountId: withDeal.id, closeDate: '2031-09-30' })).status).toBe(201);
    expect((await rep('POST', '/api/activities', { type: 'note', subject: `Note ${tag}`, relatedTo: [{ object: 'accounts', id: without.id }] })).status).toBe(201);
    await until(() => schedule(withDeal.id), (s) => !(s instanceof Error));
    await until(() => schedule(without.id), (s) => !(s instanceof Error));
    await advanceClock(3 * 86400 + 120);
    await until(() => mailsAbout('rep1@demo.local', `Watched account ${tag}`), (m) => m.length > 0);
    expect((await mailsAbout('rep1@demo.local', `Watched account ${tag}`))[0].Subject).toBe(`跟进提醒：客户「Watched account ${tag}」已 3 天没有活动`);
    expect(await mailsAbout('rep1@demo.local', `Idle account ${tag}`)).toHaveLength(0);
  });

  it('a won deal is not watched any more', async () => {
    await signInAgain();
    const won = (await rep('POST', '/api/opportunities', { name: `Won deal ${tag}`, closeDate: '2031-09-30', amount: { amount: 100, currency: 'CNY' } })).body;
    await until(() => schedule(won.id), (s) => !(s instanceof Error));
    expect((await rep('PATCH', `/api/opportunities/${won.id}`, { stage: 'won' }, { 'if-match': '"1"' })).status).toBe(200);
    await advanceClock(4 * 86400);
    await advanceClock(60);
    expect(await mailsAbout('rep1@demo.local', `Won deal ${tag}`)).toHaveLength(0);
  });
});

describe('the shared pool (公海池)', () => {
  let rep2: ApiCall;
  afterAll(async () => {
    // The pool is off by default: later files expect the defaults.
    const a = api(await login('admin@demo.local'));
    expect((await a('PUT', '/api/settings/follow-up', { alertAfterDays: 3, poolAfterDays: null, claimLimit: 20, claimCooldownDays: 7 })).status).toBe(200);
  });

  it('a deal quiet for the pool days goes to the pool with its history; any rep may claim it, up to their limit', async () => {
    admin = api(await login('admin@demo.local'));
    expect((await admin('PUT', '/api/settings/follow-up', { alertAfterDays: 3, poolAfterDays: 5, claimLimit: 1, claimCooldownDays: 2 })).status).toBe(200);
    await signInAgain();
    const first = (await rep('POST', '/api/opportunities', { name: `Pool deal A ${tag}`, closeDate: '2031-09-30' })).body;
    const second = (await rep('POST', '/api/opportunities', { name: `Pool deal B ${tag}`, closeDate: '2031-09-30' })).body;
    await until(() => scheduler.send(new GetScheduleCommand({ Name: `pool-release-${second.id}`, GroupName: 'cirrus-local-schedules' })).catch((e) => e as Error), (s) => !(s instanceof Error));

    await advanceClock(5 * 86400 + 120);
    await signInAgain();
    rep2 = api(await login('rep2@demo.local'));
    const pooled = await until(() => rep2('GET', `/api/opportunities/${first.id}`), (r) => r.body.ownerId === 'pool');
    expect(pooled.status).toBe(200); // anyone may see a pooled deal
    expect(pooled.body).toMatchObject({ ownerId: 'pool', pooledFrom: first.ownerId, pooledAt: expect.any(String) });
    const timeline = (await rep2('GET', `/api/opportunities/${first.id}/timeline`)).body.items;
    expect(timeline[0]).toMatchObject({ type: 'released', actor: { id: 'system:follow-up' } });
    expect(timeline.at(-1).type).toBe('created'); // its history stays
    expect((await rep2('GET', '/api/opportunities?ownerId=pool&limit=100')).body.items.map((d: any) => d.id)).toEqual(expect.arrayContaining([first.id, second.id]));

    const claimed = await rep2('POST', `/api/opportunities/${first.id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ ownerId: expect.not.stringMatching(/^pool$/), claimedBy: claimed.body.ownerId });
    expect((await rep2('GET', `/api/opportunities/${first.id}/timeline`)).body.items[0].type).toBe('claimed');
    // A second claim is past rep2's limit of 1; taken already, the first answers 409 too.
    const past = await rep2('POST', `/api/opportunities/${second.id}/claim`);
    expect([past.status, past.body.claimLimit]).toEqual([409, 1]);
    expect((await rep('POST', `/api/opportunities/${first.id}/claim`)).status).toBe(409);
    // Within the cool-down rep2 cannot hand it back to dodge the limit; the audit names who claimed it.
    const back = await rep2('POST', `/api/opportunities/${first.id}/release`);
    expect(back.status).toBe(409);
    const audit = (await rep2('GET', `/api/opportunities/${first.id}/audit`)).body.items;
    expect(audit[0]).toMatchObject({ action: 'update', after: { ownerId: claimed.body.ownerId } });
  });

  it('after the cool-down the rep may release it, which frees their claim for another', async () => {
    await advanceClock(2 * 86400 + 60);
    await signInAgain();
    rep2 = api(await login('rep2@demo.local'));
    const items = (await rep2('GET', '/api/opportunities?ownerId=pool&limit=100')).body.items.filter((d: any) => d.name.startsWith('Pool deal'));
    const first = (await rep2('GET', '/api/opportunities?limit=100')).body.items.find((d: any) => d.name === `Pool deal A ${tag}`);
    expect(first).toBeTruthy();
    const released = await rep2('POST', `/api/opportunities/${first.id}/release`);
    expect([released.status, released.body.ownerId]).toEqual([200, 'pool']);
    const second = items.find((d: any) => d.name === `Pool deal B ${tag}`);
    const claimed = await rep2('POST', `/api/opportunities/${second.id}/claim`);
    expect(claimed.status).toBe(200);
    // Winning it ends the claim: the limit of 1 has room again (and the deal keeps its claimer no more).
    const third = (await rep('POST', '/api/opportunities', { name: `Pool deal C ${tag}`, closeDate: '2031-09-30' })).body;
    expect((await rep('POST', `/api/opportunities/${third.id}/release`)).status).toBe(200);
    expect((await rep2('POST', `/api/opportunities/${third.id}/claim`)).status).toBe(409);
    const won = await rep2('PATCH', `/api/opportunities/${second.id}`, { stage: 'won' }, { 'if-match': `"${claimed.body.version}"` });
    expect(won.status).toBe(200);
    expect(won.body.claimedBy).toBeUndefined();
    expect((await rep2('POST', `/api/opportunities/${third.id}/claim`)).status).toBe(200);
  });
});

