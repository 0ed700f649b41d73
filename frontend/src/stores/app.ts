import { defineStore } from 'pinia';
import { ref } from 'vue';

/** Shell state: phone-sized screen (< 768 px) and the collapsed side menu. */
export const useAppStore = defineStore('app', () => {
  const query = window.matchMedia('(max-width: 767.98px)');
  const isMobile = ref(query.matches);
  query.addEventListener('change', (e) => {
    isMobile.value = e.matches;
  });
  const collapsed = ref(localStorage.getItem('cirrus.menuCollapsed') === '1');
  const drawerOpen = ref(false);

  function toggleMenu() {
    if (isMobile.value) drawerOpen.value = !drawerOpen.value;
    else {
      collapsed.value = !collapsed.value;
      localStorage.setItem('cirrus.menuCollapsed', collapsed.value ? '1' : '0');
    }
  }

  return { isMobile, collapsed, drawerOpen, toggleMenu };
});
