import type { App } from 'vue';
import { computed, ref } from 'vue';
import { createI18n } from 'vue-i18n';
import elZhCn from 'element-plus/es/locale/lang/zh-cn.mjs';
import elEn from 'element-plus/es/locale/lang/en.mjs';
import en from '@/locales/en';
import zhCN from '@/locales/zh-CN';
import leadsEn from '@/locales/leads.en';
import leadsZhCN from '@/locales/leads.zh-CN';
import formsEn from '@/locales/forms.en';
import formsZhCN from '@/locales/forms.zh-CN';

/** PLT-8: zh-CN and English throughout; the choice is remembered, the default follows the browser. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'cirrus.locale';

export function detectLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  return (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export const i18n = createI18n({
  legacy: false,
  locale: detectLocale(),
  fallbackLocale: 'en',
  messages: { en: { ...en, ...leadsEn, ...formsEn }, 'zh-CN': { ...zhCN, ...leadsZhCN, ...formsZhCN } },
  missingWarn: false,
  fallbackWarn: false,
});

const current = ref<Locale>(i18n.global.locale.value as Locale);
export const currentLocale = computed(() => current.value);
/** Element Plus' own strings (pagination, dialogs, date pickers) follow the app language. */
export const elementLocale = computed(() => (current.value === 'zh-CN' ? elZhCn : elEn));

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  current.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
  document.title = i18n.global.t('app.name');
}

export function installI18n(app: App): void {
  app.use(i18n);
  setLocale(current.value);
}
