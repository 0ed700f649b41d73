import { describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/commons/auth.ts';
import { contactEntity } from '../../functions/contacts/entity.ts';
import { DynamoRecordStore } from '../../functions/records/dynamo-store.ts';
import { createRecord, updateRecord, type RecordDeps } from '../../functions/records/service.ts';
import type { ChangeSet } from '../../functions/records/store.ts';
import { MemoryStore } from '../support/memory-store.ts';

/**
 * What one contact update writes to DynamoDB (issue 7: search tokens stop carrying full copies of the
 * record). The record service's change goes through the real DynamoRecordStore with a client that only
 * records the TransactWriteItems it is sent, so items and bytes are those DynamoDB would be asked to write.
 */
const rep: Principal = { tenantId: 'demo', userId: 'rep-1', email: 'rep-1@demo.local', name: 'rep-1', role: 'rep', groups: ['rep'] };

type Sent = { Put?: { Item: Record<string, unknown> }; Delete?: unknown };

async function written(change: ChangeSet): Promise<{ items: number; tokenItems: number; bytes: number; tokenBytes: number }> {
  const sent: Sent[][] = [];
  const client = { send: async (command: { input: { TransactItems: Sent[] } }) => { sent.push(command.input.TransactItems); return {}; } };
  await new DynamoRecordStore(client as never, 'table').commit(change);
  const items = sent[0]!;
  const isToken = (t: Sent) => t.Put?.Item.entityType === 'search' || JSON.stringify(t.Delete ?? '').includes('#search');
  const size = (ts: Sent[]) => Buffer.byteLength(JSON.stringify(ts));
  return { items: items.length, tokenItems: items.filter(isToken).length, bytes: size(items), tokenBytes: size(items.filter(isToken)) };
}

async function contactUpdates() {
  const store = new MemoryStore();
  let seq = 0;
  const deps: RecordDeps = { store, clock: () => new Date('2026-12-01T08:00:00.000Z'), newId: () => `01J0ABCDEFGHJKMNPQRS${String(++seq).padStart(6, '0')}` };
  const c = await createRecord(contactEntity, rep, {
    firstName: '伟', lastName: '王', email: 'wang.wei@shanghai-example.cn', phone: '138 0013 8000', mobile: '139 1111 2222', country: 'CN',
    title: '采购经理', department: '采购部', tags: ['vip', 'shanghai'], notes: '上海示例科技有限公司的采购负责人，偏好电话联系。'.repeat(4),
  }, deps);
  await updateRecord(contactEntity, rep, c.id, { title: '采购总监' }, undefined, deps);
  await updateRecord(contactEntity, rep, c.id, { firstName: '小伟' }, undefined, deps);
  const [create, title, rename] = store.commits;
  return { create: await written(create!), title: await written(title!), rename: await written(rename!) };
}

/**
 * Measured on main before issue 7 (each token a full copy of the record), same contact and changes:
 *   create 13 items / 10,791 B (8 token items, 7,025 B); title change 12 items / 10,077 B (8 token items,
 *   7,025 B); rename 13 items / 10,261 B (9 token items, 7,190 B).
 */
describe('write cost of a contact', () => {
  it('a change that leaves name, subtitle and tokens alone writes no search token at all', async () => {
    const cost = await contactUpdates();
    console.log(JSON.stringify(cost));
    expect(cost.title.tokenItems).toBe(0);
    // Record, timeline entry, audit entry, outbox event.
    expect(cost.title.items).toBe(4);
    expect(cost.title.bytes).toBeLessThan(10_077 / 2);
  });

  it('a token item holds the id and display fields only, so even a rename writes fewer token bytes than before', async () => {
    const sent: Sent[][] = [];
    const client = { send: async (command: { input: { TransactItems: Sent[] } }) => { sent.push(command.input.TransactItems); return {}; } };
    const store = new MemoryStore();
    const deps: RecordDeps = { store, clock: () => new Date('2026-12-01T08:00:00.000Z'), newId: () => '01J0ABCDEFGHJKMNPQRSTVWXYZ' };
    await createRecord(contactEntity, rep, { firstName: '伟', lastName: '王', email: 'wang.wei@example.cn', notes: 'x'.repeat(2000) }, deps);
    await new DynamoRecordStore(client as never, 'table').commit(store.commits[0]!);
    const tokens = sent[0]!.flatMap((t) => (t.Put?.Item.entityType === 'search' ? [t.Put.Item] : []));
    expect(tokens.map((t) => t.token).sort()).toEqual(['example.cn', 'wang.wei@example.cn', 'wei@example.cn', '王', '王伟', '伟'].sort());
    for (const t of tokens) {
      expect(Object.keys(t).sort()).toEqual(['entityType', 'id', 'name', 'ownerId', 'pk', 'sk', 'subtitle', 'token']);
      expect(t).toMatchObject({ name: '王伟', subtitle: 'wang.wei@example.cn', ownerId: 'rep-1' });
    }
    const cost = await contactUpdates();
    // Token bytes, not the whole transaction: since the list-index items (sortable, filterable fields) a
    // rename also rewrites the name's index item, a cost that buys sort and `where` on lists.
    expect(cost.rename.tokenBytes).toBeLessThan(7_190);
    expect(cost.rename.tokenBytes / cost.rename.tokenItems).toBeLessThan(300);
  });
});
