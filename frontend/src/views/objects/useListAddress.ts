import { watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { SavedView } from '@/adapter/objects';
import { listQuery, readListAddress, sameQuery, saysAnything } from './listUrl';

/**
 * The object list's view, search and sort in the address (issue 7; the query's shape is listUrl.ts): `start`
 * shows what the address says once the saved views are in (a reload, a shared link), `sync` writes the list's
 * state back (`push` for a view or a sort, `replace` for typing), and back/forward show the list the address
 * names again (`onChange`, to load it).
 */
export function useListAddress(list: {
  views: Ref<SavedView[]>;
  current: Ref<SavedView | null>;
  q: Ref<string>;
  sort: Ref<string[]>;
  applyView: (v: SavedView | null) => void;
  onChange: () => void;
}) {
  const route = useRoute();
  const router = useRouter();
  /** This list's own path: while the router leaves it (a record opened), the address is no longer ours. */
  const listPath = route.path;
  let started = false;
  /** The view the server remembers as last used: what an address naming nothing shows. */
  let lastViewId: string | null = null;
  /** q was just set from the address: the page's q watcher must not load (and write the address) again. */
  let qFromAddress = false;

  const query = () =>
    listQuery({ viewId: list.current.value?.id ?? null, q: list.q.value, sort: list.sort.value, viewSort: list.current.value?.sort ?? [] }, route.query);

  function sync(mode: 'push' | 'replace') {
    if (!started || route.path !== listPath) return;
    const next = query();
    if (!sameQuery(next, route.query)) void router[mode]({ path: listPath, query: next });
  }

  /** Shows what the address says; true when anything changed. */
  function apply(first: boolean): boolean {
    const a = readListAddress(route.query);
    const id = a.view ?? (saysAnything(a) ? null : lastViewId);
    const v = list.views.value.find((x) => x.id === id) ?? null;
    let changed = false;
    if (first || (v?.id ?? null) !== (list.current.value?.id ?? null)) {
      list.applyView(v);
      changed = true;
    }
    // What someone typed into the search while the saved views were still loading stays (the first time).
    const q = a.q ?? (first ? list.q.value : '');
    if (q !== list.q.value) {
      qFromAddress = true;
      list.q.value = q;
      changed = true;
    }
    const sort = a.sort ?? [...(v?.sort ?? [])];
    if (sort.join(',') !== list.sort.value.join(',')) {
      list.sort.value = sort;
      changed = true;
    }
    return changed;
  }

  function start(remembered: string | null) {
    lastViewId = remembered;
    apply(true);
    started = true;
    sync('replace');
  }

  watch(() => route.query, () => {
    if (!started || route.path !== listPath || sameQuery(query(), route.query)) return;
    if (apply(false)) list.onChange();
    sync('replace');
  });

  return {
    start,
    sync,
    /** The person chose (or created) this view: an address naming nothing now means it. */
    remember: (id: string | null) => (lastViewId = id),
    /** For the page's q watcher: was this change of q the address's? (asking clears it). */
    takeQFromAddress: () => {
      const was = qFromAddress;
      qFromAddress = false;
      return was;
    },
  };
}
