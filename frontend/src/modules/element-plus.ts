import { ref, watch, type Ref } from 'vue';
import type { Language } from 'element-plus/es/locale/index.mjs';
import { currentLocale, type Locale } from '@/modules/i18n';

/**
 * Element Plus per use (issue 7, first load). Nothing is registered globally: the build's
 * unplugin-vue-components with the ElementPlusResolver (frontend/vite.config.ts) turns every `<el-…>` tag
 * and `v-loading` in a template into an import of that component and its stylesheet, in the chunk of the
 * view that uses it, so the sign-in page loads the form, input, button, card and alert and nothing else.
 * Components imported in a script (ElSwitch, …) import their style next to them; ElMessage's comes with
 * the signed-in layout (views/layout/AppLayout.vue), since toasts are raised from any page.
 *
 * Element Plus' own strings (pagination, dialogs, date pickers) follow the app language; English is built
 * into Element Plus, the zh-CN messages are fetched when that language is chosen.
 */
const loaders: Record<Locale, () => Promise<Language | undefined>> = {
  en: async () => undefined, // Element Plus' default
  'zh-CN': () => import('element-plus/es/locale/lang/zh-cn.mjs').then((m) => m.default),
};

export const elementLocale: Ref<Language | undefined> = ref();

let asked: Locale | undefined;
watch(
  currentLocale,
  async (locale) => {
    asked = locale;
    const messages = await loaders[locale]();
    if (asked === locale) elementLocale.value = messages;
  },
  { immediate: true },
);
