import { beforeAll, describe, expect, it } from 'vitest';
import { api, login, unique, type ApiCall } from '../support/client.ts';

/**
 * Opportunities are written through the same record routes as accounts and contacts (issue 7: "one generic
 * record API"; until now they were read-only stubs made by lead conversion). Defaults: a rep reads and edits
 * only their own; the manager of rep1 and rep2 edits their team's; another rep gets 404.
 */
let rep1: ApiCall;
let rep2: ApiCall;
let manager: ApiCall;
let rep1Id = '';

beforeAll(async () => {
  [rep1, rep2, manager] = await Promise.all(['rep1@demo.local', 'rep2@demo.local', 'manager@demo.local'].map(async (e) => api(await login(e)))) as [ApiCall, ApiCall, ApiCall];
  rep1Id = (await rep1('GET', '/api/me')).body.id;
});

describe('opportunities through the record routes', () => {
  it('create, change with If-Match (stale → 412), delete, restore; the account lists it and the timeline shows it', async () => {
    const u = unique();
    const account = (await rep1('POST', '/api/accounts', { name: `Opp Co ${u}` })).body;
    const created = await rep1('POST', '/api/opportunities', {
      name: `Renewal ${u}`, accountId: account.id, amount: { amount: 1_250_000, currency: 'CNY' }, stage: 'qualification', closeDate: '2027-03-31',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const opp = created.body;
    expect(opp).toMatchObject({ ownerId: rep1Id, accountId: account.id, stage: 'qualification', amount: { amount: 1_250_000, currency: 'CNY' }, version: 1 });

    const moved = await rep1('PATCH', `/api/opportunities/${opp.id}`, { stage: 'proposal' }, { 'if-match': '"1"' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ stage: 'proposal', version: 2 });
    const stale = await rep1('PATCH', `/api/opportunities/${opp.id}`, { stage: 'negotiation' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);

    const related = await rep1('GET', `/api/accounts/${account.id}/related/opportunities`);
    expect(related.body.items.map((x: { id: string }) => x.id)).toEqual([opp.id]);
    const timeline = await rep1('GET', `/api/opportunities/${opp.id}/timeline`);
    expect(timeline.body.items.length).toBeGreaterThanOrEqual(2);
    const audit = await rep1('GET', `/api/opportunities/${opp.id}/audit`);
    expect(audit.body.items[0]).toMatchObject({ before: { stage: 'qualification' }, after: { stage: 'proposal' } });

    expect((await rep1('DELETE', `/api/opportunities/${opp.id}`)).status).toBe(204);
    expect((await rep1('GET', `/api/opportunities/${opp.id}`)).body.deletedAt).toBeDefined();
    expect((await rep1('GET', `/api/accounts/${account.id}/related/opportunities`)).body.items).toEqual([]);
    const trash = await rep1('GET', '/api/opportunities?deleted=true&limit=100');
    expect(trash.body.items.map((x: { id: string }) => x.id)).toContain(opp.id);
    expect((await rep1('POST', `/api/opportunities/${opp.id}/restore`)).status).toBe(200);
    expect((await rep1('GET', `/api/opportunities/${opp.id}`)).body.stage).toBe('proposal');
  });

  it('starts at Prospecting when no stage is given', async () => {
    const opp = await rep1('POST', '/api/opportunities', { name: `Fresh ${unique()}` });
    expect(opp.body.stage).toBe('prospecting');
  });

  it('names every bad field in one 400 and writes nothing', async () => {
    const u = unique();
    const bad = await rep1('POST', '/api/opportunities', { name: `Bad ${u}`, stage: 'maybe', amount: { amount: 1.5, currency: 'CNY' }, closeDate: '31/03/2027' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.errors.map((e: { path: string }) => e.path.split('.')[0]).sort()).toEqual(['amount', 'closeDate', 'stage']);
    const list = await rep1('GET', `/api/opportunities?q=${encodeURIComponent(`bad ${u}`)}`);
    expect(list.body.items).toEqual([]);
  });

  it('another rep may not see or change it (404); their manager may change it', async () => {
    const opp = (await rep1('POST', '/api/opportunities', { name: `Team ${unique()}` })).body;
    expect((await rep2('GET', `/api/opportunities/${opp.id}`)).status).toBe(404);
    expect((await rep2('PATCH', `/api/opportunities/${opp.id}`, { stage: 'won' })).status).toBe(404);
    const byManager = await manager('PATCH', `/api/opportunities/${opp.id}`, { probability: 90 });
    // The probability is the stage's (set by the server): a strict schema names it rather than dropping it.
    expect(byManager.status).toBe(400);
    expect(byManager.body.errors.map((e: { path: string }) => e.path)).toEqual(['probability']);
    const ok = await manager('PATCH', `/api/opportunities/${opp.id}`, { stage: 'negotiation' });
    expect(ok.status).toBe(200);
    expect(ok.body.updatedBy).not.toBe(rep1Id);
  });
});
