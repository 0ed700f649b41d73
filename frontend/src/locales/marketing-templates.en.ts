/** Issue 10 — templates: the messages of its pages and panels (en); loaded with them (modules/i18n.ts, loadPageMessages). */
export default {};
