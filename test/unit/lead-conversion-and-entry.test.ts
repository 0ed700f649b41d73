import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/commons/auth.ts';
import { toProblem, type HttpProblem } from '../../functions/commons/problem.ts';
import { leadEntity } from '../../functions/leads/entity.ts';
import { acceptLead } from '../../functions/leads/intake.ts';
import { claimLead, convertLead, enterLead } from '../../functions/leads/workflow.ts';
import { createRecord, type RecordDeps } from '../../functions/records/service.ts';
import type { ChangeSet } from '../../functions/records/store.ts';
import { MemoryStore } from '../support/memory-store.ts';

/**
 * Conversion is claimed first and its records get ids derived from the claim, so neither a race nor a crash
 * half-way makes a second account, contact or opportunity (rule 4). Manual entry checks before it writes.
 */

const rep = (id: string): Principal => ({ tenantId: 'demo', userId: id, email: `${id}@demo.local`, name: id, role: 'rep', groups: ['rep'] });
const mgr: Principal = { tenantId: 'demo', userId: 'm1', email: 'm1@demo.local', name: 'Manager', role: 'manager', groups: ['manager'] };
const partner: Principal = { tenantId: 'demo', userId: 'partner:p1', email: '', name: 'Partner', role: 'rep', groups: ['rep'] };

/** A store that dies (like a killed process) on the first commit matching `crashOn`. */
class CrashingStore extends MemoryStore {
  crashOn?: (c: ChangeSet) => boolean;
  override async commit(c: ChangeSet) {
    if (this.crashOn?.(c)) {
      this.crashOn = undefined;
      throw new Error('killed');
    }
    return super.commit(c);
  }
}

let store: CrashingStore;
let deps: RecordDeps;
let seq = 0;

beforeEach(() => {
  store = new CrashingStore();
  for (const id of ['r1', 'r2', 'm1']) store.users.set(`demo/${id}`, { id, email: `${id}@demo.local`, name: id, role: id === 'm1' ? 'manager' : 'rep', managerId: 'm1' });
  seq = 0;
  deps = { store, clock: () => new Date('2026-11-23T08:00:00.000Z'), newId: () => `01J0000000${String(++seq).padStart(16, '0')}` };
});

const records = (type: string) => [...store.records.entries()].filter(([k]) => k.startsWith(`demo/${type}/`)).map(([, r]) => r);

async function problem(p: Promise<unknown>): Promise<HttpProblem> {
  try { await p; } catch (e) { const known = toProblem(e); if (known) return known; throw e; }
  throw new Error('expected a problem');
}

async function assignedLead(over: Record<string, unknown> = {}) {
  const lead = await createRecord(leadEntity, partner, { firstName: 'Ada', lastName: 'Byron', email: `ada${seq}@example.com`, company: 'Analytical Engines', ...over }, deps);
  return claimLead(rep('r1'), lead.id, deps);
}

describe('converting a lead', () => {
  for (const step of ['contact', 'opportunity', 'lead'] as const) {
    it(`resumes without duplicates after a crash before the ${step} was written`, async () => {
      const lead = await assignedLead();
      store.crashOn = (c) => c.type === step && (step !== 'lead' || c.record.status === 'converted');
      await expect(convertLead(rep('r1'), lead.id, { createOpportunity: true }, undefined, deps)).rejects.toThrow('killed');
      expect((await store.get('demo', 'lead', lead.id))!.status).toBe('assigned');

      // The next attempt (any body) resumes the pending conversion with its original input.
      const result = await convertLead(rep('r1'), lead.id, {}, undefined, deps);
      expect(records('account')).toHaveLength(1);
      expect(records('contact')).toHaveLength(1);
      expect(records('opportunity')).toHaveLength(1);
      expect(result.lead).toMatchObject({ status: 'converted', convertedTo: { accountId: result.account!.id, contactId: result.contact.id, opportunityId: result.opportunity!.id } });
      expect(result.lead.conversion).toBeUndefined();
      expect(store.commits.filter((c) => c.event.name === 'lead.converted' && !c.internal)).toHaveLength(1);
    });
  }

  it('claims first: the claim is version-checked, publishes nothing, and a second claimer gets 409', async () => {
    const lead = await assignedLead();
    const stale = (await store.get('demo', 'lead', lead.id))!;
    const first = await convertLead(rep('r1'), lead.id, {}, undefined, deps);
    const claim = store.commits.find((c) => c.type === 'lead' && c.record.conversion)!;
    expect(claim.internal).toBe(true);
    expect(claim.timeline).toEqual([]);
    expect(first.lead.status).toBe('converted');
    // A request that read the lead before anyone claimed it loses the claim's version check, and writes nothing.
    const before = store.commits.length;
    const readEarly = Object.assign(Object.create(store), {
      get: async (t: string, type: string, id: string) => (type === 'lead' ? structuredClone(stale) : store.get(t, type, id)),
    }) as MemoryStore;
    const p = await problem(convertLead(rep('r1'), lead.id, {}, undefined, { ...deps, store: readEarly }));
    expect(store.commits).toHaveLength(before);
    expect(p.status).toBe(409);
  });
});

describe('entering a lead by hand', () => {
  const body = { lastName: 'Hopper', email: 'grace@example.com' };

  it('writes nothing when the owner may not be set, does not exist or is not an id', async () => {
    expect((await problem(enterLead(rep('r1'), { ...body, ownerId: 'r2' }, deps))).toBody()).toMatchObject({ status: 403, errors: [{ path: 'ownerId' }] });
    expect((await problem(enterLead(mgr, { ...body, ownerId: 'nobody' }, deps))).toBody()).toMatchObject({ status: 400, errors: [{ path: 'ownerId', code: 'unknown_user' }] });
    for (const ownerId of ['', 'x'.repeat(2000), 7]) expect((await problem(enterLead(mgr, { ...body, ownerId }, deps))).toBody()).toMatchObject({ status: 400, errors: [{ path: 'ownerId' }] });
    expect(store.commits).toHaveLength(0);
  });

  it('with an owner: one transaction, created assigned, published as lead.assigned, the owner’s count moved', async () => {
    const lead = await enterLead(mgr, { ...body, ownerId: 'r2' }, deps);
    expect(store.commits).toHaveLength(1);
    const [c] = store.commits;
    expect(lead).toMatchObject({ status: 'assigned', ownerId: 'r2', ownerManagerId: 'm1', callbackDueAt: '2026-11-25T08:00:00.000Z' });
    expect(c!.event.name).toBe('lead.assigned');
    expect(c!.counters).toEqual([{ userId: 'r2', field: 'openLeads', delta: 1 }]);
    expect(c!.timeline.map((t) => t.entry.type)).toEqual(['created', 'assigned']);
  });

  it('without an owner: in the queue, published as lead.created', async () => {
    const lead = await enterLead(rep('r1'), body, deps);
    expect(lead).toMatchObject({ status: 'new', ownerId: 'queue:default' });
    expect(store.commits[0]!.event.name).toBe('lead.created');
  });
});

describe('phones are guarded like emails', () => {
  it('a second live lead with the phone is a duplicate of the first, even when the lookup missed it', async () => {
    const source = { tenantId: 'demo', scope: 'partner:p1', actorName: 'P', source: 'P' };
    const first = await acceptLead(source, { lastName: 'A', email: 'a@example.com', phone: '+49 30 1234567' }, '{}', undefined, deps);
    expect(first.status).toBe('accepted');
    expect(store.commits[0]!.uniquesAdded).toEqual([{ field: 'email', value: 'a@example.com' }, { field: 'phone', value: '+49301234567' }]);
    // Make the search miss it, as a read racing the first write would.
    const blind = Object.assign(Object.create(store), { findByToken: async () => [] }) as MemoryStore;
    const second = await acceptLead(source, { lastName: 'B', email: 'b@example.com', phone: '+49 30 1234567' }, '{}', undefined, { ...deps, store: blind });
    expect(second.status).toBe('duplicate');
    expect((await store.get('demo', 'lead', second.id))!.duplicateOf).toEqual({ type: 'lead', id: first.id });
  });
});
