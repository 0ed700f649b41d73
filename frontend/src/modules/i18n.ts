import type { App } from 'vue';
import { computed, ref } from 'vue';
import { createI18n } from 'vue-i18n';
import { messageCompiler } from '@/modules/message-compiler';

/** PLT-8: zh-CN and English throughout; the choice is remembered, the default follows the browser. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'cirrus.locale';

export function detectLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  return (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/**
 * Each language's messages are fetched when that language is used (issue 7, first load: a page downloads one
 * language, not both); zh-CN has exactly the keys of en (typed), so nothing falls back to an unloaded language.
 * The sign-in page needs only the common messages; the signed-in app's shell and record pages' (app-shell, objects)
 * come with the first route behind the sign-in (`loadAppMessages`, from main.ts's router guard); a page's own
 * (leads, forms, admin-objects) come with that page (`loadPageMessages`, in modules/router.ts).
 */
type Messages = Record<string, unknown>;
const common: Record<Locale, () => Promise<Messages>> = {
  en: () => import('@/locales/en').then((m) => m.default),
  'zh-CN': () => import('@/locales/zh-CN').then((m) => m.default),
};
const appMessages: Record<Locale, () => Promise<Messages[]>> = {
  en: () => Promise.all([import('@/locales/app-shell.en'), import('@/locales/objects.en'), import('@/locales/admin-objects-menu.en'), import('@/locales/activities.en')]).then((ms) => ms.map((m) => m.default)),
  'zh-CN': () => Promise.all([import('@/locales/app-shell.zh-CN'), import('@/locales/objects.zh-CN'), import('@/locales/admin-objects-menu.zh-CN'), import('@/locales/activities.zh-CN')]).then((ms) => ms.map((m) => m.default)),
};
const loaded = new Set<string>();
let withApp = false;
async function loadMessages(locale: Locale): Promise<void> {
  const parts: Promise<Messages[]>[] = [];
  if (!loaded.has(locale)) parts.push(common[locale]().then((m) => [m]));
  if (withApp && !loaded.has(`${locale}:app`)) parts.push(appMessages[locale]());
  if (!parts.length) return;
  const messages = (await Promise.all(parts)).flat();
  i18n.global.mergeLocaleMessage(locale, Object.assign({}, ...messages) as never);
  loaded.add(locale);
  if (withApp) loaded.add(`${locale}:app`);
}

// --- messages only some pages need (issue 7, h6-admin): fetched with the page, not with every signed-in page ---
const pageMessages = {
  /** Settings → Objects and fields and the command palette (their menu entry and header button: admin-objects-menu). */
  'admin-objects': {
    en: () => import('@/locales/admin-objects.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/admin-objects.zh-CN').then((m) => m.default),
  },
  /** The lead inbox and lead page, the partners and assignment rules pages (the menu's words are in app-shell). */
  leads: {
    en: () => import('@/locales/leads.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/leads.zh-CN').then((m) => m.default),
  },
  /** The web-to-lead forms page. */
  forms: {
    en: () => import('@/locales/forms.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/forms.zh-CN').then((m) => m.default),
  },
  /** The pipeline board, Settings → Pipelines and an opportunity's stage history (issue 8). */
  pipeline: {
    en: () => import('@/locales/pipeline.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/pipeline.zh-CN').then((m) => m.default),
  },
  /** The service desk: the agent workspace and the service dashboard (issue 9). */
  service: {
    en: () => import('@/locales/service.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/service.zh-CN').then((m) => m.default),
  },
  /** The knowledge base's pages and the workspace's suggested articles (issue 9, SVC-2). */
  knowledge: {
    en: () => import('@/locales/knowledge.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/knowledge.zh-CN').then((m) => m.default),
  },
  /** The reply composer's attachments and the thread's file links (issue 9). */
  attachments: {
    en: () => import('@/locales/attachments.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/attachments.zh-CN').then((m) => m.default),
  },
  /** The customer portal (issue 9): its own pages, no staff messages. */
  portal: {
    en: () => import('@/locales/portal.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/portal.zh-CN').then((m) => m.default),
  },
  /** The forecast page (issue 8). */
  forecast: {
    en: () => import('@/locales/forecast.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/forecast.zh-CN').then((m) => m.default),
  },
  /** Issue 10 — email consent on a contact or lead, the preference page, Settings → Marketing. */
  'marketing-consent': {
    en: () => import('@/locales/marketing-consent.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/marketing-consent.zh-CN').then((m) => m.default),
  },
  /** Issue 10 — email templates: list, editor, preview and test send. */
  'marketing-templates': {
    en: () => import('@/locales/marketing-templates.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/marketing-templates.zh-CN').then((m) => m.default),
  },
  /** Issue 10 — campaigns: list, page, members, send and results. */
  'marketing-campaigns': {
    en: () => import('@/locales/marketing-campaigns.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/marketing-campaigns.zh-CN').then((m) => m.default),
  },
  /** Issue 10 — nurturing journeys: list, canvas, per-step counts, a person's journeys. */
  'marketing-journeys': {
    en: () => import('@/locales/marketing-journeys.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/marketing-journeys.zh-CN').then((m) => m.default),
  },
  /** Issue 10 — lead scoring: rules and a lead's score. */
  'marketing-scoring': {
    en: () => import('@/locales/marketing-scoring.en').then((m) => m.default),
    'zh-CN': () => import('@/locales/marketing-scoring.zh-CN').then((m) => m.default),
  },
} satisfies Record<string, Record<Locale, () => Promise<Messages>>>;
type PageMessages = keyof typeof pageMessages;
const wantedPages = new Set<PageMessages>();
async function loadPageMessagesIn(locale: Locale): Promise<void> {
  const missing = [...wantedPages].filter((name) => !loaded.has(`${locale}:${name}`));
  const messages = await Promise.all(missing.map((name) => pageMessages[name][locale]()));
  for (const m of messages) i18n.global.mergeLocaleMessage(locale, m as never);
  for (const name of missing) loaded.add(`${locale}:${name}`);
}
/** A page's own messages in the current language (and in every language chosen later); resolves when they are in. */
export function loadPageMessages(name: PageMessages): Promise<void> {
  wantedPages.add(name);
  return loadPageMessagesIn(current.value);
}
// --- end page messages ---

/** The signed-in app's messages for the current language (and every language chosen later). */
export function loadAppMessages(): Promise<void> {
  withApp = true;
  return loadMessages(current.value);
}

export const i18n = createI18n({
  legacy: false,
  locale: detectLocale(),
  fallbackLocale: 'en',
  messages: {},
  messageCompiler,
  missingWarn: false,
  fallbackWarn: false,
});

const current = ref<Locale>(i18n.global.locale.value as Locale);
export const currentLocale = computed(() => current.value);

export async function setLocale(locale: Locale): Promise<void> {
  await Promise.all([loadMessages(locale), loadPageMessagesIn(locale)]);
  i18n.global.locale.value = locale;
  current.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
  document.title = i18n.global.t('app.name');
}

/** Resolves once the current language's messages are in, so the first render is translated. */
export async function installI18n(app: App): Promise<void> {
  app.use(i18n);
  await setLocale(current.value);
}
