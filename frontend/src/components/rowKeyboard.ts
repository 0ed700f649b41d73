import { nextTick, watch, type Ref, type WatchSource } from 'vue';

/**
 * Keyboard for an Element Plus table: every body row becomes a tab stop and Enter (or Space) on a focused
 * row opens it, as a click does. Element Plus renders the rows, so their tabindex is set after each render
 * of `items`. Put the returned `onKeydown` on an element around the table.
 */
export function useRowKeyboard<T>(container: Ref<HTMLElement | undefined>, items: () => readonly T[], source: WatchSource, open: (row: T) => void) {
  function mark() {
    void nextTick(() => {
      container.value?.querySelectorAll<HTMLElement>('.el-table__body tr.el-table__row').forEach((tr, i) => {
        tr.tabIndex = 0;
        tr.setAttribute('data-row-index', String(i));
      });
    });
  }
  watch([source, container], mark, { flush: 'post', deep: false });

  function onKeydown(e: KeyboardEvent) {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const tr = e.target instanceof HTMLElement ? e.target : null;
    if (!tr || !tr.matches('tr.el-table__row')) return;
    const row = items()[Number(tr.getAttribute('data-row-index'))];
    if (row === undefined) return;
    e.preventDefault();
    open(row);
  }
  return { onKeydown };
}
