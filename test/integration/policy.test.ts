import { beforeAll, describe, expect, it } from 'vitest';
import { api, login, type ApiCall } from '../support/client.ts';

/**
 * The policy module at the edge: what each role is refused, what it is not shown, and that /api/me tells the
 * web app the same answers (so no button is offered that the server refuses).
 */
const as: Record<string, ApiCall> = {};
const ids: Record<string, string> = {};
beforeAll(async () => {
  for (const who of ['admin', 'manager', 'rep1', 'marketer', 'agent']) {
    as[who] = api(await login(`${who}@demo.local`));
    ids[who] = (await as[who]!('GET', '/api/me')).body.id;
  }
});

describe('policy at the edge', () => {
  it('/api/me carries the caller\'s capabilities from the policy module', async () => {
    const rep = (await as.rep1!('GET', '/api/me')).body;
    expect(rep.can).toMatchObject({ records: { update: 'own', assignToOthers: false }, leads: { claim: true }, settings: { partners: false, forms: false } });
    const agent = (await as.agent!('GET', '/api/me')).body;
    expect(agent.can.leads.claim).toBe(false);
    const admin = (await as.admin!('GET', '/api/me')).body;
    expect(admin.can.settings).toEqual({ partners: true, forms: true, assignmentRulesRead: true, assignmentRulesManage: true, objects: true, marketing: true });
  });

  it('web-to-lead forms are for admins and marketers only, and never show storage internals', async () => {
    for (const who of ['rep1', 'agent', 'manager']) {
      const res = await as[who]!('GET', '/api/forms');
      expect(res.status, who).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const res = await as.marketer!('GET', '/api/forms');
    expect(res.status).toBe(200);
    for (const f of res.body.items) for (const k of ['pk', 'sk', 'entityType', 'tenantId']) expect(f, k).not.toHaveProperty(k);
  });

  it('a manager may mark a rep away, but not an admin, and not change a rep\'s language', async () => {
    expect((await as.manager!('PATCH', `/api/users/${ids.rep1}`, { away: true })).status).toBe(200);
    expect((await as.manager!('PATCH', `/api/users/${ids.rep1}`, { away: false })).status).toBe(200);
    const admin = await as.manager!('PATCH', `/api/users/${ids.admin}`, { away: true });
    expect(admin.status).toBe(403);
    expect((await as.manager!('PATCH', `/api/users/${ids.rep1}`, { language: 'en' })).status).toBe(403);
    expect((await as.rep1!('PATCH', `/api/users/${ids.agent}`, { away: true })).status).toBe(403);
    expect((await as.rep1!('PATCH', '/api/users/me', { timeZone: 'Asia/Shanghai' })).status).toBe(200);
    expect((await as.admin!('GET', '/api/users')).body.items.find((u: any) => u.id === ids.admin).away).toBe(false);
  });

  it('everyone sees names and roles; only managers and admins see workload and reporting lines', async () => {
    const forRep = (await as.rep1!('GET', '/api/users')).body.items as any[];
    expect(forRep.length).toBeGreaterThan(3);
    const other = forRep.find((u) => u.id === ids.agent);
    expect(other).toMatchObject({ name: expect.any(String), role: 'agent' });
    expect(other).not.toHaveProperty('openLeads');
    expect(forRep.find((u) => u.id === ids.rep1)).not.toHaveProperty('managerId');
    const forManager = (await as.manager!('GET', '/api/users')).body.items as any[];
    expect(forManager.find((u) => u.id === ids.rep1)).toMatchObject({ openLeads: expect.any(Number), managerId: ids.manager });
  });

  it('assignment rules: managers read, admins edit, reps neither', async () => {
    expect((await as.rep1!('GET', '/api/assignment-rules')).status).toBe(403);
    const read = await as.manager!('GET', '/api/assignment-rules');
    expect(read.status).toBe(200);
    expect((await as.manager!('PUT', '/api/assignment-rules', { rules: read.body.rules })).status).toBe(403);
    expect((await as.marketer!('GET', '/api/partners')).status).toBe(403);
  });
});
