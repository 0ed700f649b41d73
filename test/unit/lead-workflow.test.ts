import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/commons/auth.ts';
import { toProblem, type HttpProblem } from '../../functions/commons/problem.ts';
import { claimLead, convertLead, logActivity } from '../../functions/leads/workflow.ts';
import { leadEntity } from '../../functions/leads/entity.ts';
import { contactEntity } from '../../functions/contacts/entity.ts';
import { createRecord, type RecordDeps } from '../../functions/records/service.ts';
import { MemoryStore } from '../support/memory-store.ts';

const rep = (id: string): Principal => ({ tenantId: 'demo', userId: id, email: `${id}@demo.local`, name: id, role: 'rep', groups: ['rep'] });
const partner: Principal = { tenantId: 'demo', userId: 'partner:p1', email: '', name: 'Partner', role: 'rep', groups: ['rep'] };

let store: MemoryStore;
let deps: RecordDeps;
let now = Date.parse('2026-11-23T08:00:00.000Z');
let seq = 0;

beforeEach(() => {
  store = new MemoryStore();
  for (const id of ['r1', 'r2']) store.users.set(`demo/${id}`, { id, email: `${id}@demo.local`, name: id, role: 'rep', managerId: 'm1' });
  now = Date.parse('2026-11-23T08:00:00.000Z');
  deps = { store, clock: () => new Date(now), newId: () => `ID${String(++seq).padStart(6, '0')}` };
});

const newLead = (over: Record<string, unknown> = {}) =>
  createRecord(leadEntity, partner, { firstName: 'Ada', lastName: 'Byron', email: `ada${seq}@example.com`, company: 'Analytical Engines', ...over }, deps);

async function problem(p: Promise<unknown>): Promise<HttpProblem> {
  try { await p; } catch (e) { const known = toProblem(e); if (known) return known; throw e; }
  throw new Error('expected a problem');
}

describe('claiming from the queue', () => {
  it('gives the lead to the claimer with a 48 h call-back and publishes lead.assigned', async () => {
    const lead = await newLead();
    expect(lead).toMatchObject({ status: 'new', ownerId: 'queue:default' });
    const claimed = await claimLead(rep('r1'), lead.id, deps);
    expect(claimed).toMatchObject({ status: 'assigned', ownerId: 'r1', ownerManagerId: 'm1', callbackDueAt: '2026-11-25T08:00:00.000Z' });
    const change = store.commits.at(-1)!;
    expect(change.event.name).toBe('lead.assigned');
    expect(change.counters).toEqual([{ userId: 'r1', field: 'openLeads', delta: 1 }]);
    expect((await problem(claimLead(rep('r2'), lead.id, deps))).status).toBe(409);
  });
});

describe('logging contact', () => {
  it('moves an assigned lead to contacted on the first call, keeps notes on the timeline, and a note alone does not count', async () => {
    const lead = await claimLead(rep('r1'), (await newLead()).id, deps);
    const noted = await logActivity(rep('r1'), lead.id, { type: 'note', notes: 'Looked them up' }, deps);
    expect(noted.status).toBe('assigned');
    expect(store.commits.at(-1)!.event.name).toBe('lead.activity-logged');
    now += 3600_000;
    const called = await logActivity(rep('r1'), lead.id, { type: 'call', notes: 'Interested in a demo', outcome: 'connected' }, deps);
    expect(called).toMatchObject({ status: 'contacted', lastContactedAt: '2026-11-23T09:00:00.000Z' });
    const change = store.commits.at(-1)!;
    expect(change.event.name).toBe('lead.contacted');
    expect(change.timeline[0]!.entry).toMatchObject({ type: 'call', notes: 'Interested in a demo', outcome: 'connected' });
    // Another rep may not even see r1's lead (record visibility: reps read their own leads): 404, not 403.
    expect((await problem(logActivity(rep('r2'), lead.id, { type: 'call' }, deps))).status).toBe(404);
    expect((await problem(logActivity(rep('r1'), lead.id, { type: 'fax' }, deps))).toBody()).toMatchObject({ errors: [{ path: 'type' }] });
  });
});

describe('converting', () => {
  it('creates the account and contact, reuses a contact known by email, and refuses a second conversion', async () => {
    const known = await createRecord(contactEntity, rep('r1'), { lastName: 'Known', email: 'known@example.com' }, deps);
    const lead = await claimLead(rep('r1'), (await newLead({ email: 'KNOWN@example.com' })).id, deps);
    const result = await convertLead(rep('r1'), lead.id, { createOpportunity: true }, undefined, deps);
    expect(result.contact.id).toBe(known.id);
    expect(result.account).toMatchObject({ name: 'Analytical Engines', ownerId: 'r1' });
    expect(result.opportunity).toMatchObject({ accountId: result.account!.id, contactId: known.id, stage: 'prospecting' });
    expect(result.lead).toMatchObject({ status: 'converted', convertedTo: { accountId: result.account!.id, contactId: known.id, opportunityId: result.opportunity!.id } });
    expect(store.commits.at(-1)!.counters).toEqual([{ userId: 'r1', field: 'openLeads', delta: -1 }]);
    expect((await problem(convertLead(rep('r1'), lead.id, {}, undefined, deps))).status).toBe(409);

    const second = await claimLead(rep('r1'), (await newLead({ email: 'new@example.com' })).id, deps);
    const again = await convertLead(rep('r1'), second.id, {}, undefined, deps);
    expect(again.account!.id).toBe(result.account!.id);
    expect(again.contact).toMatchObject({ email: 'new@example.com', accountId: result.account!.id });
    expect(again.opportunity).toBeUndefined();
  });
});
