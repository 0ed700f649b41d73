import { computed, ref, watch, type Ref } from 'vue';

/**
 * The records ticked in the object list (issue 7, bulk actions), by id: only those still in the list count
 * (`rows`), so a reload drops what left it. `used` turns true with the first tick and stays (the bulk bar
 * is fetched then, and its summary outlives the selection).
 */
export function useSelection<T extends { id: string }>(items: Ref<T[]>) {
  const ids = ref<string[]>([]);
  const rows = computed(() => items.value.filter((r) => ids.value.includes(r.id)));
  const all = computed(() => items.value.length > 0 && rows.value.length === items.value.length);
  const some = computed(() => rows.value.length > 0 && !all.value);
  const used = ref(false);
  watch(ids, (v) => {
    if (v.length) used.value = true;
  });
  const has = (id: string) => ids.value.includes(id);
  function toggle(id: string, on = !has(id)) {
    ids.value = on ? [...new Set([...ids.value, id])] : ids.value.filter((x) => x !== id);
  }
  function toggleAll(on: boolean) {
    ids.value = on ? items.value.map((r) => r.id) : [];
  }
  /** Keep only these (after a bulk run: what was not done), as far as they are still listed. */
  function keep(only: Iterable<string>) {
    const wanted = new Set(only);
    ids.value = items.value.filter((r) => wanted.has(r.id)).map((r) => r.id);
  }
  return { ids, rows, all, some, used, has, toggle, toggleAll, keep };
}
