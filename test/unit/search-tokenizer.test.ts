import { describe, expect, it } from 'vitest';
import { accountEntity } from '../../functions/accounts/entity.ts';
import type { Principal } from '../../functions/commons/auth.ts';
import { toProblem } from '../../functions/commons/problem.ts';
import { contactEntity } from '../../functions/contacts/entity.ts';
import { leadEntity } from '../../functions/leads/entity.ts';
import { systemActor } from '../../functions/policy/policy.ts';
import type { EntityDefinition } from '../../functions/records/entity.ts';
import { MAX_TOKENS_PER_FIELD, MAX_TOKENS_PER_RECORD, searchPrefix, searchTokens } from '../../functions/records/service.ts';
import { searchEntry, type SearchEntry } from '../../functions/records/search/entry.ts';
import { rank, search, type SearchSource } from '../../functions/records/search/search.ts';
import { planMatches, searchPlan } from '../../functions/records/search/tokenizer.ts';

/**
 * Search that finds Chinese words (issue 7). `finds` is what the store does with a query: begins_with on the
 * token sort key `<token>#<id>`, then, for a Chinese query of three characters or more, `contains` on the
 * result's name or subtitle (functions/records/dynamo-store.ts searchPage and searchEntries).
 */
function finds(def: EntityDefinition, record: Record<string, unknown>, q: string): boolean {
  const withName = { id: 'R1', ownerId: 'u1', ...record, name: def.displayName(record) };
  const plan = searchPlan(searchPrefix(q));
  return plan.prefix !== '' && searchTokens(def, withName).some((t) => `${t}#R1`.startsWith(plan.prefix)) && planMatches(plan, searchEntry(def.type, withName));
}

const contact = (lastName: string, firstName: string, extra: Record<string, unknown> = {}) => ({ lastName, firstName, ...extra });

describe('Chinese names are found by the words inside them', () => {
  it('示例 finds 上海示例科技, and so do its other words, pairs and its start', () => {
    const acme = { name: '上海示例科技' };
    for (const q of ['示例', '上海', '科技', '上海示例科技', '上海示', '示例科技', '例科', '示']) expect(finds(accountEntity, acme, q), q).toBe(true);
    for (const q of ['示范', '北京', '科学', '示例公司']) expect(finds(accountEntity, acme, q), q).toBe(false);
  });

  it('伟 finds 王伟, 王伟 finds 王伟, and a character not in the name does not', () => {
    const wang = contact('王', '伟');
    expect(contactEntity.displayName(wang)).toBe('王伟');
    expect(finds(contactEntity, wang, '伟')).toBe(true);
    expect(finds(contactEntity, wang, '王')).toBe(true);
    expect(finds(contactEntity, wang, '王伟')).toBe(true);
    expect(finds(contactEntity, wang, '李')).toBe(false);
    expect(finds(contactEntity, wang, '伟王')).toBe(false);
    // A three-character name by any of its characters and pairs.
    for (const q of ['欧阳', '阳晓', '晓明', '明', '欧阳晓明', '阳晓明']) expect(finds(contactEntity, contact('欧阳', '晓明'), q), q).toBe(true);
  });

  it('a company name of 12 Han characters stays within the caps and keeps its whole name and its words first', () => {
    const name = '北京华为技术有限公司深圳';
    expect(name).toHaveLength(12);
    const tokens = searchTokens(accountEntity, { name, domain: 'huawei.example.cn', email: 'info@huawei.example.cn', phone: '+8675528780808' });
    expect(tokens.length).toBeLessThanOrEqual(MAX_TOKENS_PER_RECORD);
    const fromName = tokens.filter((t) => /\p{Script=Han}/u.test(t));
    expect(fromName.length).toBeLessThanOrEqual(MAX_TOKENS_PER_FIELD);
    expect(fromName.slice(0, 2)).toEqual([name, '北京']);
    expect(fromName).toEqual(expect.arrayContaining(['技术', '有限公司', '深圳']));
    for (const q of ['华为', '技术', '有限', '深圳', '华为技术', '北京华为技术有限公司深圳']) expect(finds(accountEntity, { name }, q), q).toBe(true);
    // The phone tokens survive the name's: the last four digits still find the account.
    expect(finds(accountEntity, { name, phone: '+8675528780808' }, '0808')).toBe(true);
  });

  it('a lead is found by a word of its Chinese company, and a long query only where the company holds all of it', () => {
    const lead = { firstName: '娜', lastName: '李', company: '上海示例科技有限公司' };
    expect(finds(leadEntity, lead, '示例')).toBe(true);
    expect(finds(leadEntity, lead, '示例科技')).toBe(true);
    expect(finds(leadEntity, lead, '示例银行')).toBe(false);
    expect(searchEntry('lead', { ...lead, id: 'L1', name: '李娜', status: 'new', ownerId: 'u1' })).toEqual({ id: 'L1', name: '李娜', subtitle: '上海示例科技有限公司', ownerId: 'u1', status: 'new' });
  });

  it('mixed Chinese and Latin names by either part', () => {
    const mixed = { name: 'Alice 王小明' };
    for (const q of ['alice', 'ALICE 王', '王小明', '小明', '明']) expect(finds(accountEntity, mixed, q), q).toBe(true);
    expect(finds(accountEntity, mixed, 'bob')).toBe(false);
    expect(finds(accountEntity, { name: 'ACME 上海示例' }, '示例')).toBe(true);
  });
});

describe('phones and emails', () => {
  it('a phone is found by its last four or more digits, and by its start as before', () => {
    const c = contact('王', '伟', { phone: '+8613800138000', mobile: '+8613911112222' });
    for (const q of ['8000', '38000', '0013 8000', '138000', '2222', '1111 2222', '+86 138', '138 0013', '13911112222']) expect(finds(contactEntity, c, q), q).toBe(true);
    for (const q of ['7777', '1234', '9999']) expect(finds(contactEntity, c, q), q).toBe(false);
  });

  it('emails are still found by the address, its domain and the parts of its local name', () => {
    const c = contact('张', '伟', { email: 'Wei.Zhang@huawei.example.cn' });
    for (const q of ['wei.zhang@', 'Wei.Zhang@Huawei.example.cn', 'zhang', 'huawei', 'huawei.example']) expect(finds(contactEntity, c, q), q).toBe(true);
    expect(finds(contactEntity, c, 'example')).toBe(false);
  });

  it('Latin names as before: the whole name and each word, by prefix, case-insensitively', () => {
    expect(searchTokens(accountEntity, { name: 'Acme Robotics' })).toEqual(['acme robotics', 'acme', 'robotics']);
    for (const q of ['acme', 'Robo', 'acme rob']) expect(finds(accountEntity, { name: 'Acme Robotics' }, q), q).toBe(true);
  });
});

describe('search plans', () => {
  it('a Chinese query of one or two characters matches token prefixes; a longer one a pair, then contains', () => {
    expect(searchPlan('伟')).toEqual({ prefix: '伟' });
    expect(searchPlan(' 王伟 ')).toEqual({ prefix: '王伟' });
    expect(searchPlan('示例科技')).toEqual({ prefix: '示例', contains: '示例科技' });
    expect(searchPlan('+86 138-0013')).toEqual({ prefix: '861380013' });
    expect(searchPlan('Ann LEE')).toEqual({ prefix: 'ann lee' });
  });
});

describe('GET /api/search ranks and asks the policy', () => {
  const rep: Principal = { tenantId: 'demo', userId: 'rep-1', email: 'rep-1@demo.local', name: 'rep-1', role: 'rep', groups: ['rep'] };
  const entries: Record<string, SearchEntry[]> = {
    account: [{ id: 'A1', name: '上海示例科技', subtitle: 'example.cn', ownerId: 'rep-2' }, { id: 'A2', name: '示例集团', ownerId: 'rep-1' }],
    contact: [{ id: 'C1', name: '王示例', subtitle: '上海示例科技', ownerId: 'rep-1' }],
    lead: [],
    // Reps read only their own opportunities (record visibility defaults): O2 is rep-2's and never listed.
    opportunity: [{ id: 'O1', name: '示例 renewal', ownerId: 'rep-1' }, { id: 'O2', name: '示例 upsell', ownerId: 'rep-2' }],
  };
  const asked: string[] = [];
  const source: SearchSource = {
    async searchEntries(tenantId, type, q) {
      asked.push(`${tenantId}/${type}/${q}`);
      return entries[type] ?? [];
    },
  };

  it('one lookup per object in the caller’s tenant; exact name prefix before inner matches', async () => {
    const { items } = await search(rep, { q: '示例' }, source);
    expect(asked.sort()).toEqual(['demo/account/示例', 'demo/contact/示例', 'demo/lead/示例', 'demo/opportunity/示例']);
    expect(items.slice(0, 2).map((i) => i.id).sort()).toEqual(['A2', 'O1']);
    expect(items.slice(2).map((i) => i.id).sort()).toEqual(['A1', 'C1']);
    expect(items.map((i) => i.id)).not.toContain('O2');
    expect(items.find((i) => i.id === 'C1')).toEqual({ object: 'contacts', id: 'C1', name: '王示例', subtitle: '上海示例科技' });
    expect(rank('示例', '示例集团')).toBe(0);
    expect(rank('robo', 'Acme Robotics')).toBe(1);
    expect(rank('示例', '上海示例科技')).toBe(2);
  });

  it('at most 20 results, and nothing for an actor the policy does not let read records', async () => {
    const many: SearchSource = { searchEntries: async (_t, type) => Array.from({ length: 20 }, (_, i) => ({ id: `${type}${i}`, name: `伟${i}`, ownerId: 'x' })) };
    expect((await search(rep, { q: '伟' }, many)).items).toHaveLength(20);
    expect((await search(systemActor('demo', 'stream', 'Stream'), { q: '伟' }, many)).items).toEqual([]);
  });

  it('refuses an empty query with a 400 naming q', async () => {
    const error = await search(rep, { q: '  ' }, source).catch((e: unknown) => e);
    expect(toProblem(error)?.toBody()).toMatchObject({ status: 400, errors: [{ path: 'q' }] });
  });
});
