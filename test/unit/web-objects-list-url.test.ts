import { describe, expect, it } from 'vitest';
import { listQuery, readListAddress, sameQuery, saysAnything } from '../../frontend/src/views/objects/listUrl.ts';

/** The object list's address (issue 7): view, search and sort survive a reload and a shared link. */
describe('the object list address', () => {
  it('writes the view, the search and a sort that differs from the view, and keeps other parameters', () => {
    expect(listQuery({ viewId: 'v1', q: 'zhang', sort: ['-amount', 'name'], viewSort: [] }, { tab: 'x' })).toEqual({ tab: 'x', view: 'v1', q: 'zhang', sort: '-amount,name' });
    // The view's own sort needs no mention; clearing it does (`sort=` = no sort).
    expect(listQuery({ viewId: 'v1', q: '', sort: ['-amount'], viewSort: ['-amount'] })).toEqual({ view: 'v1' });
    expect(listQuery({ viewId: 'v1', q: '  ', sort: [], viewSort: ['-amount'] })).toEqual({ view: 'v1', sort: '' });
    expect(listQuery({ viewId: null, q: '', sort: [], viewSort: [] }, { view: 'old', q: 'old', sort: 'name' })).toEqual({});
  });

  it('reads back what it wrote', () => {
    const states = [
      { viewId: 'v1', q: 'zhang', sort: ['-amount', 'name'], viewSort: [] },
      { viewId: 'v2', q: '', sort: [], viewSort: ['name'] },
    ];
    for (const s of states) {
      const a = readListAddress(listQuery(s) as Record<string, string>);
      expect(a.view ?? null).toBe(s.viewId);
      expect(a.q ?? '').toBe(s.q);
      expect(a.sort ?? s.viewSort).toEqual(s.sort);
    }
  });

  it('an address naming nothing means the remembered view; blanks and repeats are read sensibly', () => {
    expect(saysAnything(readListAddress({}))).toBe(false);
    expect(saysAnything(readListAddress({ q: '  ', view: '' }))).toBe(false);
    expect(readListAddress({ q: 'a' })).toEqual({ q: 'a' });
    expect(readListAddress({ view: ['v1', 'v2'], sort: ' -amount , ' })).toEqual({ view: 'v1', sort: ['-amount'] });
    expect(saysAnything(readListAddress({ sort: '' }))).toBe(true);
  });

  it('compares queries whatever the order of their keys', () => {
    expect(sameQuery({ view: 'v', q: 'a' }, { q: 'a', view: 'v' })).toBe(true);
    expect(sameQuery({ view: 'v' }, { view: 'v', sort: '' })).toBe(false);
    expect(sameQuery({ view: 'v', q: undefined }, { view: 'v' })).toBe(true);
  });
});
