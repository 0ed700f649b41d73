import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/commons/auth.ts';
import { ticketEntityWith } from '../../functions/tickets/entity.ts';
import { createNumbered } from '../../functions/tickets/numbering.ts';
import { updateRecord, type RecordDeps } from '../../functions/records/service.ts';
import { defaultServiceDesk } from '../../schemas/service-desk.ts';
import { MemoryStore } from '../support/memory-store.ts';

const agent: Principal = { tenantId: 'demo', userId: 'agent-1', email: 'agent@demo.local', name: 'Sam Lee', role: 'agent', groups: ['agent'] };
const settings = defaultServiceDesk('Asia/Shanghai');
const tickets = ticketEntityWith(settings);
let store: MemoryStore;
let deps: RecordDeps;
let now = new Date('2026-12-07T02:00:00.000Z'); // Monday 10:00 in Shanghai
let seq = 0;

beforeEach(() => {
  store = new MemoryStore();
  store.users.set('demo/agent-1', { id: 'agent-1', email: 'agent@demo.local', name: 'Sam Lee', role: 'agent' });
  now = new Date('2026-12-07T02:00:00.000Z');
  seq = 0;
  deps = { store, clock: () => now, newId: () => `TK${String(++seq).padStart(4, '0')}` };
});

describe('tickets', () => {
  it('30 tickets created at once get T-000001 … T-000030: each number once, none skipped', async () => {
    const made = await Promise.all(Array.from({ length: 30 }, (_, i) => createNumbered(tickets, agent, { subject: `Printer ${i}` }, deps)));
    const numbers = made.map((t) => t.number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => `T-${String(i + 1).padStart(6, '0')}`));
    expect(await store.sequenceValue('demo', 'ticket')).toBe(30);
    // Only the winning attempts were written: 30 tickets, 30 commits.
    expect(store.commits).toHaveLength(30);
  });

  it('a new ticket sits in its queue with the SLA of the standard policy, and counts in the backlog', async () => {
    const t = await createNumbered(tickets, agent, { subject: '打印机无法连接', priority: 'high' }, deps);
    expect(t).toMatchObject({ number: 'T-000001', status: 'new', queueId: 'support', ownerId: 'queue:support', channel: 'api' });
    expect(t.sla).toMatchObject({ policyId: 'standard', firstResponse: { state: 'onTrack', dueAt: '2026-12-07T03:00:00.000Z' } });
    expect(store.aggregates.get('demo/service/backlog#new#support')).toMatchObject({ tickets: 1 });
    expect(store.aggregates.get('demo/service/day#2026-12-07')).toMatchObject({ created: 1 });
  });

  it('an agent takes a queue ticket (it becomes open), pends it (resolution pauses) and solves it (met, out of the backlog)', async () => {
    const t = await createNumbered(tickets, agent, { subject: 'VPN' }, deps);
    now = new Date('2026-12-07T03:00:00.000Z');
    const taken = await updateRecord(tickets, agent, t.id, { assigneeId: 'agent-1' }, '"1"', deps);
    expect(taken).toMatchObject({ status: 'open', ownerId: 'agent-1' });
    now = new Date('2026-12-07T04:00:00.000Z');
    const pending = await updateRecord(tickets, agent, t.id, { status: 'pending' }, '"2"', deps);
    expect((pending.sla as { resolution: { state: string } }).resolution.state).toBe('paused');
    now = new Date('2026-12-07T05:00:00.000Z');
    const solved = await updateRecord(tickets, agent, t.id, { status: 'solved' }, '"3"', deps);
    expect(solved).toMatchObject({ status: 'solved', solvedAt: '2026-12-07T05:00:00.000Z' });
    expect((solved.sla as { resolution: { state: string } }).resolution.state).toBe('met');
    expect(store.aggregates.get('demo/service/backlog#open#support')?.tickets ?? 0).toBe(0);
    expect(store.aggregates.get('demo/service/backlog#new#support')?.tickets ?? 0).toBe(0);
    expect(store.aggregates.get('demo/service/day#2026-12-07')).toMatchObject({ created: 1, solved: 1, resolutionMet: 1 });
  });
});
