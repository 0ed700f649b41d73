import { beforeAll, describe, expect, it } from 'vitest';
import { api, busEvents, login, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 8, pipelines and the forecast through the local runtime: the seeded default pipeline (the contract's
 * shape), stage moves with required fields, lost reasons and stage history, optimistic locking, and the
 * forecast read from aggregates kept in the opportunities' own transactions. A far quarter keeps the figures
 * apart from other files' deals; a pipeline of this file's own keeps the default pipeline as others expect it.
 */
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const paths = (body: any): string[] => (body.errors ?? []).map((e: any) => e.path).sort();

let admin: ApiCall;
let manager: ApiCall;
let rep: ApiCall;
let rep2: ApiCall;
let ids: Record<string, string> & { rep1: string; rep2: string; manager: string };
const tag = unique();
const pipelineId = `renewals${tag.slice(-6)}`;

beforeAll(async () => {
  [admin, manager, rep, rep2] = (await Promise.all(['admin@demo.local', 'manager@demo.local', 'rep1@demo.local', 'rep2@demo.local'].map(async (e) => api(await login(e))))) as ApiCall[] as [ApiCall, ApiCall, ApiCall, ApiCall];
  const users = (await admin('GET', '/api/users')).body.items as { id: string; email: string }[];
  ids = <typeof ids>Object.fromEntries(users.map((u) => [u.email.split('@')[0]!, u.id]));
  for (const who of ['rep1', 'rep2', 'manager']) expect(ids[who]).toBeTruthy();
});

describe('pipelines', () => {
  it('GET /api/pipelines gives the seeded default pipeline in the contract\'s shape', async () => {
    const res = await rep('GET', '/api/pipelines');
    expect(res.status).toBe(200);
    const def = res.body.items[0];
    expect(def.id).toBe('default');
    expect(def.stages.map((s: any) => [s.id, s.probability, s.kind])).toEqual([
      ['prospecting', 10, 'open'], ['qualification', 20, 'open'], ['proposal', 50, 'open'],
      ['negotiation', 75, 'open'], ['won', 100, 'won'], ['lost', 0, 'lost'],
    ]);
    expect(def.stages.map((s: any) => s.label['zh-CN'])).toEqual(['初步接洽', '需求分析', '方案提供', '商务谈判', '赢单', '输单']);
  });

  it('an admin adds a pipeline with required fields; a rep may not; bad stages answer 400 naming them', async () => {
    const body = {
      id: pipelineId, name: l('Renewals', '续约'),
      stages: [
        { id: 'review', label: l('Review', '评估'), probability: 30, kind: 'open' },
        { id: 'quote', label: l('Quote', '报价'), probability: 60, kind: 'open', requiredFields: ['amount', 'nextStep'] },
        { id: 'renewed', label: l('Renewed', '已续约'), probability: 100, kind: 'won', requiredFields: ['closeDate'] },
        { id: 'churned', label: l('Churned', '流失'), probability: 0, kind: 'lost' },
      ],
    };
    expect((await rep('POST', '/api/pipelines', body)).status).toBe(403);
    const bad = await admin('POST', '/api/pipelines', { ...body, stages: [{ ...body.stages[0], probability: 130, requiredFields: ['c_nothing'] }, body.stages[3]] });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(expect.arrayContaining(['stages', 'stages.0.probability']));
    const made = await admin('POST', '/api/pipelines', body);
    expect(made.status).toBe(201);
    expect(made.headers.etag).toBe('"1"');
    expect((await admin('POST', '/api/pipelines', body)).status).toBe(400);
  });
});

describe('opportunities in a pipeline', () => {
  let dealId = '';

  it('a new deal lands in the first stage with its probability; a move missing the stage\'s fields answers 400 naming them', async () => {
    const made = await rep('POST', '/api/opportunities', { name: `Renewal ${tag}`, pipelineId, closeDate: '2031-05-20' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ pipelineId, stage: 'review', probability: 30, forecastCategory: 'pipeline' });
    dealId = made.body.id;

    const missing = await rep('PATCH', `/api/opportunities/${dealId}`, { stage: 'quote' }, { 'if-match': '"1"' });
    expect([missing.status, paths(missing.body)]).toEqual([400, ['amount', 'nextStep']]);
    const unknownStage = await rep('PATCH', `/api/opportunities/${dealId}`, { stage: 'proposal' }, { 'if-match': '"1"' });
    expect([unknownStage.status, paths(unknownStage.body)]).toEqual([400, ['stage']]);
    // Nothing was written by the refused moves.
    expect((await rep('GET', `/api/opportunities/${dealId}`)).body.version).toBe(1);

    const moved = await rep('PATCH', `/api/opportunities/${dealId}`, { stage: 'quote', amount: { amount: 1250000, currency: 'CNY' }, nextStep: 'Send the quote' }, { 'if-match': '"1"' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ stage: 'quote', probability: 60, version: 2 });
    // The same move against the old version is refused (412): someone else moved it first.
    expect((await rep('PATCH', `/api/opportunities/${dealId}`, { stage: 'review' }, { 'if-match': '"1"' })).status).toBe(412);
  });

  it('Closed Lost needs a lost reason; won/lost stamp closedAt, reopening clears it; the history has every move', async () => {
    const lost = await rep('PATCH', `/api/opportunities/${dealId}`, { stage: 'churned' }, { 'if-match': '"2"' });
    expect([lost.status, paths(lost.body)]).toEqual([400, ['lostReason']]);
    const badReason = await rep('PATCH', `/api/opportunities/${dealId}`, { stage: 'churned', lostReason: 'weather' }, { 'if-match': '"2"' });
    expect([badReason.status, paths(badReason.body)]).toEqual([400, ['lostReason']]);
    const churned = await rep('PATCH', `/api/opportunities/${dealId}`, { stage: 'churned', lostReason: 'price' }, { 'if-match': '"2"' });
    expect(churned.status).toBe(200);
    expect(churned.body).toMatchObject({ stage: 'churned', lostReason: 'price', forecastCategory: 'omitted', probability: 0 });
    expect(typeof churned.body.closedAt).toBe('string');

    const reopened = await rep('PATCH', `/api/opportunities/${dealId}`, { stage: 'quote' }, { 'if-match': '"3"' });
    expect(reopened.status).toBe(200);
    expect(reopened.body).not.toHaveProperty('closedAt');
    expect(reopened.body).not.toHaveProperty('lostReason');
    expect(reopened.body.forecastCategory).toBe('pipeline');

    const history = await rep('GET', `/api/opportunities/${dealId}/stage-history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((h: any) => [h.from, h.to, h.by])).toEqual([
      ['churned', 'quote', ids.rep1], ['quote', 'churned', ids.rep1], ['review', 'quote', ids.rep1], [null, 'review', ids.rep1],
    ]);
    for (const h of history.body.items) expect(Number.isNaN(Date.parse(h.at))).toBe(false);
    expect(history.body.items[0].msInStage).toBeGreaterThanOrEqual(0);
    // Another rep cannot read the deal's history (reps see their own opportunities): 404 as for any record.
    expect((await rep2('GET', `/api/opportunities/${dealId}/stage-history`)).status).toBe(404);

    // Each move is one opportunity.stage_changed on the bus (the creation is opportunity.created).
    const isMove = (e: any) => e['detail-type'] === 'opportunity.stage_changed' && e.detail.subject.id === dealId;
    const events = await until(busEvents, (all) => all.filter(isMove).length >= 3);
    expect(events.filter(isMove).map((e) => e.detail.data.stage)).toEqual(['quote', 'churned', 'quote']);
  });
});

describe('the forecast', () => {
  const period = '2031-Q2';
  const deal = (name: string, amount: number, stage: string, extra: Record<string, unknown> = {}) =>
    ({ name: `${name} ${tag}`, amount: { amount, currency: 'CNY' }, closeDate: '2031-05-10', stage, ...extra });

  it('sums each owner\'s deals of the quarter from aggregates, weighted half-even per deal, in the contract\'s shape', async () => {
    const before = (await manager('GET', `/api/forecast?period=${period}&groupBy=owner`)).body;
    const fig = (body: any, key: string) => body.groups.find((g: any) => g.key === key) ?? { pipeline: 0, bestCase: 0, commit: 0, closedWon: 0, weighted: 0 };
    const r1 = fig(before, ids.rep1);

    const a = (await rep('POST', '/api/opportunities', deal('A', 1000001, 'proposal', { forecastCategory: 'commit' }))).body; // 50 % → 500000.5 → 500000
    const b = (await rep('POST', '/api/opportunities', deal('B', 333, 'qualification', { forecastCategory: 'bestCase' }))).body; // 20 % → 66.6 → 67
    const c = (await rep('POST', '/api/opportunities', deal('C', 20000, 'won'))).body;
    const d = (await rep('POST', '/api/opportunities', deal('D', 5000, 'prospecting', { forecastCategory: 'omitted' }))).body;
    const usd = (await rep('POST', '/api/opportunities', { ...deal('E', 10000, 'negotiation'), amount: { amount: 10000, currency: 'USD' } })).body; // $100 × 7.1 = ¥710.00 → 71000; 75 % of $100 = $75 → ¥532.50
    for (const x of [a, b, c, d, usd]) expect(x.id).toBeTruthy();

    const after = await manager('GET', `/api/forecast?period=${period}&groupBy=owner`);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ period, currency: 'CNY' });
    const r = fig(after.body, ids.rep1);
    expect(r.pipeline - r1.pipeline).toBe(1000001 + 333 + 71000);
    expect(r.bestCase - r1.bestCase).toBe(1000001 + 333);
    expect(r.commit - r1.commit).toBe(1000001);
    expect(r.closedWon - r1.closedWon).toBe(20000);
    expect(r.weighted - r1.weighted).toBe(500000 + 67 + 53250);
    expect(after.body.rates).toEqual([{ currency: 'USD', rate: 7.1, asOf: '2026-12-01' }]);
    expect(Object.keys(after.body.total)).toEqual(expect.arrayContaining(['pipeline', 'bestCase', 'commit', 'closedWon', 'weighted', 'quota']));

    // A move, an amount change and a delete move the figures with them.
    await rep('PATCH', `/api/opportunities/${a.id}`, { stage: 'won' }, { 'if-match': '"1"' });
    await rep('PATCH', `/api/opportunities/${b.id}`, { amount: { amount: 1000, currency: 'CNY' } }, { 'if-match': '"1"' });
    await rep('DELETE', `/api/opportunities/${c.id}`, undefined, { 'if-match': '"1"' });
    const moved = fig((await manager('GET', `/api/forecast?period=${period}&groupBy=owner`)).body, ids.rep1);
    expect(moved.pipeline - r1.pipeline).toBe(1000 + 71000);
    expect(moved.closedWon - r1.closedWon).toBe(1000001);
    expect(moved.weighted - r1.weighted).toBe(200 + 53250);
    // Restoring the won deal brings it back.
    await rep('POST', `/api/opportunities/${c.id}/restore`);
    expect(fig((await manager('GET', `/api/forecast?period=${period}&groupBy=owner`)).body, ids.rep1).closedWon - r1.closedWon).toBe(1000001 + 20000);
  });

  it('a rep sees only their own figures; a manager their team; quotas are set by the manager and shown with the figures', async () => {
    const mine = (await rep('GET', `/api/forecast?period=${period}`)).body;
    expect(mine.groups.map((g: any) => g.key)).toEqual([ids.rep1]);
    expect((await rep('PUT', '/api/quotas', { userId: ids.rep1, period, amount: 5000000 })).status).toBe(403);
    const set = await manager('PUT', '/api/quotas', { userId: ids.rep1, period, amount: 5000000 });
    expect(set.status).toBe(200);
    expect((await manager('PUT', '/api/quotas', { userId: ids.rep1, period: '2031-Q5', amount: -1 })).status).toBe(400);
    const withQuota = (await rep('GET', `/api/forecast?period=${period}`)).body;
    expect(withQuota.groups[0].quota).toBe(5000000);
    const team = (await manager('GET', `/api/forecast?period=${period}&groupBy=team`)).body;
    expect(team.groups.some((g: any) => g.key === ids.manager)).toBe(true);
    expect((await rep('GET', `/api/forecast?period=2031-Q9`)).status).toBe(400);
  });

  it('drills down to the deals behind a figure', async () => {
    const res = await rep('GET', `/api/forecast/deals?period=${period}&owner=${ids.rep1}&category=bestCase`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const names = res.body.items.map((x: any) => x.name);
    expect(names).toContain(`B ${tag}`);
    expect(names).not.toContain(`D ${tag}`);
    expect(names).not.toContain(`A ${tag}`); // won now: closed won, not best case
    const won = await rep('GET', `/api/forecast/deals?period=${period}&owner=${ids.rep1}&category=closedWon`);
    expect(won.body.items.map((x: any) => x.name)).toEqual(expect.arrayContaining([`A ${tag}`, `C ${tag}`]));
    expect((await rep('GET', `/api/forecast/deals?period=${period}&owner=${ids.rep2}`)).status).toBe(403);
  });
});
