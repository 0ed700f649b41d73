import type { Directive } from 'vue';

/**
 * `v-menu-keyboard` on an `el-menu`: Element Plus makes vertical menu items `tabindex="-1"` (only its
 * horizontal menu has arrow-key navigation), so the sidebar could not be reached with Tab. Every item and
 * submenu title becomes a tab stop, and Enter or Space on one acts as a click.
 */
const SELECTOR = '.el-menu-item, .el-sub-menu__title';
const observers = new WeakMap<HTMLElement, MutationObserver>();

function mark(root: HTMLElement) {
  root.querySelectorAll<HTMLElement>(SELECTOR).forEach((el) => {
    if (el.tabIndex !== 0) el.tabIndex = 0;
  });
}

function onKeydown(e: KeyboardEvent) {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const el = e.target instanceof HTMLElement ? e.target : null;
  if (!el?.matches(SELECTOR)) return;
  e.preventDefault();
  el.click();
}

export const vMenuKeyboard: Directive<HTMLElement> = {
  mounted(root) {
    mark(root);
    root.addEventListener('keydown', onKeydown);
    const o = new MutationObserver(() => mark(root));
    o.observe(root, { childList: true, subtree: true });
    observers.set(root, o);
  },
  beforeUnmount(root) {
    root.removeEventListener('keydown', onKeydown);
    observers.get(root)?.disconnect();
    observers.delete(root);
  },
};
