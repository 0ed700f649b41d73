import { describe, expect, it } from 'vitest';
import { accountEntity } from '../../functions/accounts/entity.ts';
import type { Principal } from '../../functions/commons/auth.ts';
import { contactEntity } from '../../functions/contacts/entity.ts';
import { opportunityEntity } from '../../functions/opportunities/entity.ts';
import {
  MAX_PARENT_TOKENS_PER_RECORD, MAX_TOKENS_PER_RECORD, createRecord, searchTokens, updateRecord, type RecordDeps,
} from '../../functions/records/service.ts';
import { MemoryStore } from '../support/memory-store.ts';

/**
 * A contact carries its account name's tokens (the "示例" case): the whole name and its first words, within
 * MAX_PARENT_TOKENS_PER_RECORD of their own, so a contact whose name, email and phones fill its own
 * MAX_TOKENS_PER_RECORD still has them, and the write cost stays bounded: at most that many more token items
 * on a create or a rename, none on a change of any other field, nothing on the account's contacts when the
 * account changes (the integration side is test/integration/search-company.test.ts).
 */
const rep: Principal = { tenantId: 'demo', userId: 'rep-1', email: 'rep-1@demo.local', name: 'rep-1', role: 'rep', groups: ['rep'] };
const full = { firstName: '小伟明', lastName: '欧阳', email: 'ouyang.xiao.wei@shanghai-example.cn', phone: '+8613800138000', mobile: '+8613911112222', name: '欧阳小伟明' };

function setup() {
  const store = new MemoryStore();
  let seq = 0;
  const deps: RecordDeps = { store, clock: () => new Date('2026-12-01T08:00:00.000Z'), newId: () => `01J0ABCDEFGHJKMNPQRS${String(++seq).padStart(6, '0')}` };
  return { store, deps };
}

describe('a contact\'s tokens of its company', () => {
  it('come after its own full 24, four at most: the whole name and its words', () => {
    const own = searchTokens(contactEntity, full);
    expect(own).toHaveLength(MAX_TOKENS_PER_RECORD);
    const at = searchTokens(contactEntity, { ...full, accountName: '上海示例科技有限公司' });
    expect(at).toHaveLength(MAX_TOKENS_PER_RECORD + MAX_PARENT_TOKENS_PER_RECORD);
    expect(at.slice(0, MAX_TOKENS_PER_RECORD)).toEqual(own);
    expect(at.slice(MAX_TOKENS_PER_RECORD)).toEqual(['上海示例科技有限公司', '上海', '示例', '科技']);
    expect(searchTokens(contactEntity, { lastName: 'Smith', name: 'Anna Smith', accountName: 'Northwind Trading Co' }))
      .toEqual(['anna smith', 'anna', 'smith', 'northwind trading co', 'northwind', 'trading', 'co']);
    // A word the contact has already is not written twice.
    expect(searchTokens(contactEntity, { name: 'Smith', lastName: 'Smith', accountName: 'Smith' })).toEqual(['smith']);
    // Only entities that ask for it: an opportunity is not found by its account's name.
    expect(searchTokens(opportunityEntity, { name: 'ERP', accountName: '上海示例科技' })).toEqual(['erp']);
  });

  it('cost at most four more token items on a create, none on a change of another field; moving account swaps them', async () => {
    const { store, deps } = setup();
    const a = await createRecord(accountEntity, rep, { name: '上海示例科技' }, deps);
    const b = await createRecord(accountEntity, rep, { name: 'Northwind' }, deps);
    await createRecord(contactEntity, rep, { firstName: '伟', lastName: '王', email: 'wang.wei@example.cn' }, deps);
    const at = await createRecord(contactEntity, rep, { firstName: '伟', lastName: '李', email: 'li.wei@example.cn', accountId: a.id }, deps);
    const [, , createAlone, createAt] = store.commits;
    expect(createAt!.tokensPut.length - createAlone!.tokensPut.length).toBe(4);
    expect(createAt!.tokensPut).toContain('示例');
    expect(createAlone!.tokensPut).not.toContain('示例');

    await updateRecord(contactEntity, rep, at.id, { title: '采购经理' }, undefined, deps);
    expect(store.commits.at(-1)!.tokensPut).toEqual([]);
    expect(store.commits.at(-1)!.tokensRemoved).toEqual([]);

    await updateRecord(contactEntity, rep, at.id, { accountId: b.id }, undefined, deps);
    const moved = store.commits.at(-1)!;
    expect(moved.tokensRemoved.sort()).toEqual(['上海', '上海示例科技', '示例', '科技'].sort());
    expect(moved.tokensPut).toContain('northwind');

    // The account's own change writes nothing on its contacts (their accountName and tokens stay as linked).
    const before = store.commits.length;
    await updateRecord(accountEntity, rep, b.id, { name: 'Northwind Traders' }, undefined, deps);
    expect(store.commits.length).toBe(before + 1);
    expect(store.commits.at(-1)!.type).toBe('account');
  });
});
