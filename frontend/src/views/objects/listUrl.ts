import type { LocationQuery, LocationQueryRaw } from 'vue-router';

/**
 * The object list's state in the address (issue 7): `?view=<saved view id>&q=<search>&sort=-amount,name`,
 * so a reload or a shared link shows the same list and back/forward step through views and sorts.
 * `sort` is in the address only when it differs from the view's own sort (`sort=` = no sort at all).
 * An address with none of them means "the view I used last" (remembered on the server).
 */
export interface ListAddress {
  /** undefined: the address does not say. */
  readonly view?: string;
  readonly q?: string;
  readonly sort?: string[];
}

const one = (v: LocationQuery[string] | undefined): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  return s === null || s === undefined ? undefined : String(s);
};

export function readListAddress(query: LocationQuery): ListAddress {
  const view = one(query.view);
  const q = one(query.q);
  const sort = one(query.sort);
  return {
    ...(view ? { view } : {}),
    ...(q?.trim() ? { q } : {}),
    ...(sort !== undefined ? { sort: sort.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
  };
}

/** True when the address names any part of the list (so the remembered view is not wanted). */
export const saysAnything = (a: ListAddress) => a.view !== undefined || a.q !== undefined || a.sort !== undefined;

export interface ListState {
  readonly viewId: string | null;
  readonly q: string;
  readonly sort: readonly string[];
  /** The sort the current view (or no view) brings by itself. */
  readonly viewSort: readonly string[];
}

/** The address query for a state; other parameters in `keep` stay as they are. */
export function listQuery(s: ListState, keep: LocationQuery = {}): LocationQueryRaw {
  const out: LocationQueryRaw = { ...keep };
  delete out.view;
  delete out.q;
  delete out.sort;
  if (s.viewId) out.view = s.viewId;
  if (s.q.trim()) out.q = s.q;
  if (s.sort.join(',') !== s.viewSort.join(',')) out.sort = s.sort.join(',');
  return out;
}

/** The same query, whatever the order of its keys (compares what the router gives with what we would write). */
export function sameQuery(a: LocationQuery | LocationQueryRaw, b: LocationQuery | LocationQueryRaw): boolean {
  const norm = (x: LocationQuery | LocationQueryRaw) =>
    JSON.stringify(Object.keys(x).sort().filter((k) => x[k] !== undefined).map((k) => [k, Array.isArray(x[k]) ? x[k] : String(x[k] ?? '')]));
  return norm(a) === norm(b);
}
