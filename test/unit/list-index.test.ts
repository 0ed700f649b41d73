import { describe, expect, it } from 'vitest';
import { compareBytes, listPlan } from '../../functions/records/dynamo-store.ts';
import { clauseRange, encodeNumber, indexEntries, indexChange, indexSk, matchesClause } from '../../functions/records/list-index.ts';
import { listFields, parseSort, parseWhere, whereParams } from '../../functions/records/list-query.ts';
import type { ListSpec, WhereClause } from '../../functions/records/store.ts';
import type { CustomFieldSet } from '../../functions/metadata/custom-fields.ts';
import type { Actor } from '../../functions/policy/policy.ts';

/** Filtered and sorted lists: order-preserving encodings, key ranges that agree with the record checks, where parsing, plans. */

function random(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}
const r = random(7);
const numbers = (n: number) => Array.from({ length: n }, () => {
  switch (r.int(0, 5)) {
    case 0: return r.int(-1000, 1000);
    case 1: return (r.next() - 0.5) * 1e-6;
    case 2: return (r.next() - 0.5) * 1e15;
    case 3: return r.pick([0, -0, 1, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e300, -1e300, 5e-324, -5e-324]);
    default: return (r.next() - 0.5) * 2000;
  }
});
const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);

describe('order-preserving encodings', () => {
  it('numbers: the encodings sort as the numbers do, negatives and fractions too (property)', () => {
    const xs = numbers(2000);
    for (let i = 0; i < xs.length - 1; i++) {
      const [a, b] = [xs[i]!, xs[i + 1]!];
      expect(sign(compareBytes(encodeNumber(a), encodeNumber(b))), `${a} vs ${b}`).toBe(sign(a === b ? 0 : a - b));
    }
    expect(encodeNumber(0)).toBe(encodeNumber(-0));
    expect(new Set(xs.map(encodeNumber).map((e) => e.length))).toEqual(new Set([16]));
  });

  it('index sort keys sort by value, then name, then id: numbers, money, dates, datetimes in any offset, text', () => {
    const types = [
      { type: 'number', make: () => r.pick(numbers(1)) },
      { type: 'money', make: () => ({ amount: r.int(-5000, 5000), currency: 'CNY' }) },
      { type: 'date', make: () => `2026-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}` },
      { type: 'datetime', make: () => `2026-03-0${r.int(1, 3)}T${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00${r.pick(['Z', '+08:00', '-05:00', '+05:30'])}` },
      { type: 'picklist', make: () => r.pick(['gold', 'silver', 'bronze', 'a', 'ab', 'abc']) },
    ];
    const key = (type: string, v: any): number | string => (type === 'money' ? v.amount : type === 'datetime' ? Date.parse(v) : type === 'number' ? v : v);
    for (const { type, make } of types) {
      const records = Array.from({ length: 300 }, (_, i) => ({ id: `id${String(i).padStart(4, '0')}`, name: r.pick(['Ada', 'Bo', 'Bo Li', '王伟', 'Zed']), v: make() }));
      const bySk = [...records].sort((a, b) => compareBytes(indexSk({ apiName: 'v', type }, a)!, indexSk({ apiName: 'v', type }, b)!));
      const expected = [...records].sort((a, b) => {
        const [x, y] = [key(type, a.v), key(type, b.v)];
        if (x !== y) return x < y ? -1 : 1;
        const [n, m] = [a.name.toLowerCase(), b.name.toLowerCase()];
        if (n !== m) return compareBytes(`${n}#`, `${m}#`);
        return a.id < b.id ? -1 : 1;
      });
      expect(bySk.map((x) => x.id), type).toEqual(expected.map((x) => x.id));
    }
  });

  it('the key range a clause selects holds exactly the records the clause accepts (property)', () => {
    const ops = ['eq', 'in', 'gt', 'gte', 'lt', 'lte'] as const;
    for (const type of ['number', 'date', 'picklist'] as const) {
      const make = () => (type === 'number' ? r.int(-20, 20) : type === 'date' ? `2026-01-${String(r.int(1, 20)).padStart(2, '0')}` : r.pick(['a', 'ab', 'abc', 'b', 'ba']));
      const records = Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, name: `n${i % 7}`, v: make() }));
      for (let k = 0; k < 60; k++) {
        const op = r.pick(ops);
        const clause: WhereClause = { field: 'v', op, value: op === 'in' ? [String(make()), String(make())] : make() };
        const range = clauseRange(clause, type)!;
        const inRange = (sk: string) => (range.prefixes
          ? range.prefixes.some((p) => sk.startsWith(p))
          : (range.lo === undefined || compareBytes(sk, range.lo) >= 0) && (range.hi === undefined || compareBytes(sk, range.hi) <= 0));
        const byKey = records.filter((x) => inRange(indexSk({ apiName: 'v', type }, x)!)).map((x) => x.id);
        const byCheck = records.filter((x) => matchesClause(x, clause, type)).map((x) => x.id);
        expect(byKey, `${type} ${op} ${JSON.stringify(clause.value)}`).toEqual(byCheck);
      }
    }
    const text = clauseRange({ field: 'v', op: 'startsWith', value: 'Ab' }, 'text')!;
    expect(text.prefixes).toEqual(['ab']);
  });

  it('a change writes only the entries whose value or name moved; a deleted record has none', () => {
    const fields = [{ apiName: 'c_points', type: 'number' }, { apiName: 'stage', type: 'picklist' }];
    const before = { id: 'R1', name: 'Ada', c_points: 3, stage: 'won' };
    expect(indexEntries(fields, before)).toHaveLength(2);
    const moved = indexChange(fields, before, { ...before, c_points: 4 });
    expect([moved.indexPut.map((e) => e.field), moved.indexRemoved.map((e) => e.field)]).toEqual([['c_points'], ['c_points']]);
    expect(indexChange(fields, before, { ...before, title: 'CFO' })).toEqual({ indexPut: [], indexRemoved: [] });
    expect(indexChange(fields, before, { ...before, name: 'Ada L' }).indexPut).toHaveLength(2);
    expect(indexChange(fields, before, { ...before, deletedAt: '2026-01-01T00:00:00Z' }).indexRemoved).toHaveLength(2);
  });
});

const rep: Actor = { kind: 'user', tenantId: 'demo', userId: 'u-rep', role: 'rep', name: 'Rep', email: 'rep@x' } as unknown as Actor;
const custom = {
  version: 1, create: {} as never, update: {} as never,
  fields: [
    { object: 'contacts', apiName: 'c_tier', type: 'picklist', options: [{ value: 'gold', label: { en: 'g', 'zh-CN': 'g' } }], active: true, createdAt: '2026-01-01T00:00:00Z' },
    { object: 'contacts', apiName: 'c_when', type: 'datetime', active: true, createdAt: '2026-01-02T00:00:00Z' },
    { object: 'contacts', apiName: 'c_note', type: 'text', active: true, createdAt: '2026-01-03T00:00:00Z' },
    { object: 'contacts', apiName: 'c_old', type: 'number', active: false, createdAt: '2026-01-04T00:00:00Z' },
  ],
} as unknown as CustomFieldSet;

describe('where and sort parameters', () => {
  const fields = listFields('contact', rep, custom);

  it('parses values by the field type: datetimes to UTC, picklist options, in lists', () => {
    const { clauses } = whereParams({ 'where[c_when][gte]': '2026-03-01T08:00:00+08:00', 'where[c_tier][in]': 'gold', 'where[email][isEmpty]': 'false', limit: '5' });
    const { where, errors } = parseWhere(clauses, fields);
    expect(errors).toEqual([]);
    expect(where).toEqual([
      { field: 'c_when', op: 'gte', value: '2026-03-01T00:00:00.000Z' },
      { field: 'c_tier', op: 'in', value: ['gold'] },
      { field: 'email', op: 'isEmpty', value: false },
    ]);
  });

  it('names every bad clause: unknown, unreadable, deactivated, unsupported op, bad value', () => {
    const { clauses, errors: syntax } = whereParams({ 'where[x]': '1', 'where[nope][eq]': '1', 'where[nationalId][eq]': '1', 'where[c_old][eq]': '1', 'where[c_note][gt]': 'a', 'where[c_tier][eq]': 'tin', 'where[c_when][lt]': 'soon' });
    const { errors } = parseWhere(clauses, fields);
    expect([...syntax, ...errors].map((e) => `${e.path}:${e.code}`).sort()).toEqual([
      'where[x]:invalid_filter', 'where[c_note][gt]:unsupported_operator', 'where[c_old][eq]:unknown_field',
      'where[c_tier][eq]:invalid_value', 'where[c_when][lt]:invalid_value', 'where[nationalId][eq]:field_not_readable', 'where[nope][eq]:unknown_field',
    ].sort());
  });

  it('sorts on name, createdAt and indexed fields only; a second key only the name in the same direction', () => {
    expect(parseSort(['-c_tier', '-name'], fields, 'sort')).toEqual({ order: { field: 'c_tier', desc: true }, errors: [] });
    expect(parseSort(['c_note'], fields, 'sort').errors.map((e) => e.code)).toEqual(['not_sortable']);
    expect(parseSort(['c_tier', '-name'], fields, 'sort').errors.map((e) => e.path)).toEqual(['sort']);
  });
});

describe('list plans', () => {
  const base: ListSpec = { limit: 20, sort: 'name', deleted: false, indexed: ['c_tier', 'email'], fieldTypes: { c_tier: 'picklist' } };

  it('an eq/in clause on an indexed field reads its index partitions merged by name, nothing else', () => {
    const plan = listPlan('demo', 'contact', { ...base, where: [{ field: 'c_tier', op: 'in', value: ['silver', 'gold'] }] });
    expect(plan.exact).toBe(true);
    expect(plan.phases).toHaveLength(1);
    expect(plan.phases[0]!.streams.map((s) => [s.index, s.pk, s.prefix])).toEqual([
      ['table', 'T#demo#contact#ix#c_tier', 'gold\u0001'], ['table', 'T#demo#contact#ix#c_tier', 'silver\u0001'],
    ]);
  });

  it('ownerId in reads one GSI3 partition per owner (record visibility relies on it)', () => {
    const plan = listPlan('demo', 'lead', { ...base, where: [{ field: 'ownerId', op: 'in', value: ['u1', 'u2', 'u1'] }] });
    expect(plan.phases[0]!.streams.map((s) => [s.index, s.pk])).toEqual([['GSI3', 'T#demo#lead#owner#u1'], ['GSI3', 'T#demo#lead#owner#u2']]);
  });

  it('a sort on an indexed field reads its partition, then the records without a value unless a clause needs one', () => {
    const open = listPlan('demo', 'contact', { ...base, orderBy: { field: 'c_tier', desc: true } });
    expect(open.phases.map((p) => [p.streams[0]!.index, p.desc, p.extra?.[0]?.op ?? null])).toEqual([['table', true, null], ['GSI1', false, 'isEmpty']]);
    const ranged = listPlan('demo', 'contact', { ...base, orderBy: { field: 'c_tier', desc: false }, where: [{ field: 'c_tier', op: 'gte', value: 'b' }] });
    expect(ranged.phases.map((p) => [p.streams[0]!.lo, p.streams[0]!.hi])).toEqual([['b', undefined]]);
    expect(ranged.exact).toBe(true);
  });
});
