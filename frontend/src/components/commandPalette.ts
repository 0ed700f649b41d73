import { ref } from 'vue';

/**
 * The command palette's open state and its shortcut (Ctrl+K, and Cmd+K on a Mac). Kept apart from
 * CommandPalette.vue so the layout listens for the key without loading the palette: its code (search,
 * grouping, the dialog) is fetched the first time it opens.
 */
export const paletteOpen = ref(false);
/** Becomes true on the first open and stays so: the layout mounts the palette from then on. */
export const paletteWanted = ref(false);

export function openPalette(): void {
  paletteWanted.value = true;
  paletteOpen.value = true;
}

function onKey(e: KeyboardEvent) {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
    e.preventDefault();
    if (paletteOpen.value) paletteOpen.value = false;
    else openPalette();
  }
}

/** Listens on the window while the signed-in layout is mounted; returns the function that stops it. */
export function listenForPalette(): () => void {
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
